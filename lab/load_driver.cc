#include "lab/load_driver.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>
#include <utility>

#include "core/errors.h"
#include "core/metrics_collector.h"
#include "lab/poisson_arrival_generator.h"
#include "lab/process_stats.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

Clock::duration to_chrono(absl::Duration d) {
  return std::chrono::duration_cast<Clock::duration>(absl::ToChronoNanoseconds(d));
}

// No initializers: the buffer is allocated untouched, so only the samples
// actually written count in the run's resident memory.
struct Sample {
  float done_s;  // completion, seconds since the load started
  float run_ms;
  float response_ms;
};

struct Shared {
  Executor* executor = nullptr;
  WorkloadGenerator::Task task;
  std::function<void(const WorkloadGenerator::Task&, double)> run_task;
  Clock::time_point t0;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> outstanding{0};
  // A ring of the latest `capacity` samples: the measurement window comes
  // last, so it keeps the samples that count. (Kept from the start, a
  // 120 s run at 23k tasks/s filled it in the warm-up half and reported a
  // steady P99 of 0.)
  std::size_t capacity = 0;
  std::unique_ptr<Sample[]> samples;
  std::atomic<std::size_t> next_sample{0};

  void run_one(Clock::time_point submitted) {
    const Clock::time_point start = Clock::now();
    try {
      if (run_task) {
        run_task(task, seconds_between(t0, submitted));
      } else {
        task();
      }
    } catch (...) {
      // A workload that throws still completes (counted by the executor
      // as failed); the load keeps going.
    }
    const Clock::time_point end = Clock::now();
    const std::size_t i = next_sample.fetch_add(1, std::memory_order_relaxed);
    samples[i % capacity] = {static_cast<float>(seconds_between(t0, end)),
                             static_cast<float>(seconds_between(start, end) * 1e3),
                             static_cast<float>(seconds_between(submitted, end) * 1e3)};
    completed.fetch_add(1, std::memory_order_relaxed);
  }
};

// Closed loop: each finished task submits its successor.
struct ClosedTask {
  std::shared_ptr<Shared> s;
  Clock::time_point submitted;
  void operator()() {
    s->run_one(submitted);
    if (s->stop.load(std::memory_order_relaxed)) return;
    try {
      s->executor->post(ClosedTask{s, Clock::now()});
    } catch (const RejectedError&) {
      // Shutting down.
    }
  }
};

struct OpenTask {
  std::shared_ptr<Shared> s;
  Clock::time_point arrived;
  void operator()() {
    s->run_one(arrived);
    s->outstanding.fetch_sub(1, std::memory_order_relaxed);
  }
};

// Submits at the arrival times of `next_gap` until stopped.
template <class NextGap>
int64_t drive_open_loop(const std::shared_ptr<Shared>& s, int64_t max_outstanding,
                        NextGap next_gap) {
  int64_t dropped = 0;
  Clock::time_point due = s->t0;
  while (!s->stop.load(std::memory_order_relaxed)) {
    due += to_chrono(next_gap());
    // Sleep in short slices so a stop is noticed promptly.
    while (!s->stop.load(std::memory_order_relaxed)) {
      const Clock::time_point now = Clock::now();
      if (now >= due) break;
      std::this_thread::sleep_for(
          std::min<Clock::duration>(due - now, std::chrono::milliseconds(50)));
    }
    if (s->stop.load(std::memory_order_relaxed)) break;
    if (s->outstanding.load(std::memory_order_relaxed) >= max_outstanding) {
      ++dropped;
      continue;
    }
    s->outstanding.fetch_add(1, std::memory_order_relaxed);
    try {
      s->executor->post(OpenTask{s, due});
    } catch (const RejectedError&) {
      break;
    }
  }
  return dropped;
}

double mean_finite(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v) {
    if (std::isfinite(x)) {
      sum += x;
      ++n;
    }
  }
  return n == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / n;
}

}  // namespace

LoadResult run_load(Executor& executor, Clock::time_point executor_built,
                    const WorkloadGenerator::Task& task, const LoadSpec& spec,
                    PeakRssTracker* peak, const LoadProgress& progress) {
  auto s = std::make_shared<Shared>();
  s->executor = &executor;
  s->task = task;
  s->run_task = spec.run_task;
  s->capacity = static_cast<std::size_t>(std::max<int64_t>(1, spec.latency_samples));
  s->samples.reset(new Sample[s->capacity]);
  s->t0 = Clock::now();

  // Each window lasts at least its duration; in a closed loop with
  // min_completions, also until that many tasks finished in it (at most
  // max_window).
  const bool extend = spec.mode == LoadSpec::Mode::kClosed && spec.min_completions > 0;
  const Clock::duration max_window =
      extend ? to_chrono(spec.max_window) : Clock::duration::zero();
  const Clock::time_point t_warm = s->t0 + to_chrono(spec.warmup);
  const Clock::time_point t_warm_cap =
      s->t0 + std::max(to_chrono(spec.warmup), max_window);
  Clock::time_point t_end = t_warm + to_chrono(spec.measure);
  Clock::time_point t_end_cap = t_end;
  const double total = seconds_between(s->t0, t_end);

  std::thread driver;
  int64_t dropped = 0;
  if (spec.mode == LoadSpec::Mode::kClosed) {
    for (int i = 0; i < spec.clients; ++i) executor.post(ClosedTask{s, s->t0});
  } else if (spec.arrival == LoadSpec::Arrival::kPoisson) {
    auto gen = PoissonArrivalGenerator::create(spec.rate, spec.seed).value();
    driver = std::thread([s, &dropped, max = spec.max_outstanding,
                          gen = std::move(gen)]() mutable {
      dropped = drive_open_loop(s, max, [&gen] { return gen.next_interarrival(); });
    });
  } else {
    auto gen = BurstArrivalGenerator::create(spec.burst, spec.seed).value();
    driver = std::thread([s, &dropped, max = spec.max_outstanding,
                          gen = std::move(gen)]() mutable {
      dropped = drive_open_loop(s, max, [&gen] { return gen.next_interarrival(); });
    });
  }

  LoadResult r;
  ProcStatSensor machine;
  bool warmed = false;
  int64_t completed_at_warm = 0;
  double cpu_at_warm = 0;
  Clock::time_point warm_at = s->t0;
  SimulatedGilStats gil_at_warm;
  Clock::time_point next_sample = s->t0 + to_chrono(spec.sample_every);
  Clock::time_point last_sample_at = s->t0;
  int64_t last_completed = 0;
  // Polling step once a window has outlasted its duration and waits for
  // completions.
  constexpr auto kPoll = std::chrono::milliseconds(20);
  while (true) {
    Clock::time_point now = Clock::now();
    if (!warmed && now >= t_warm) {
      const int64_t c = s->completed.load(std::memory_order_relaxed);
      const bool enough = !extend || c >= spec.min_completions;
      if (enough || now >= t_warm_cap) {
        if (!enough) r.steady = false;
        warmed = true;
        warm_at = now;
        completed_at_warm = c;
        cpu_at_warm = process_cpu_seconds();
        machine.read();  // starts the machine-wide window
        if (spec.gil != nullptr) gil_at_warm = spec.gil->stats();
        t_end = warm_at + to_chrono(spec.measure);
        t_end_cap = warm_at + std::max(to_chrono(spec.measure), max_window);
      }
    }
    if (warmed && now >= t_end) {
      const bool enough =
          !extend || s->completed.load(std::memory_order_relaxed) - completed_at_warm >=
                         spec.min_completions;
      if (enough || now >= t_end_cap) {
        if (!enough) r.steady = false;
        break;
      }
    }
    const Clock::time_point deadline = warmed ? t_end : t_warm;
    std::this_thread::sleep_until(
        std::min(next_sample, now >= deadline ? now + kPoll : deadline));
    now = Clock::now();
    if (now >= next_sample) {
      next_sample += to_chrono(spec.sample_every);
      const int64_t c = s->completed.load(std::memory_order_relaxed);
      TimelineSample ts;
      ts.t = seconds_between(s->t0, now);
      ts.threads = executor.thread_count();
      ts.target = executor.target_thread_count();
      ts.completed = c;
      const double dt = seconds_between(last_sample_at, now);
      ts.throughput = dt > 0 ? static_cast<double>(c - last_completed) / dt : 0.0;
      last_sample_at = now;
      last_completed = c;
      r.timeline.push_back(ts);
      if (peak != nullptr) peak->sample();
      if (progress) progress(ts.t, total, ts);
    }
  }
  const Clock::time_point end_at = Clock::now();
  const int64_t completed_at_end = s->completed.load(std::memory_order_relaxed);
  const double cpu_at_end = process_cpu_seconds();
  const SimulatedGilStats gil_at_end =
      spec.gil != nullptr ? spec.gil->stats() : SimulatedGilStats{};
  r.machine_cpu_percent =
      machine.read().system_percent.value_or(std::numeric_limits<double>::quiet_NaN());
  double loads[1] = {0.0};
  r.load_average = getloadavg(loads, 1) == 1 ? loads[0] : std::numeric_limits<double>::quiet_NaN();
  r.final_threads = executor.thread_count();

  s->stop.store(true, std::memory_order_relaxed);
  if (driver.joinable()) driver.join();
  executor.shutdown_now();  // discards the backlog, waits for running tasks

  r.warmup_seconds = seconds_between(s->t0, warm_at);
  r.measured_seconds = seconds_between(warm_at, end_at);
  r.completed = completed_at_end - completed_at_warm;
  r.throughput = r.measured_seconds > 0 ? r.completed / r.measured_seconds : 0.0;
  r.total_seconds = seconds_between(s->t0, end_at);
  r.total_completed = completed_at_end;
  r.dropped_arrivals = dropped;
  r.gil_busy_percent = std::numeric_limits<double>::quiet_NaN();
  r.gil_switches_per_s = std::numeric_limits<double>::quiet_NaN();
  if (spec.gil != nullptr && r.measured_seconds > 0) {
    // Holds still open at either end are not counted: a slight undercount.
    r.gil_busy_percent =
        100.0 * (gil_at_end.held_ns - gil_at_warm.held_ns) * 1e-9 / r.measured_seconds;
    r.gil_switches_per_s =
        (gil_at_end.forced_switches - gil_at_warm.forced_switches) / r.measured_seconds;
  }
  r.cpu_percent = r.measured_seconds > 0
                      ? 100.0 * (cpu_at_end - cpu_at_warm) /
                            (r.measured_seconds * affinity_cpu_count())
                      : 0.0;

  // Latency over tasks that completed inside the window.
  const double w0 = seconds_between(s->t0, warm_at);
  const double w1 = seconds_between(s->t0, end_at);
  std::vector<double> run, response;
  const std::size_t n = std::min(s->next_sample.load(), s->capacity);
  for (std::size_t i = 0; i < n; ++i) {
    const Sample& x = s->samples[i];
    if (x.done_s < w0 || x.done_s > w1) continue;
    run.push_back(x.run_ms);
    response.push_back(x.response_ms);
  }
  std::sort(run.begin(), run.end());
  std::sort(response.begin(), response.end());
  r.latency_samples = static_cast<int64_t>(run.size());
  r.p50_ms = percentile_of_sorted(run, 50);
  r.p95_ms = percentile_of_sorted(run, 95);
  r.p99_ms = percentile_of_sorted(run, 99);
  r.response_p50_ms = percentile_of_sorted(response, 50);
  r.response_p99_ms = percentile_of_sorted(response, 99);

  // Thread count over the window.
  double sum_threads = 0;
  int samples_in_window = 0;
  for (const TimelineSample& ts : r.timeline) {
    r.max_threads = std::max(r.max_threads, ts.threads);
    if (ts.t >= w0) {
      sum_threads += ts.threads;
      ++samples_in_window;
    }
  }
  r.mean_threads = samples_in_window > 0 ? sum_threads / samples_in_window
                                         : static_cast<double>(r.final_threads);

  // The executor's own view of blocking, over the ticks inside the window.
  r.decisions = executor.decision_history();
  const double offset = seconds_between(s->t0, executor_built);
  r.executor_start_s = offset;
  std::vector<double> betas, lock_waits;
  for (const DecisionRecord& d : r.decisions) {
    const double t = d.timestamp + offset;
    if (t < w0 || t > w1) continue;
    betas.push_back(d.blocking_ratio);
    lock_waits.push_back(d.lock_wait_ratio);
  }
  r.beta = mean_finite(betas);
  r.lock_wait_ratio = mean_finite(lock_waits);
  return r;
}

}  // namespace betapool

#include "lab/sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/metrics_collector.h"
#include "core/controller_snapshot.h"
#include "core/task_metrics.h"
#include "lab/sim/sim_random.h"

namespace betapool {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One part of a started task, with its drawn length.
struct Seg {
  enum Kind : uint8_t { kWait, kCpu, kGilCpu };
  Kind kind;
  double amount;  // seconds of wall (wait) or of uncontended CPU work
};

struct QueuedTask {
  uint64_t id;
  double arrival;
};

struct Worker {
  enum class State : uint8_t { kIdle, kIo, kCpu, kGilWait, kHolder, kRetired };
  State state = State::kIdle;
  bool holds_gil = false;
  uint64_t task_id = 0;
  double arrival = 0.0;
  double start = 0.0;
  std::vector<Seg> segs;
  std::size_t seg_index = 0;
  double remaining = 0.0;  // GIL work still to do while waiting for the GIL
  double cpu = 0.0;        // CPU seconds of the current task so far
  double q_mark = 0.0;     // share clock when the thread became runnable
  double lock_wait = 0.0;  // GIL wait of the current task so far
  double wait_mark = 0.0;  // when the current GIL wait began
  double last_record_start = -kInf;
};

struct HeapItem {
  double key;
  int worker;
  bool operator>(const HeapItem& o) const {
    return key > o.key || (key == o.key && worker > o.worker);
  }
};
using MinHeap =
    std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<HeapItem>>;

// The whole simulated pool and machine. One instance per simulate() call.
class Engine {
 public:
  Engine(const Scenario& scenario, ScalingPolicy& policy,
         const SimOptions& options)
      : sc_(scenario),
        policy_(policy),
        opt_(options),
        cores_(scenario.machine.cores),
        overhead_(scenario.machine.overhead_per_thread),
        gil_on_(scenario.gil.enabled),
        switch_interval_(absl::ToDoubleSeconds(scenario.gil.switch_interval)),
        handoff_cost_(absl::ToDoubleSeconds(scenario.gil.handoff_cost)),
        waiter_slowdown_(scenario.gil.waiter_slowdown),
        wake_cpu_(absl::ToDoubleSeconds(scenario.gil.waiter_wake_cpu)),
        tick_(absl::ToDoubleSeconds(options.controller.monitor_interval)),
        end_(absl::ToDoubleSeconds(options.duration.value_or(scenario.duration))),
        record_spacing_(absl::ToDoubleSeconds(options.metrics.record_spacing)),
        arrival_rng_(internal::mix_seed(options.seed, 0xa441'7a15ULL)),
        collector_(options.metrics.window_size, options.metrics.max_history,
                   options.metrics.window_max_age) {}

  SimResult run();

 private:
  // --- the scheduler ---
  void update_rates();
  void advance_to(double t);
  // --- task life cycle ---
  void submit(double arrival);
  void start_task(int wi, const QueuedTask& t);
  void next_segment(int wi);
  void finish_task(int wi);
  void after_task(int wi);
  // --- the GIL ---
  void request_gil(int wi, double work);
  void acquire_gil(int wi, double work, bool handed_off);
  void release_gil(int wi);
  void end_gil_wait(int wi);
  void forced_switch();
  // --- pool ---
  void resize(int target);
  int spawn_worker();
  void go_idle(int wi);
  // --- arrivals and ticks ---
  double next_open_arrival(double after);
  void on_tick();

  const Scenario& sc_;
  ScalingPolicy& policy_;
  const SimOptions& opt_;
  const double cores_;
  const double overhead_;
  const bool gil_on_;
  const double switch_interval_;
  const double handoff_cost_;
  const double waiter_slowdown_;
  const double wake_cpu_;
  const double tick_;
  const double end_;
  const double record_spacing_;

  double now_ = 0.0;
  // Processor sharing: every runnable thread progresses at rho_ work-seconds
  // per second (the GIL holder at rho_ * holder_factor_) and accrues CPU time
  // at share_ per second. service_ and share_clock_ integrate those rates so
  // a rate change costs O(1) instead of touching every thread.
  double service_ = 0.0;
  double share_clock_ = 0.0;
  double share_ = 1.0;
  double rho_ = 1.0;
  double holder_factor_ = 1.0;
  int runnable_nonholder_ = 0;

  std::vector<Worker> workers_;
  std::vector<int> free_slots_;
  std::vector<int> idle_;
  int live_ = 0;
  int target_ = 0;
  std::deque<QueuedTask> queue_;
  uint64_t next_task_id_ = 0;
  MinHeap cpu_heap_;    // key: service_ value at which the CPU part ends
  MinHeap timer_heap_;  // key: time at which the wait ends

  int holder_ = -1;
  double holder_work_ = 0.0;  // GIL work left in the holder's current part
  double switch_deadline_ = kInf;
  std::deque<int> gil_waiters_;

  // Open-loop arrivals.
  internal::SimRandom arrival_rng_;
  double next_arrival_ = kInf;

  // Measurement, as the live pool and controller keep it.
  MetricsCollector collector_;
  std::vector<TaskMetrics> pending_records_;
  int64_t unrecorded_ = 0;
  int64_t interval_completed_ = 0;
  double interval_busy_ = 0.0;
  double interval_cpu_ = 0.0;
  double interval_lock_ = 0.0;
  double last_tick_ = 0.0;
  double busy_core_seconds_ = 0.0;  // integral of min(R, C) dt
  double wake_cpu_seconds_ = 0.0;   // CPU burnt by GIL waiters waking up
  double cpu_read_busy_ = 0.0;
  double cpu_read_wake_ = 0.0;
  double cpu_read_time_ = 0.0;

  // Results.
  SimResult result_;
  std::vector<double> latencies_;
  double beta_sum_ = 0.0;
  double lock_ratio_sum_ = 0.0;
  double worker_seconds_ = 0.0;  // integral of target_ dt
  int last_direction_ = 0;
  double cpu_percent_sum_ = 0.0;
  int64_t cpu_percent_count_ = 0;
};

void Engine::update_rates() {
  const int r = runnable_nonholder_ + (holder_ >= 0 ? 1 : 0);
  const double rd = static_cast<double>(r);
  if (rd <= cores_) {
    share_ = 1.0;
    rho_ = 1.0;
  } else {
    share_ = cores_ / rd;
    rho_ = share_ / (1.0 + overhead_ * (rd - cores_));
  }
  holder_factor_ =
      1.0 / (1.0 + waiter_slowdown_ * static_cast<double>(gil_waiters_.size()));
}

void Engine::advance_to(double t) {
  const double dt = t - now_;
  if (dt > 0) {
    const int r = runnable_nonholder_ + (holder_ >= 0 ? 1 : 0);
    service_ += rho_ * dt;
    share_clock_ += share_ * dt;
    if (holder_ >= 0) holder_work_ -= rho_ * holder_factor_ * dt;
    busy_core_seconds_ += share_ * static_cast<double>(r) * dt;
    worker_seconds_ += static_cast<double>(target_) * dt;
  }
  now_ = t;
}

void Engine::submit(double arrival) {
  const QueuedTask t{next_task_id_++, arrival};
  ++result_.submitted;
  if (!idle_.empty()) {
    const int wi = idle_.back();
    idle_.pop_back();
    start_task(wi, t);
  } else {
    queue_.push_back(t);
  }
}

void Engine::start_task(int wi, const QueuedTask& t) {
  Worker& w = workers_[wi];
  w.task_id = t.id;
  w.arrival = t.arrival;
  w.start = now_;
  w.cpu = 0.0;
  w.lock_wait = 0.0;
  w.seg_index = 0;
  w.segs.clear();
  internal::SimRandom rng = internal::task_stream(opt_.seed, t.id);
  for (const SegmentSpec& spec : sc_.profile_at(t.arrival).segments) {
    const double d = spec.duration.sample(rng);
    if (spec.kind == SegmentSpec::Kind::kWait) {
      w.segs.push_back({Seg::kWait, d});
    } else if (gil_on_ && spec.gil_fraction > 0.0) {
      w.segs.push_back({Seg::kGilCpu, d * spec.gil_fraction});
      if (spec.gil_fraction < 1.0) {
        w.segs.push_back({Seg::kCpu, d * (1.0 - spec.gil_fraction)});
      }
    } else {
      w.segs.push_back({Seg::kCpu, d});
    }
  }
  next_segment(wi);
}

// Moves worker `wi` into its current segment (or finishes the task).
void Engine::next_segment(int wi) {
  Worker& w = workers_[wi];
  while (w.seg_index < w.segs.size() && !(w.segs[w.seg_index].amount > 0.0)) {
    ++w.seg_index;
  }
  if (w.seg_index == w.segs.size()) {
    finish_task(wi);
    return;
  }
  const Seg& seg = w.segs[w.seg_index];
  switch (seg.kind) {
    case Seg::kWait:
      if (w.holds_gil) release_gil(wi);
      w.state = Worker::State::kIo;
      timer_heap_.push({now_ + seg.amount, wi});
      return;
    case Seg::kCpu:
      if (w.holds_gil) release_gil(wi);
      w.state = Worker::State::kCpu;
      w.q_mark = share_clock_;
      cpu_heap_.push({service_ + seg.amount, wi});
      ++runnable_nonholder_;
      return;
    case Seg::kGilCpu:
      if (w.holds_gil) {
        // Consecutive GIL work: CPython keeps the GIL (no hand-off) until a
        // waiter's switch interval expires.
        holder_work_ = seg.amount;
        return;
      }
      request_gil(wi, seg.amount);
      return;
  }
}

void Engine::finish_task(int wi) {
  Worker& w = workers_[wi];
  if (w.holds_gil) {
    w.cpu += share_clock_ - w.q_mark;
    w.q_mark = share_clock_;
  }
  const double wall = now_ - w.start;
  ++interval_completed_;
  interval_busy_ += wall;
  interval_cpu_ += w.cpu;
  interval_lock_ += w.lock_wait;
  const double beta = blocking_ratio(wall, w.cpu);
  beta_sum_ += beta;
  lock_ratio_sum_ += wall > 0 ? std::min(1.0, w.lock_wait / wall) : 0.0;
  ++result_.completed;
  latencies_.push_back(now_ - w.arrival);
  // The WorkerPool records a task when record_spacing passed since the
  // previous recorded task started on the same worker.
  if (w.start - w.last_record_start >= record_spacing_) {
    w.last_record_start = w.start;
    TaskMetrics m;
    m.task_id = w.task_id;
    m.wall_time = wall;
    m.cpu_time = w.cpu;
    m.lock_wait_time = w.lock_wait;
    m.blocking_ratio = beta;
    m.timestamp = now_;
    pending_records_.push_back(std::move(m));
  } else {
    ++unrecorded_;
  }
  if (sc_.arrivals.kind == ArrivalSpec::Kind::kClosedLoop) {
    // The finished task's client submits its next one at once. It joins the
    // queue before this worker looks for work, so FIFO order is kept and the
    // running worker (not a sleeping one) usually takes it, as live.
    queue_.push_back({next_task_id_++, now_});
    ++result_.submitted;
  }
  after_task(wi);
  while (!queue_.empty() && !idle_.empty()) {
    const int other = idle_.back();
    idle_.pop_back();
    const QueuedTask t = queue_.front();
    queue_.pop_front();
    start_task(other, t);
  }
}

// What a worker does at a task boundary, as WorkerPool::worker_main does:
// retire if surplus, else take the next queued task, else sleep.
void Engine::after_task(int wi) {
  Worker& w = workers_[wi];
  if (live_ > target_) {
    if (w.holds_gil) release_gil(wi);
    w.state = Worker::State::kRetired;
    --live_;
    free_slots_.push_back(wi);
    return;
  }
  if (!queue_.empty()) {
    const QueuedTask t = queue_.front();
    queue_.pop_front();
    start_task(wi, t);
    return;
  }
  go_idle(wi);
}

void Engine::go_idle(int wi) {
  Worker& w = workers_[wi];
  if (w.holds_gil) release_gil(wi);
  w.state = Worker::State::kIdle;
  idle_.push_back(wi);
}

void Engine::request_gil(int wi, double work) {
  Worker& w = workers_[wi];
  if (holder_ < 0) {
    acquire_gil(wi, work, /*handed_off=*/false);
    return;
  }
  w.state = Worker::State::kGilWait;
  w.remaining = work;
  w.wait_mark = now_;
  // CPython: the first waiter times out after the switch interval and asks
  // the holder to drop the GIL.
  if (gil_waiters_.empty()) switch_deadline_ = now_ + switch_interval_;
  gil_waiters_.push_back(wi);
}

void Engine::acquire_gil(int wi, double work, bool handed_off) {
  Worker& w = workers_[wi];
  holder_ = wi;
  w.holds_gil = true;
  w.state = Worker::State::kHolder;
  w.q_mark = share_clock_;
  holder_work_ = work + (handed_off ? handoff_cost_ : 0.0);
  switch_deadline_ = gil_waiters_.empty() ? kInf : now_ + switch_interval_;
}

void Engine::end_gil_wait(int wi) {
  Worker& w = workers_[wi];
  const double waited = now_ - w.wait_mark;
  w.lock_wait += waited;
  if (wake_cpu_ > 0.0 && switch_interval_ > 0.0) {
    const double wake = std::floor(waited / switch_interval_) * wake_cpu_;
    w.cpu += wake;
    wake_cpu_seconds_ += wake;
  }
}

void Engine::release_gil(int wi) {
  Worker& w = workers_[wi];
  w.cpu += share_clock_ - w.q_mark;
  w.q_mark = share_clock_;
  w.holds_gil = false;
  holder_ = -1;
  switch_deadline_ = kInf;
  if (!gil_waiters_.empty()) {
    const int next = gil_waiters_.front();
    gil_waiters_.pop_front();
    end_gil_wait(next);
    acquire_gil(next, workers_[next].remaining, /*handed_off=*/true);
  }
}

// The holder was asked to drop the GIL mid-burst: it hands the GIL to the
// longest waiter and queues behind the others for the rest of its work.
void Engine::forced_switch() {
  const int wi = holder_;
  Worker& w = workers_[wi];
  const double left = std::max(0.0, holder_work_);
  w.cpu += share_clock_ - w.q_mark;
  w.holds_gil = false;
  holder_ = -1;
  const int next = gil_waiters_.front();
  gil_waiters_.pop_front();
  w.state = Worker::State::kGilWait;
  w.remaining = left;
  w.wait_mark = now_;
  gil_waiters_.push_back(wi);
  end_gil_wait(next);
  acquire_gil(next, workers_[next].remaining, /*handed_off=*/true);
}

int Engine::spawn_worker() {
  int wi;
  if (!free_slots_.empty()) {
    // A new OS thread: fresh per-worker state (it records its first task).
    wi = free_slots_.back();
    free_slots_.pop_back();
    workers_[wi] = Worker{};
  } else {
    wi = static_cast<int>(workers_.size());
    workers_.emplace_back();
  }
  ++live_;
  return wi;
}

void Engine::resize(int target) {
  target_ = target;
  while (live_ < target_) {
    const int wi = spawn_worker();
    if (!queue_.empty()) {
      const QueuedTask t = queue_.front();
      queue_.pop_front();
      start_task(wi, t);
    } else {
      go_idle(wi);
    }
  }
  while (live_ > target_ && !idle_.empty()) {
    const int wi = idle_.back();
    idle_.pop_back();
    workers_[wi].state = Worker::State::kRetired;
    --live_;
    free_slots_.push_back(wi);
  }
}

double Engine::next_open_arrival(double after) {
  const ArrivalSpec& a = sc_.arrivals;
  if (a.kind == ArrivalSpec::Kind::kPoisson) {
    if (!(a.rate > 0.0)) return kInf;
    return after + arrival_rng_.exponential1() / a.rate;
  }
  // Bursty: piecewise-constant rate; the exponential is memoryless, so at a
  // rate boundary we simply draw again with the new rate.
  const double burst = absl::ToDoubleSeconds(a.burst_duration);
  const double quiet = absl::ToDoubleSeconds(a.quiet_duration);
  const double cycle = burst + quiet;
  double t = after;
  for (int guard = 0; guard < 1000000; ++guard) {
    const double in_cycle = std::fmod(t, cycle);
    const bool in_burst = in_cycle < burst;
    const double rate = in_burst ? a.burst_rate : a.quiet_rate;
    const double boundary =
        t - in_cycle + (in_burst ? burst : cycle);
    if (rate > 0.0) {
      const double cand = t + arrival_rng_.exponential1() / rate;
      if (cand < boundary) return cand;
    }
    t = boundary;
    if (t > end_) return kInf;
  }
  return kInf;
}

void Engine::on_tick() {
  // Controller::collect_locked(): records into the collector, then the
  // completions that were not recorded, stamped now.
  for (const TaskMetrics& m : pending_records_) collector_.record(m);
  pending_records_.clear();
  if (unrecorded_ > 0) collector_.count_completions(unrecorded_, now_);
  unrecorded_ = 0;

  // The simulated ProcStatSensor: busy share over the time since the
  // previous read (all CPU here is this process's).
  CpuReading cpu;
  const double dt = now_ - cpu_read_time_;
  if (sc_.machine.cpu_sensor_available && dt > 0) {
    const double busy = (busy_core_seconds_ - cpu_read_busy_) +
                        (wake_cpu_seconds_ - cpu_read_wake_);
    const double pct = std::min(100.0, 100.0 * busy / (cores_ * dt));
    cpu.system_percent = pct;
    cpu.process_percent = pct;
    cpu.effective_cpus = cores_;
    cpu_percent_sum_ += pct;
    ++cpu_percent_count_;
  } else {
    cpu.status = "CPU sensor unavailable in this scenario";
  }
  cpu_read_busy_ = busy_core_seconds_;
  cpu_read_wake_ = wake_cpu_seconds_;
  cpu_read_time_ = now_;

  // Controller::snapshot_locked().
  ControllerSnapshot s;
  s.now = absl::Seconds(now_);
  s.current_workers = target_;
  s.min_workers = sc_.min_workers;
  s.max_workers = sc_.max_workers;
  s.busy_workers = live_ - static_cast<int>(idle_.size());
  s.queue_depth = static_cast<int64_t>(queue_.size());
  s.total_completed = collector_.total_tasks();
  s.interval.length = absl::Seconds(std::max(0.0, now_ - last_tick_));
  s.interval.completed = interval_completed_;
  s.interval.failed = 0;
  s.interval.busy_wall_time = interval_busy_;
  s.interval.cpu_time = interval_cpu_;
  s.interval.lock_wait_time = interval_lock_;
  s.window = collector_.aggregated(now_);
  s.cpu = cpu;

  // Controller::tick(): decide, hold on exception, clamp, apply.
  ScalingDecision decision;
  try {
    decision = policy_.decide(s);
  } catch (const std::exception& e) {
    ++result_.policy_faults;
    decision = ScalingDecision::hold(s.current_workers,
                                     absl::StrCat("policy threw: ", e.what()));
  } catch (...) {
    ++result_.policy_faults;
    decision = ScalingDecision::hold(s.current_workers,
                                     "policy threw a non-standard exception");
  }
  const int applied =
      std::clamp(decision.target, sc_.min_workers, sc_.max_workers);
  if (applied != s.current_workers) {
    const int direction = applied > s.current_workers ? 1 : -1;
    if (last_direction_ != 0 && direction != last_direction_) {
      ++result_.direction_changes;
    }
    last_direction_ = direction;
    resize(applied);
  }
  result_.max_workers_seen = std::max(result_.max_workers_seen, applied);
  result_.min_workers_seen = std::min(result_.min_workers_seen, applied);

  TickSample t;
  t.time = now_;
  t.threads_before = s.current_workers;
  t.requested = decision.target;
  t.threads_after = applied;
  t.completed = interval_completed_;
  t.throughput = s.interval.throughput().value_or(0.0);
  t.blocking_ratio = s.window.task_count > 0 ? s.window.avg_blocking_ratio : kNaN;
  t.lock_wait_ratio =
      s.window.task_count > 0 ? s.window.avg_lock_wait_ratio : kNaN;
  t.cpu_percent = cpu.system_percent.value_or(kNaN);
  t.process_cpu_percent = cpu.process_percent.value_or(kNaN);
  t.queue_depth = s.queue_depth;
  t.busy_workers = s.busy_workers;
  if (opt_.record_reasons) t.reason = std::move(decision.reason);
  result_.ticks.push_back(std::move(t));

  interval_completed_ = 0;
  interval_busy_ = interval_cpu_ = interval_lock_ = 0.0;
  last_tick_ = now_;
}

SimResult Engine::run() {
  result_.scenario = sc_.name;
  result_.policy = std::string(policy_.name());
  result_.seed = opt_.seed;
  result_.duration = end_;
  const int initial = opt_.initial_workers.value_or(
      sc_.initial_workers > 0 ? sc_.initial_workers : sc_.min_workers);
  result_.max_workers_seen = result_.min_workers_seen = initial;
  latencies_.reserve(1 << 16);
  result_.ticks.reserve(static_cast<std::size_t>(end_ / tick_) + 2);

  resize(initial);
  if (sc_.arrivals.kind == ArrivalSpec::Kind::kClosedLoop) {
    for (int i = 0; i < sc_.arrivals.population; ++i) submit(0.0);
  } else {
    next_arrival_ = next_open_arrival(0.0);
  }
  double next_tick = tick_;

  while (true) {
    update_rates();
    // Candidate events, earliest first; ties resolve in this order, so task
    // events at a tick's instant are seen by that tick.
    double t = kInf;
    int kind = -1;
    if (!timer_heap_.empty() && timer_heap_.top().key < t) {
      t = timer_heap_.top().key;
      kind = 0;
    }
    if (!cpu_heap_.empty()) {
      const double c = now_ + std::max(0.0, cpu_heap_.top().key - service_) / rho_;
      if (c < t) {
        t = c;
        kind = 1;
      }
    }
    if (holder_ >= 0) {
      const double h =
          now_ + std::max(0.0, holder_work_) / (rho_ * holder_factor_);
      if (h < t) {
        t = h;
        kind = 2;
      }
      if (switch_deadline_ < t) {
        t = switch_deadline_;
        kind = 3;
      }
    }
    if (next_arrival_ < t) {
      t = next_arrival_;
      kind = 4;
    }
    if (next_tick < t) {
      t = next_tick;
      kind = 5;
    }
    if (t > end_) {
      advance_to(end_);
      break;
    }
    advance_to(t);
    switch (kind) {
      case 0: {
        const int wi = timer_heap_.top().worker;
        timer_heap_.pop();
        ++workers_[wi].seg_index;
        next_segment(wi);
        break;
      }
      case 1: {
        const int wi = cpu_heap_.top().worker;
        cpu_heap_.pop();
        --runnable_nonholder_;
        Worker& w = workers_[wi];
        w.cpu += share_clock_ - w.q_mark;
        ++w.seg_index;
        next_segment(wi);
        break;
      }
      case 2: {
        const int wi = holder_;
        ++workers_[wi].seg_index;
        next_segment(wi);
        break;
      }
      case 3:
        forced_switch();
        break;
      case 4:
        submit(now_);
        next_arrival_ = next_open_arrival(now_);
        break;
      case 5:
        on_tick();
        next_tick += tick_;
        break;
      default:
        break;
    }
  }

  result_.throughput = static_cast<double>(result_.completed) / end_;
  if (!latencies_.empty()) {
    auto pct = [this](double p) {
      const std::size_t k = std::min(
          latencies_.size() - 1,
          static_cast<std::size_t>(p / 100.0 *
                                   static_cast<double>(latencies_.size())));
      std::nth_element(latencies_.begin(), latencies_.begin() + k,
                       latencies_.end());
      return latencies_[k];
    };
    result_.p50_latency = pct(50);
    result_.p95_latency = pct(95);
    result_.p99_latency = pct(99);
    const double n = static_cast<double>(result_.completed);
    result_.mean_task_beta = beta_sum_ / n;
    result_.mean_task_lock_wait_ratio = lock_ratio_sum_ / n;
  }
  result_.mean_workers = worker_seconds_ / end_;
  result_.final_workers = target_;
  result_.oscillation_per_minute =
      static_cast<double>(result_.direction_changes) / (end_ / 60.0);
  result_.mean_process_cpu_percent =
      cpu_percent_count_ > 0
          ? cpu_percent_sum_ / static_cast<double>(cpu_percent_count_)
          : kNaN;
  return std::move(result_);
}

}  // namespace

absl::StatusOr<SimResult> simulate(const Scenario& scenario,
                                   ScalingPolicy& policy,
                                   const SimOptions& options) {
  if (absl::Status s = validate(scenario); !s.ok()) return s;
  if (absl::Status s = validate(options.metrics); !s.ok()) return s;
  if (options.controller.monitor_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller.monitor_interval must be positive, got ",
                     absl::FormatDuration(options.controller.monitor_interval)));
  }
  const absl::Duration duration = options.duration.value_or(scenario.duration);
  if (duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration must be positive, got ", absl::FormatDuration(duration)));
  }
  if (options.initial_workers &&
      (*options.initial_workers < scenario.min_workers ||
       *options.initial_workers > scenario.max_workers)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "initial_workers must be within [", scenario.min_workers, ", ",
        scenario.max_workers, "], got ", *options.initial_workers));
  }
  Engine engine(scenario, policy, options);
  return engine.run();
}

}  // namespace betapool

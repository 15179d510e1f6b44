#include "lab/lab_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_format.h"
#include "betapool/executor_builder.h"
#include "core/sync.h"
#include "lab/cpu_hog.h"
#include "lab/load_driver.h"
#include "lab/machine_conditions.h"
#include "lab/process_stats.h"
#include "lab/simulated_gil.h"
#include "lab/trace_recorder.h"
#include "lab/workload_catalog.h"
#include "policies/beta_veto_policy.h"

namespace betapool {
namespace {

using Clock = std::chrono::steady_clock;

std::string load_name(const LabConfig& c) {
  return c.load.mode == LoadSpec::Mode::kClosed ? "closed" : "open";
}

// The workload's task, under the process-wide GIL when asked.
absl::StatusOr<WorkloadGenerator::Task> make_task(const LabConfig& c) {
  absl::StatusOr<const WorkloadProfile*> profile = find_workload(c.workload);
  if (!profile.ok()) return profile.status();
  SimulatedGil& gil = SimulatedGil::process_wide();
  if (absl::Status s = gil.set_switch_interval(c.switch_interval); !s.ok()) return s;
  WorkloadOptions options;
  options.gil = c.gil ? &gil : nullptr;
  options.seed = c.load.seed;
  return (*profile)->make(WorkloadGenerator(options));
}

std::string tag(const LabConfig& c, const char* what) {
  return absl::StrFormat("[%s %s%s]", what, c.workload, c.gil ? "" : " nogil");
}

struct StaticRun {
  LoadResult load;
  double startup_s = 0.0;
  double peak_rss_mb = 0.0;
  double rss_before_mb = 0.0;
};

// One static pool of `n` threads under `spec`, beside the --cpu_hog
// processes of `c` for the whole window; progress lines start `head`.
absl::StatusOr<StaticRun> run_static(const WorkloadGenerator::Task& task, int n,
                                     const LoadSpec& spec, const LabConfig& c,
                                     const std::string& head, ProgressLine& progress) {
  PeakRssTracker peak;
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::unique_ptr<Executor>> ex = ExecutorBuilder()
                                                     .policy("static")
                                                     .min_workers(n)
                                                     .max_workers(n)
                                                     .initial_workers(n)
                                                     .build();
  if (!ex.ok()) return ex.status();
  const Clock::time_point built = Clock::now();
  if ((*ex)->thread_count() < n) {
    progress.finish(absl::StrFormat("%s warning: only %d of %d threads could be started",
                                    head, (*ex)->thread_count(), n));
  }
  CpuHog hog(c.cpu_hog, c.cpu_hog_cgroup);
  if (absl::Status s = hog.start(); !s.ok()) return s;
  StaticRun out;
  // Closed loop: each window lasts until the pool has finished as many tasks
  // as it has threads (see LoadSpec::min_completions).
  LoadSpec windows = spec;
  if (windows.mode == LoadSpec::Mode::kClosed) windows.min_completions = n;
  out.load = run_load(**ex, built, task, windows, &peak,
                      [&](double elapsed, double total, const TimelineSample& s) {
                        progress.update(absl::StrFormat("%s  %.1f/%.1f s  %.0f tasks/s",
                                                        head, elapsed, total,
                                                        s.throughput));
                      });
  out.startup_s = std::chrono::duration<double>(built - start).count();
  out.peak_rss_mb = peak.peak_mb();
  out.rss_before_mb = peak.start_mb();
  ex->reset();  // joins the (already stopped) workers
  return out;
}

}  // namespace

absl::StatusOr<std::vector<SweepRow>> run_sweep(const LabConfig& c,
                                                ProgressLine& progress) {
  absl::StatusOr<WorkloadGenerator::Task> task = make_task(c);
  if (!task.ok()) return task.status();
  SimulatedGil& gil = SimulatedGil::process_wide();
  std::vector<SweepRow> rows;
  const int steps = static_cast<int>(c.threads.size()) * c.repeat;
  int step = 0;
  for (int rep = 1; rep <= c.repeat; ++rep) {
    for (int n : c.threads) {
      ++step;
      const std::string head = absl::StrFormat("%s %d/%d: %d threads", tag(c, "sweep"),
                                               step, steps, n);
      LoadSpec spec = c.load;
      if (c.gil) spec.gil = &gil;
      absl::StatusOr<StaticRun> run = run_static(*task, n, spec, c, head, progress);
      if (!run.ok()) return run.status();
      const LoadResult& r = run->load;
      SweepRow row;
      row.workload = c.workload;
      row.load = load_name(c);
      row.gil = c.gil;
      row.threads = n;
      row.repetition = rep;
      row.seconds = r.measured_seconds;
      row.completed = r.completed;
      row.throughput = r.throughput;
      row.p50_ms = r.p50_ms;
      row.p95_ms = r.p95_ms;
      row.p99_ms = r.p99_ms;
      row.response_p99_ms = r.response_p99_ms;
      row.cpu_percent = r.cpu_percent;
      row.peak_rss_mb = run->peak_rss_mb;
      row.rss_before_mb = run->rss_before_mb;
      row.beta = r.beta;
      row.lock_wait_ratio = r.lock_wait_ratio;
      row.gil_switches_per_s = r.gil_switches_per_s;
      row.gil_busy_percent = r.gil_busy_percent;
      row.machine_cpu_percent = r.machine_cpu_percent;
      row.load_average = r.load_average;
      row.startup_s = run->startup_s;
      row.warmup_s = r.warmup_seconds;
      row.steady = r.steady;
      progress.finish(absl::StrFormat(
          "%s  %.0f tasks/s  p99 %.2f ms  CPU %.0f%%  peak %.0f MiB%s", head,
          row.throughput, row.p99_ms, row.cpu_percent, row.peak_rss_mb,
          row.steady ? "" : "  (not steady: window capped at --max_window)"));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<SweepPoint> summarize_sweep(const std::vector<SweepRow>& rows) {
  std::map<int, std::vector<const SweepRow*>> by_threads;
  for (const SweepRow& r : rows) by_threads[r.threads].push_back(&r);
  std::vector<SweepPoint> points;
  for (const auto& [threads, rs] : by_threads) {
    auto field = [&rs](double SweepRow::*f) {
      std::vector<double> v;
      for (const SweepRow* r : rs) v.push_back(r->*f);
      return v;
    };
    SweepPoint p;
    p.threads = threads;
    p.repetitions = static_cast<int>(rs.size());
    const std::vector<double> tps = field(&SweepRow::throughput);
    p.throughput = median(tps);
    p.throughput_min = *std::min_element(tps.begin(), tps.end());
    p.throughput_max = *std::max_element(tps.begin(), tps.end());
    p.p50_ms = median(field(&SweepRow::p50_ms));
    p.p99_ms = median(field(&SweepRow::p99_ms));
    p.cpu_percent = median(field(&SweepRow::cpu_percent));
    p.peak_rss_mb = median(field(&SweepRow::peak_rss_mb));
    p.beta = median(field(&SweepRow::beta));
    p.lock_wait_ratio = median(field(&SweepRow::lock_wait_ratio));
    p.gil_switches_per_s = median(field(&SweepRow::gil_switches_per_s));
    p.gil_busy_percent = median(field(&SweepRow::gil_busy_percent));
    p.machine_cpu_percent = median(field(&SweepRow::machine_cpu_percent));
    p.load_average = median(field(&SweepRow::load_average));
    p.steady = std::all_of(rs.begin(), rs.end(),
                           [](const SweepRow* r) { return r->steady; });
    points.push_back(p);
  }
  return points;
}

SweepPoint best_static(const std::vector<SweepPoint>& points) {
  // A point that never reached a steady state is not a candidate while a
  // steady one exists: its window may have caught a burst of completions.
  const bool any_steady = std::any_of(points.begin(), points.end(),
                                      [](const SweepPoint& p) { return p.steady; });
  SweepPoint best;
  for (const SweepPoint& p : points) {
    if (any_steady && !p.steady) continue;
    if (best.threads == 0 || p.throughput > best.throughput) best = p;
  }
  return best;
}

std::string reason_pattern(const std::string& reason) {
  std::string out;
  bool in_number = false;
  for (char ch : reason) {
    const bool digit = ch >= '0' && ch <= '9';
    if (digit) {
      if (!in_number) out += '#';
      in_number = true;
    } else {
      in_number = false;
      out += ch;
    }
  }
  return out;
}

namespace {

// The adaptive executor `variant` as config `c` configures it.
absl::StatusOr<std::unique_ptr<Executor>> build_adaptive(const LabConfig& c,
                                                         const AdaptiveVariant& variant) {
  ExecutorBuilder builder;
  if (variant.process_cpu_signal) {
    BetaVetoOptions options;
    options.cpu_signal = CpuSignal::kProcess;
    builder.policy<BetaVetoPolicy>(options);
  } else {
    builder.policy(variant.policy);
  }
  builder.min_workers(c.min_workers)
      .max_workers(c.max_workers)
      .initial_workers(c.initial_workers);
  if (!c.controller.empty()) {
    if (absl::Status s = builder.apply_spec(c.controller); !s.ok()) return s;
  }
  return builder.build();
}

// One adaptive run of `variant` (round `round`): appends its row, timeline
// and decisions to `out` and returns its steady throughput.
absl::StatusOr<double> run_adaptive_once(const LabConfig& c,
                                         const WorkloadGenerator::Task& task,
                                         const AdaptiveVariant& variant, int round,
                                         const SweepPoint& best, const std::string& head,
                                         ProgressLine& progress, AdaptiveRun& out) {
  const std::string label = variant.label();
  LoadSpec spec = c.load;
  if (c.gil) spec.gil = &SimulatedGil::process_wide();
  spec.warmup = c.adaptive_duration / 2;
  spec.measure = c.adaptive_duration - spec.warmup;
  PeakRssTracker peak;
  absl::StatusOr<std::unique_ptr<Executor>> ex = build_adaptive(c, variant);
  if (!ex.ok()) return ex.status();
  const Clock::time_point built = Clock::now();
  // The other tenant arrives c.cpu_hog_at into the run (never, without
  // --cpu_hog) and stays to its end.
  CpuHog hog(c.cpu_hog, c.cpu_hog_cgroup);
  absl::Status hog_started;
  double hog_from_s = INFINITY;  // seconds since `built` (not the load's start)
  Notification run_over;
  std::thread hog_starter([&] {
    if (c.cpu_hog == 0 || run_over.WaitForNotificationWithTimeout(c.cpu_hog_at)) return;
    hog_started = hog.start();
    hog_from_s = std::chrono::duration<double>(Clock::now() - built).count();
  });
  LoadResult r = run_load(
      **ex, built, task, spec, &peak,
      [&](double elapsed, double total, const TimelineSample& s) {
        progress.update(absl::StrFormat("%s  %.1f/%.1f s  %d threads  %.0f tasks/s",
                                        head, elapsed, total, s.threads, s.throughput));
      });
  run_over.Notify();
  hog_starter.join();
  hog.stop();
  if (!hog_started.ok()) return hog_started;
  AdaptiveRow row;
  row.workload = c.workload;
  row.policy = label;
  row.load = load_name(c);
  row.gil = c.gil;
  row.repetition = round;
  row.min_workers = c.min_workers;
  row.max_workers = c.max_workers;
  row.seconds = r.total_seconds;
  row.throughput_total = r.total_seconds > 0 ? r.total_completed / r.total_seconds : 0.0;
  row.throughput_steady = r.throughput;
  row.best_static_threads = best.threads;
  row.best_static_throughput = best.throughput;
  row.percent_of_best_steady =
      best.throughput > 0 ? 100.0 * row.throughput_steady / best.throughput : NAN;
  row.percent_of_best_total =
      best.throughput > 0 ? 100.0 * row.throughput_total / best.throughput : NAN;
  row.mean_threads_steady = r.mean_threads;
  row.final_threads = r.final_threads;
  row.max_threads = r.max_threads;
  row.last_change_s = NAN;
  std::map<std::string, int> reasons;
  for (const DecisionRecord& d : r.decisions) {
    ++reasons[reason_pattern(d.reason)];
    const double t = d.timestamp + r.executor_start_s;
    if (d.decision == "scale_up") ++row.scale_ups;
    if (d.decision == "scale_down") ++row.scale_downs;
    if (d.decision == "hold") ++row.holds;
    if (d.threads_after != d.threads_before) row.last_change_s = t;
    out.decisions.push_back({{c.workload, round, t, label}, d});
  }
  for (const auto& [pattern, count] : reasons) {
    const double share = static_cast<double>(count) / r.decisions.size();
    if (share > row.top_reason_share) {
      row.top_reason = pattern;
      row.top_reason_share = share;
    }
  }
  row.machine_cpu_percent = r.machine_cpu_percent;
  row.load_average = r.load_average;
  row.p50_ms = r.p50_ms;
  row.p99_ms = r.p99_ms;
  row.cpu_percent = r.cpu_percent;
  row.peak_rss_mb = peak.peak_mb();
  row.beta = r.beta;
  row.lock_wait_ratio = r.lock_wait_ratio;
  for (const TimelineSample& s : r.timeline) {
    out.timeline.push_back({c.workload, label, round, s.t, s.threads, s.target,
                            s.throughput, s.completed,
                            s.t >= hog_from_s + r.executor_start_s ? c.cpu_hog : 0});
  }
  ex->reset();
  progress.finish(absl::StrFormat(
      "%s  steady %.0f tasks/s (%.1f%% of the sweep's best), %d threads at the end",
      head, row.throughput_steady, row.percent_of_best_steady, row.final_threads));
  out.rows.push_back(std::move(row));
  return r.throughput;
}

}  // namespace

absl::StatusOr<Comparison> run_comparison(const LabConfig& c, const SweepPoint& best,
                                          ProgressLine& progress) {
  absl::StatusOr<WorkloadGenerator::Task> task = make_task(c);
  if (!task.ok()) return task.status();
  Comparison out;
  out.reference_sizes = reference_sizes(best.threads, kMaxLabThreads);
  out.per_variant.resize(c.adaptive.size());
  const std::vector<ProtocolWindow> schedule = interleaved_schedule(
      out.reference_sizes, static_cast<int>(c.adaptive.size()), c.rounds);
  LoadSpec reference = c.load;
  if (c.gil) reference.gil = &SimulatedGil::process_wide();
  const RunWindow run_window = [&](const ProtocolWindow& w, int index,
                                   int count) -> absl::StatusOr<double> {
    if (w.kind == WindowKind::kAdaptive) {
      const AdaptiveVariant& variant = c.adaptive[w.variant];
      const std::string head =
          absl::StrFormat("%s %d/%d: %s round %d/%d", tag(c, "compare"), index + 1,
                          count, variant.label(), w.round, c.rounds);
      return run_adaptive_once(c, *task, variant, w.round, best, head, progress,
                               out.per_variant[w.variant]);
    }
    const std::string head = absl::StrFormat("%s %d/%d: static %d threads",
                                             tag(c, "compare"), index + 1, count,
                                             w.threads);
    absl::StatusOr<StaticRun> run =
        run_static(*task, w.threads, reference, c, head, progress);
    if (!run.ok()) return run.status();
    progress.finish(absl::StrFormat("%s  %.0f tasks/s%s", head, run->load.throughput,
                                    run->load.steady ? "" : "  (not steady)"));
    return run->load.throughput;
  };
  absl::StatusOr<std::vector<WindowResult>> windows =
      run_schedule(schedule, run_window, sample_machine);
  if (!windows.ok()) return windows.status();
  out.windows = *std::move(windows);
  out.pairs = pair_runs(out.windows);
  for (const PairedRun& p : out.pairs) {
    AdaptiveRow& row = out.per_variant[p.variant].rows[p.round - 1];
    row.paired_static_threads = p.reference_threads;
    row.paired_static_throughput = p.reference_throughput;
    row.percent_of_paired_steady = p.percent;
    row.pair_load_average = p.conditions.load_average;
    row.pair_steal_percent = p.conditions.steal_percent;
    row.pair_other_cpu_percent = p.conditions.other_cpu_percent;
  }
  return out;
}

absl::StatusOr<RecordedRun> run_record(const LabConfig& c, ProgressLine& progress) {
  absl::StatusOr<WorkloadGenerator::Task> task = make_task(c);
  if (!task.ok()) return task.status();
  SimulatedGil* gil = c.gil ? &SimulatedGil::process_wide() : nullptr;
  // Declared before the executor: its workers call it until they are joined.
  TraceRecorder recorder(gil);
  RecordedRun out;
  absl::StatusOr<std::unique_ptr<Executor>> ex;
  if (c.record_threads > 0) {
    out.pool = absl::StrFormat("static %d", c.record_threads);
    ex = ExecutorBuilder()
             .policy("static")
             .min_workers(c.record_threads)
             .max_workers(c.record_threads)
             .initial_workers(c.record_threads)
             .build();
  } else {
    out.pool = c.adaptive.front().label();
    ex = build_adaptive(c, c.adaptive.front());
  }
  if (!ex.ok()) return ex.status();
  const Clock::time_point built = Clock::now();
  LoadSpec spec = c.load;
  spec.gil = gil;
  spec.warmup = absl::ZeroDuration();
  spec.max_window = absl::ZeroDuration();
  spec.run_task = [&recorder](const WorkloadGenerator::Task& t, double submitted_s) {
    recorder.run(t, submitted_s);
  };
  const std::string head = absl::StrFormat("%s %s", tag(c, "record"), out.pool);
  out.load = run_load(**ex, built, *task, spec, nullptr,
                      [&](double elapsed, double total, const TimelineSample& s) {
                        progress.update(absl::StrFormat(
                            "%s  %.1f/%.1f s  %d threads  %.0f tasks/s", head, elapsed,
                            total, s.threads, s.throughput));
                      });
  ex->reset();  // joins the workers: no task runs after this
  if (gil != nullptr) gil->set_track_held_cpu(false);
  out.rows = recorder.rows();
  progress.finish(absl::StrFormat("%s  %d tasks recorded, %.0f tasks/s", head,
                                  out.rows.size(), out.load.throughput));
  return out;
}

}  // namespace betapool

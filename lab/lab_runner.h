// File: lab/lab_runner.h
//
// The two measurements betapool-lab makes, on real threads:
//  - run_sweep: a static pool of each size in config.threads, each for
//    config.load.warmup + config.load.measure (in a closed loop each window
//    extended, up to config.load.max_window, until the pool has finished as
//    many tasks as it has threads), repeated config.repeat times
//    (repetitions interleaved over the whole sweep, so a slow spell on a
//    shared machine does not land on one size only);
//  - run_comparison: the adaptive executors (config.adaptive, min..max
//    workers, the seed's controller defaults unless config.controller
//    overrides them), each for config.adaptive_duration under the same
//    load — its first half is convergence, its second half the steady
//    state — config.rounds times, interleaved with static windows of the
//    sweep's best size and its neighbours (the paired protocol of
//    lab/measurement_protocol.h): on a shared machine the load drifts, and
//    each run is scored against static pools measured next to it.
//
// The workload runs as "Python" under SimulatedGil::process_wide() when
// config.gil is set.
//
// Example:
//   betapool::ProgressLine progress(std::cerr, false);
//   auto rows = betapool::run_sweep(config, progress);
//   auto best = betapool::best_static(betapool::summarize_sweep(rows));
//   auto comparison = betapool::run_comparison(config, best, progress);
//
// Errors: returns the executor builder's error (e.g. a bad --controller
// value) as a status.
// Thread safety: call from one thread; each run blocks it.
#ifndef BETAPOOL_LAB_LAB_RUNNER_H_
#define BETAPOOL_LAB_LAB_RUNNER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "collectors/record_fields.h"
#include "core/scaling_decision.h"
#include "lab/lab_config.h"
#include "lab/lab_records.h"
#include "lab/measurement_protocol.h"
#include "lab/progress_line.h"
#include "lab/trace_format.h"

namespace betapool {

// One static pool size, medians over repetitions.
struct SweepPoint {
  int threads = 0;
  int repetitions = 0;
  double throughput = 0.0;  // median
  double throughput_min = 0.0;
  double throughput_max = 0.0;
  double p50_ms = 0.0;
  double p99_ms = 0.0;
  double cpu_percent = 0.0;
  double peak_rss_mb = 0.0;
  double beta = 0.0;
  double lock_wait_ratio = 0.0;
  double gil_switches_per_s = 0.0;
  double gil_busy_percent = 0.0;
  double machine_cpu_percent = 0.0;
  double load_average = 0.0;
  bool steady = true;  // every repetition reached its completions
};

struct AdaptiveRun {
  std::vector<AdaptiveRow> rows;  // one per round, in order
  std::vector<TimelineRow> timeline;
  std::vector<Tagged<RunTags, DecisionRecord>> decisions;  // every tick
};

absl::StatusOr<std::vector<SweepRow>> run_sweep(const LabConfig& config,
                                                ProgressLine& progress);

// Medians per thread count, in increasing thread order.
std::vector<SweepPoint> summarize_sweep(const std::vector<SweepRow>& rows);

// The point with the highest median throughput (ties: fewer threads), among
// the steady points if there are any.
SweepPoint best_static(const std::vector<SweepPoint>& points);

// The paired protocol's result (lab/measurement_protocol.h).
struct Comparison {
  std::vector<int> reference_sizes;     // the best size and its neighbours
  std::vector<AdaptiveRun> per_variant;  // index: config.adaptive; rows by round
  std::vector<WindowResult> windows;     // every window, in the order run
  std::vector<PairedRun> pairs;          // one per adaptive run, in order
};

// Runs the paired protocol: config.rounds rounds of every config.adaptive
// executor, interleaved with blocks of the static reference sizes around
// `best` (the sweep's best). Each AdaptiveRow's paired_* fields hold its
// pairing.
absl::StatusOr<Comparison> run_comparison(const LabConfig& config,
                                          const SweepPoint& best,
                                          ProgressLine& progress);

// `betapool-lab record`: one run of config.workload for config.load.measure
// (no warm-up: every task from the start is recorded) on a static pool of
// config.record_threads, or on the adaptive executor config.adaptive[0]
// when that is 0; every task measured by a TraceRecorder.
struct RecordedRun {
  std::vector<TraceRow> rows;  // in arrival order
  LoadResult load;             // the run's own measurements
  std::string pool;            // "static 8" or the policy's label
};
absl::StatusOr<RecordedRun> run_record(const LabConfig& config,
                                       ProgressLine& progress);

// A decision reason with its numbers masked, so reasons can be counted:
// "beta 0.86 > 0.70 but cpu 100%" -> "beta #.# > #.# but cpu #%".
std::string reason_pattern(const std::string& reason);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_RUNNER_H_

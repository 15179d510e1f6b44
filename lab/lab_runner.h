// File: lab/lab_runner.h
//
// The two measurements betapool-lab makes, on real threads:
//  - run_sweep: a static pool of each size in config.threads, each for
//    config.load.warmup + config.load.measure (in a closed loop each window
//    extended, up to config.load.max_window, until the pool has finished as
//    many tasks as it has threads), repeated config.repeat times
//    (repetitions interleaved over the whole sweep, so a slow spell on a
//    shared machine does not land on one size only);
//  - run_adaptive: the adaptive executor (one of config.adaptive, min..max
//    workers, the seed's controller defaults unless config.controller
//    overrides them) for config.adaptive_duration under the same load; its
//    first half is convergence, its second half the steady state. Each run
//    is bracketed by two short runs of the best static size (the "paired"
//    reference): on a shared machine the load drifts between the sweep and
//    the adaptive run, and the paired ratio is measured under the same
//    conditions.
//
// The workload runs as "Python" under SimulatedGil::process_wide() when
// config.gil is set.
//
// Example:
//   betapool::ProgressLine progress(std::cerr, false);
//   auto rows = betapool::run_sweep(config, progress);
//   auto best = betapool::best_static(betapool::summarize_sweep(rows));
//   auto adaptive = betapool::run_adaptive(config, best, progress);
//
// Errors: returns the executor builder's error (e.g. a bad --controller
// value) as a status.
// Thread safety: call from one thread; each run blocks it.
#ifndef BETAPOOL_LAB_LAB_RUNNER_H_
#define BETAPOOL_LAB_LAB_RUNNER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "lab/lab_config.h"
#include "lab/lab_records.h"
#include "lab/progress_line.h"

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
  std::vector<AdaptiveRow> rows;  // one per repetition
  std::vector<TimelineRow> timeline;
  std::vector<DecisionRow> decisions;
};

absl::StatusOr<std::vector<SweepRow>> run_sweep(const LabConfig& config,
                                                ProgressLine& progress);

// Medians per thread count, in increasing thread order.
std::vector<SweepPoint> summarize_sweep(const std::vector<SweepRow>& rows);

// The point with the highest median throughput (ties: fewer threads), among
// the steady points if there are any.
SweepPoint best_static(const std::vector<SweepPoint>& points);

// Runs `variant` (one of config.adaptive) config.repeat times.
absl::StatusOr<AdaptiveRun> run_adaptive(const LabConfig& config,
                                         const AdaptiveVariant& variant,
                                         const SweepPoint& best,
                                         ProgressLine& progress);

// A decision reason with its numbers masked, so reasons can be counted:
// "beta 0.86 > 0.70 but cpu 100%" -> "beta #.# > #.# but cpu #%".
std::string reason_pattern(const std::string& reason);

// Median of `v` (mean of the middle two for even sizes); NaN when empty.
double median(std::vector<double> v);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_RUNNER_H_

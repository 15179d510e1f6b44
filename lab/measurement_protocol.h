// File: lab/measurement_protocol.h
//
// The paired measurement protocol of `betapool-lab compare`: how to tell an
// adaptive executor's result from a shared machine's noise.
//
//  1. The sweep's best static size is only a candidate: one window of it
//     may have been lucky. The reference is the best of that size and its
//     neighbours (x1/2, x1, x2; reference_sizes()), re-measured in a block
//     of three static windows.
//  2. Blocks and adaptive runs interleave — B A B A B ... for one policy,
//     B A1 B A2 B A1 B A2 B for two (interleaved_schedule()) — so the
//     machine's load drifts over both alike. A block's order alternates
//     (ascending, then descending) so no size always sits next to the
//     adaptive run.
//  3. Each adaptive run is paired with the two blocks adjacent to it
//     (pair_runs()): per size, the mean of its two adjacent windows; the
//     reference is the best size by that mean; the run's score is its
//     steady throughput as a percentage of it. The machine's load, steal
//     and other tenants' CPU over the pair's span are kept beside it.
//  4. Per policy, the scores' median and range (summarize_percentages()).
//     A range wider than kMaxConclusiveRange points is "too wide to
//     conclude", never a win or a loss; so is a single run.
//
// Scheduling and statistics are pure; run_schedule() takes the "run one
// window" and "sample the machine" steps as callables, so tests drive it
// with fake pools and counters and lab_runner.cc with real threads.
//
// Example:
//   auto sizes = betapool::reference_sizes(best.threads, config.max_workers);
//   auto plan = betapool::interleaved_schedule(sizes, /*variants=*/1, /*rounds=*/3);
//   auto log = betapool::run_schedule(plan, run_window, betapool::sample_machine);
//   auto pairs = betapool::pair_runs(*log);
//
// Thread safety: pure functions; run_schedule calls its callables from the
// calling thread, in schedule order.
#ifndef BETAPOOL_LAB_MEASUREMENT_PROTOCOL_H_
#define BETAPOOL_LAB_MEASUREMENT_PROTOCOL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/machine_conditions.h"

namespace betapool {

// Widest range of "% of the paired best static", in points, that still
// tells a result from noise.
inline constexpr double kMaxConclusiveRange = 10.0;

// The right-sizing goal: a median of at least this "% of the paired best
// static" is close enough to the best fixed pool that a user need not have
// guessed it (docs/results.md).
inline constexpr double kGoalPercent = 95.0;

enum class WindowKind { kReference, kAdaptive };

struct ProtocolWindow {
  WindowKind kind = WindowKind::kReference;
  int threads = 0;   // reference: the static pool's size
  int variant = -1;  // adaptive: index of the executor compared
  // Adaptive: its round, 1-based. Reference: its block, 0-based.
  int round = 0;

  friend bool operator==(const ProtocolWindow&, const ProtocolWindow&) = default;
};

// best/2, best and best*2, those within [1, max_threads], ascending, without
// duplicates (best is always included).
std::vector<int> reference_sizes(int best_threads, int max_threads);

// A block of `sizes`, then for each round and each of `variants` adaptive
// executors: that executor's run, then a block. Even blocks run `sizes`
// ascending, odd ones descending. Empty when rounds or variants < 1.
std::vector<ProtocolWindow> interleaved_schedule(const std::vector<int>& sizes,
                                                 int variants, int rounds);

struct WindowResult {
  ProtocolWindow window;
  double throughput = 0.0;  // tasks/s; an adaptive run's steady half
  MachineSample before;
  MachineSample after;
};

// Runs one window; `index` is its 0-based position in the schedule of
// `count`. Returns the throughput, or an error that stops the schedule.
using RunWindow = std::function<absl::StatusOr<double>(const ProtocolWindow& window,
                                                       int index, int count)>;
using SampleMachine = std::function<MachineSample()>;

// Runs `schedule` in order, sampling the machine between windows (once
// before the first and after each). Returns the first error of run_window.
absl::StatusOr<std::vector<WindowResult>> run_schedule(
    const std::vector<ProtocolWindow>& schedule, const RunWindow& run_window,
    const SampleMachine& sample_machine);

// One adaptive run against the reference windows adjacent to it.
struct PairedRun {
  int variant = -1;
  int round = 0;
  double adaptive_throughput = 0.0;
  int reference_threads = 0;  // the best size of the adjacent blocks
  double reference_throughput = 0.0;  // its mean over those windows
  double percent = 0.0;  // 100 * adaptive / reference; NaN if no reference
  // From the start of the block before to the end of the block after.
  MachineConditions conditions;
};

// Every adaptive window of `log`, in order, paired with the reference
// windows directly before and after it (up to the neighbouring adaptive
// run). Ties between sizes go to the smaller one.
std::vector<PairedRun> pair_runs(const std::vector<WindowResult>& log);

enum class Verdict {
  kTooFewRuns,  // fewer than two runs: no range to judge
  kTooWide,     // range > kMaxConclusiveRange: noise, not a result
  kFaster,      // every run above 100 %
  kSlowerWithinGoal,  // every run below 100 %, the median >= kGoalPercent
  kSlower,      // every run below 100 %, the median below kGoalPercent
  kEven,        // a narrow range that includes 100 %
};

// What a verdict means, for tables: e.g. "range too wide to conclude".
std::string verdict_text(Verdict v);

struct PercentSummary {
  int runs = 0;
  double median = 0.0;  // NaN when there are no runs
  double min = 0.0;
  double max = 0.0;
  Verdict verdict = Verdict::kTooFewRuns;
  double range() const { return max - min; }
};

// Median, min, max and verdict of `percents` (NaN entries are skipped).
PercentSummary summarize_percentages(const std::vector<double>& percents);

// Median of `v` (mean of the middle two for even sizes; NaN entries are
// skipped); NaN when empty.
double median(std::vector<double> v);

}  // namespace betapool

#endif  // BETAPOOL_LAB_MEASUREMENT_PROTOCOL_H_

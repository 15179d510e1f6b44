// File: lab/lab_report.h
//
// The tables betapool-lab prints on stdout: the static sweep (one line per
// pool size, medians over repetitions, with the drop from the peak — the
// saturation cliff), the adaptive executor's result against the best
// static size, next to the paper's claims, and the paired protocol's table
// (median and range of each executor's paired score, and its verdict).
//
// Example:
//   betapool::print_sweep_table(std::cout, config, points);
//   betapool::print_adaptive_summary(std::cout, config, config.adaptive[0], best,
//                                    comparison.per_variant[0].rows);
//   betapool::print_comparison_table(std::cout, config, comparison,
//                                    betapool::comparison_rows(config, comparison));
//
// Thread safety: stateless.
#ifndef BETAPOOL_LAB_LAB_REPORT_H_
#define BETAPOOL_LAB_LAB_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "lab/lab_config.h"
#include "lab/lab_records.h"
#include "lab/lab_runner.h"
#include "lab/protocol_records.h"

namespace betapool {

// The cliff: drop from the peak (percent, positive = slower) at every size
// of at least `from_threads`.
struct CliffSummary {
  int peak_threads = 0;
  double peak_throughput = 0.0;
  int largest_threads = 0;
  double drop_at_largest = 0.0;
  // Smallest drop among sizes >= from_threads (NaN when there are none).
  double min_drop_from = 0.0;
  int from_threads = 512;
};

CliffSummary summarize_cliff(const std::vector<SweepPoint>& points,
                             int from_threads = 512);

// One paragraph saying what ran (workload, GIL, load, windows, CPUs).
void print_setup(std::ostream& out, const LabConfig& config);
void print_sweep_table(std::ostream& out, const LabConfig& config,
                       const std::vector<SweepPoint>& points);
// `rows`: the runs of one policy.
void print_adaptive_summary(std::ostream& out, const LabConfig& config,
                            const AdaptiveVariant& variant, const SweepPoint& best,
                            const std::vector<AdaptiveRow>& rows);
// The paired protocol's table: per executor the median and range of "% of
// the paired best static" and the verdict, with the machine's conditions;
// then every pair. `summary`: comparison_rows(config, comparison).
void print_comparison_table(std::ostream& out, const LabConfig& config,
                            const Comparison& comparison,
                            const std::vector<ComparisonRow>& summary);
// The run's conclusion, one line per policy, e.g.
//   beta_veto: 94.7 % of the best static size (median of 3 paired runs,
//   range 87.8..101.0): range too wide to conclude
void print_closing_lines(std::ostream& out, const std::vector<ComparisonRow>& summary);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_REPORT_H_

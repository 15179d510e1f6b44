// File: lab/protocol_records.h
//
// The paired protocol's rows betapool-lab writes beside lab_records.h's
// (CSV or JSON lines through lab/record_writer.h):
//   ProtocolWindowRow  every window of the interleaved schedule, in the
//                      order it ran (<prefix>_protocol.csv): the audit trail;
//   ComparisonRow      one per adaptive executor (<prefix>_comparison.csv):
//                      median and range of "% of the paired best static",
//                      and the verdict.
// The functions build them from run_comparison()'s result.
//
// Example:
//   auto windows = betapool::protocol_window_rows(config, comparison);
//   auto summary = betapool::comparison_rows(config, comparison);
//
// Units as in lab_records.h; NaN means "not measured".
// Thread safety: pure functions.
#ifndef BETAPOOL_LAB_PROTOCOL_RECORDS_H_
#define BETAPOOL_LAB_PROTOCOL_RECORDS_H_

#include <array>
#include <string>
#include <vector>

#include "lab/lab_config.h"
#include "lab/lab_runner.h"
#include "lab/measurement_protocol.h"

namespace betapool {

struct ProtocolWindowRow {
  std::string workload;
  int position = 0;    // 1-based, in the order run
  std::string kind;    // "static" or "adaptive"
  std::string policy;  // adaptive: the executor's label; static: empty
  int round = 0;       // adaptive: its round (1-based); static: its block (0-based)
  int threads = 0;     // static: the pool's size; adaptive: mean in the steady half
  double throughput = 0.0;  // adaptive: the steady half
  double load_average = 0.0;
  double steal_percent = 0.0;
  double other_cpu_percent = 0.0;

  static constexpr std::array<const char*, 10> kFieldNames{
      "workload", "position",     "kind",          "policy",
      "round",    "threads",      "throughput",    "load_average",
      "steal_percent", "other_cpu_percent"};
};

struct ComparisonRow {
  std::string workload;
  std::string policy;
  int runs = 0;
  std::string reference_sizes;  // e.g. "8/16/32"
  double median_percent_of_paired = 0.0;
  double min_percent_of_paired = 0.0;
  double max_percent_of_paired = 0.0;
  double range_points = 0.0;
  bool conclusive = false;  // at least two runs and range <= kMaxConclusiveRange
  std::string verdict;      // verdict_text()
  // Over the pairs: the machine's load, steal and other processes' CPU.
  double median_load_average = 0.0;
  double max_load_average = 0.0;
  double median_steal_percent = 0.0;
  double median_other_cpu_percent = 0.0;

  static constexpr std::array<const char*, 14> kFieldNames{
      "workload",
      "policy",
      "runs",
      "reference_sizes",
      "median_percent_of_paired",
      "min_percent_of_paired",
      "max_percent_of_paired",
      "range_points",
      "conclusive",
      "verdict",
      "median_load_average",
      "max_load_average",
      "median_steal_percent",
      "median_other_cpu_percent"};
};

// "8/16/32".
std::string reference_sizes_text(const std::vector<int>& sizes);

std::vector<ProtocolWindowRow> protocol_window_rows(const LabConfig& config,
                                                    const Comparison& comparison);

// One per config.adaptive, in that order.
std::vector<ComparisonRow> comparison_rows(const LabConfig& config,
                                           const Comparison& comparison);

}  // namespace betapool

#endif  // BETAPOOL_LAB_PROTOCOL_RECORDS_H_

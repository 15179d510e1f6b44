#include "lab/protocol_records.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_join.h"

namespace betapool {

std::string reference_sizes_text(const std::vector<int>& sizes) {
  return absl::StrJoin(sizes, "/");
}

std::vector<ProtocolWindowRow> protocol_window_rows(const LabConfig& c,
                                                    const Comparison& comparison) {
  std::vector<ProtocolWindowRow> rows;
  int position = 0;
  for (const WindowResult& w : comparison.windows) {
    ProtocolWindowRow row;
    row.workload = c.workload;
    row.position = ++position;
    row.round = w.window.round;
    row.throughput = w.throughput;
    if (w.window.kind == WindowKind::kAdaptive) {
      row.kind = "adaptive";
      row.policy = c.adaptive[w.window.variant].label();
      const std::vector<AdaptiveRow>& runs = comparison.per_variant[w.window.variant].rows;
      row.threads = w.window.round <= static_cast<int>(runs.size())
                        ? static_cast<int>(std::lround(
                              runs[w.window.round - 1].mean_threads_steady))
                        : 0;
    } else {
      row.kind = "static";
      row.threads = w.window.threads;
    }
    const MachineConditions m = machine_conditions(w.before, w.after);
    row.load_average = m.load_average;
    row.steal_percent = m.steal_percent;
    row.other_cpu_percent = m.other_cpu_percent;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ComparisonRow> comparison_rows(const LabConfig& c,
                                           const Comparison& comparison) {
  std::vector<ComparisonRow> rows;
  for (size_t v = 0; v < c.adaptive.size(); ++v) {
    std::vector<double> percent, load, steal, others;
    for (const PairedRun& p : comparison.pairs) {
      if (p.variant != static_cast<int>(v)) continue;
      percent.push_back(p.percent);
      load.push_back(p.conditions.load_average);
      steal.push_back(p.conditions.steal_percent);
      others.push_back(p.conditions.other_cpu_percent);
    }
    const PercentSummary s = summarize_percentages(percent);
    ComparisonRow row;
    row.workload = c.workload;
    row.policy = c.adaptive[v].label();
    row.runs = s.runs;
    row.reference_sizes = reference_sizes_text(comparison.reference_sizes);
    row.median_percent_of_paired = s.median;
    row.min_percent_of_paired = s.min;
    row.max_percent_of_paired = s.max;
    row.range_points = s.range();
    row.conclusive = s.verdict != Verdict::kTooFewRuns && s.verdict != Verdict::kTooWide;
    row.verdict = verdict_text(s.verdict);
    row.median_load_average = median(load);
    row.max_load_average = NAN;  // stays NaN if the load average was unreadable
    for (double l : load) {
      if (std::isnan(row.max_load_average) || l > row.max_load_average) {
        row.max_load_average = l;
      }
    }
    row.median_steal_percent = median(steal);
    row.median_other_cpu_percent = median(others);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace betapool

#include "lab/measurement_protocol.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void append_block(const std::vector<int>& sizes, int block,
                  std::vector<ProtocolWindow>& out) {
  const auto add = [&](int threads) {
    out.push_back({WindowKind::kReference, threads, -1, block});
  };
  if (block % 2 == 0) {
    std::for_each(sizes.begin(), sizes.end(), add);
  } else {
    std::for_each(sizes.rbegin(), sizes.rend(), add);
  }
}

}  // namespace

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }),
          v.end());
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<int> reference_sizes(int best_threads, int max_threads) {
  std::vector<int> sizes;
  if (best_threads / 2 >= 1) sizes.push_back(best_threads / 2);
  sizes.push_back(best_threads);
  if (best_threads <= max_threads / 2) sizes.push_back(best_threads * 2);
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

std::vector<ProtocolWindow> interleaved_schedule(const std::vector<int>& sizes,
                                                 int variants, int rounds) {
  std::vector<ProtocolWindow> out;
  if (variants < 1 || rounds < 1) return out;
  int block = 0;
  append_block(sizes, block++, out);
  for (int round = 1; round <= rounds; ++round) {
    for (int v = 0; v < variants; ++v) {
      out.push_back({WindowKind::kAdaptive, 0, v, round});
      append_block(sizes, block++, out);
    }
  }
  return out;
}

absl::StatusOr<std::vector<WindowResult>> run_schedule(
    const std::vector<ProtocolWindow>& schedule, const RunWindow& run_window,
    const SampleMachine& sample_machine) {
  std::vector<WindowResult> log;
  const int count = static_cast<int>(schedule.size());
  MachineSample before = sample_machine();
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<double> throughput = run_window(schedule[i], i, count);
    if (!throughput.ok()) return throughput.status();
    const MachineSample after = sample_machine();
    log.push_back({schedule[i], *throughput, before, after});
    before = after;
  }
  return log;
}

std::vector<PairedRun> pair_runs(const std::vector<WindowResult>& log) {
  std::vector<PairedRun> pairs;
  const int n = static_cast<int>(log.size());
  const auto is_reference = [&](int i) {
    return i >= 0 && i < n && log[i].window.kind == WindowKind::kReference;
  };
  for (int i = 0; i < n; ++i) {
    if (log[i].window.kind != WindowKind::kAdaptive) continue;
    int first = i, last = i;
    while (is_reference(first - 1)) --first;
    while (is_reference(last + 1)) ++last;
    std::map<int, std::vector<double>> by_size;  // ascending: ties go to fewer threads
    for (int j = first; j <= last; ++j) {
      if (j != i) by_size[log[j].window.threads].push_back(log[j].throughput);
    }
    PairedRun p;
    p.variant = log[i].window.variant;
    p.round = log[i].window.round;
    p.adaptive_throughput = log[i].throughput;
    p.reference_throughput = kNaN;
    for (const auto& [threads, tps] : by_size) {
      double sum = 0.0;
      for (double t : tps) sum += t;
      const double mean = sum / static_cast<double>(tps.size());
      if (p.reference_threads == 0 || mean > p.reference_throughput) {
        p.reference_threads = threads;
        p.reference_throughput = mean;
      }
    }
    p.percent = p.reference_throughput > 0
                    ? 100.0 * p.adaptive_throughput / p.reference_throughput
                    : kNaN;
    p.conditions = machine_conditions(log[first].before, log[last].after);
    pairs.push_back(p);
  }
  return pairs;
}

std::string verdict_text(Verdict v) {
  switch (v) {
    case Verdict::kTooFewRuns:
      return "one run: no range, no conclusion";
    case Verdict::kTooWide:
      return "range too wide to conclude";
    case Verdict::kFaster:
      return "faster than the best static size";
    case Verdict::kSlowerWithinGoal:
      return absl::StrCat("slower than the best static size, within ",
                          100.0 - kGoalPercent, " %");
    case Verdict::kSlower:
      return absl::StrCat("slower than the best static size by more than ",
                          100.0 - kGoalPercent, " %");
    case Verdict::kEven:
      return "no difference (range includes 100 %)";
  }
  return "";
}

PercentSummary summarize_percentages(const std::vector<double>& percents) {
  PercentSummary s;
  std::vector<double> v;
  for (double p : percents) {
    if (!std::isnan(p)) v.push_back(p);
  }
  s.runs = static_cast<int>(v.size());
  s.median = median(v);
  if (v.empty()) {
    s.min = s.max = kNaN;
    return s;
  }
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  if (s.runs < 2) {
    s.verdict = Verdict::kTooFewRuns;
  } else if (s.range() > kMaxConclusiveRange) {
    s.verdict = Verdict::kTooWide;
  } else if (s.min > 100.0) {
    s.verdict = Verdict::kFaster;
  } else if (s.max < 100.0) {
    s.verdict = s.median >= kGoalPercent ? Verdict::kSlowerWithinGoal : Verdict::kSlower;
  } else {
    s.verdict = Verdict::kEven;
  }
  return s;
}

}  // namespace betapool

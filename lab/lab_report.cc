#include "lab/lab_report.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lab/workload_catalog.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

std::string num(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  return absl::StrFormat("%.*f", decimals, v);
}

// Thousands separators for tasks/s.
std::string tps(double v) {
  if (!std::isfinite(v)) return "-";
  std::string digits = absl::StrFormat("%.0f", v);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[i];
    if (digits[i] != '-' && (n - 1 - i) % 3 == 0 && i != n - 1) out += ',';
  }
  return out;
}

std::string controller_text(const LabConfig& c, const AdaptiveVariant& v) {
  std::string text =
      c.controller.empty()
          ? "the seed's ControllerConfig (0.5 s ticks, 2 s stabilization, +2/-1 steps)"
          : absl::StrCat("ControllerConfig overrides: ", c.controller);
  if (v.policy == "beta_veto") {
    absl::StrAppend(&text, v.process_cpu_signal
                               ? ", CPU = this process's share"
                               : ", CPU = whole machine (the seed's reading)");
  }
  return text;
}

}  // namespace

CliffSummary summarize_cliff(const std::vector<SweepPoint>& points,
                             int from_threads) {
  CliffSummary s;
  s.from_threads = from_threads;
  s.min_drop_from = std::numeric_limits<double>::quiet_NaN();
  const SweepPoint best = best_static(points);
  s.peak_threads = best.threads;
  s.peak_throughput = best.throughput;
  if (points.empty() || !(best.throughput > 0)) return s;
  s.largest_threads = points.back().threads;
  s.drop_at_largest = 100.0 * (1.0 - points.back().throughput / best.throughput);
  for (const SweepPoint& p : points) {
    if (p.threads < from_threads) continue;
    const double drop = 100.0 * (1.0 - p.throughput / best.throughput);
    if (std::isnan(s.min_drop_from) || drop < s.min_drop_from) s.min_drop_from = drop;
  }
  return s;
}

void print_setup(std::ostream& out, const LabConfig& c) {
  const WorkloadProfile* w = find_workload(c.workload).value();
  out << absl::StrFormat("workload %s: %s\n  (%s)\n", w->name, w->summary, w->source);
  std::string load =
      c.load.mode == LoadSpec::Mode::kClosed
          ? absl::StrFormat("closed loop, %d tasks in flight", c.load.clients)
          : absl::StrFormat("open loop, %s arrivals at %.1f tasks/s",
                            c.load.arrival == LoadSpec::Arrival::kPoisson ? "Poisson"
                                                                          : "burst",
                            c.load.rate);
  out << absl::StrFormat(
      "%s, %s, %s warm-up + %s measured per pool size, %s, %d CPU(s)\n",
      c.gil ? absl::StrFormat("simulated GIL on (switch interval %s)",
                              absl::FormatDuration(c.switch_interval))
            : std::string("no GIL (free-threaded C++)"),
      load, absl::FormatDuration(c.load.warmup), absl::FormatDuration(c.load.measure),
      c.command == LabCommand::kSweep
          ? absl::StrFormat("%d repetition(s)", c.repeat)
          : absl::StrFormat("the sweep once, then %d paired round(s) of %s per "
                            "adaptive run",
                            c.rounds, absl::FormatDuration(c.adaptive_duration)),
      affinity_cpu_count());
}

void print_sweep_table(std::ostream& out, const LabConfig& c,
                       const std::vector<SweepPoint>& points) {
  const CliffSummary cliff = summarize_cliff(points);
  const bool ranges = c.repeat > 1;
  out << absl::StrFormat("\n%7s %12s%s %8s %9s %9s %6s %8s %6s %6s %6s %9s\n",
                         "threads", "tasks/s", ranges ? "   (min..max)     " : "",
                         "vs peak", "p50 ms", "p99 ms", "CPU %", "peak MiB", "beta",
                         "lock", "GIL %", "GIL sw/s");
  for (const SweepPoint& p : points) {
    const double vs = cliff.peak_throughput > 0
                          ? 100.0 * (p.throughput / cliff.peak_throughput - 1.0)
                          : 0.0;
    std::string range;
    if (ranges) {
      range = absl::StrFormat("  (%s..%s)", tps(p.throughput_min), tps(p.throughput_max));
      range.resize(std::max<size_t>(range.size(), 18), ' ');
    }
    std::string vs_text = p.threads == cliff.peak_threads ? "peak" : num(vs, 1) + "%";
    if (!p.steady) vs_text += "*";
    out << absl::StrFormat(
        "%7d %12s%s %8s %9s %9s %6s %8s %6s %6s %6s %9s\n", p.threads, tps(p.throughput),
        range, vs_text, num(p.p50_ms, 3),
        num(p.p99_ms, 3), num(p.cpu_percent, 0), num(p.peak_rss_mb, 1), num(p.beta, 2),
        num(p.lock_wait_ratio, 2), c.gil ? num(p.gil_busy_percent, 0) : "-",
        c.gil ? num(p.gil_switches_per_s, 0) : "-");
  }
  out << absl::StrFormat("\nPeak: %s tasks/s at %d threads.", tps(cliff.peak_throughput),
                         cliff.peak_threads);
  if (cliff.largest_threads > cliff.peak_threads) {
    out << absl::StrFormat(" At %d threads: %s %% below the peak", cliff.largest_threads,
                           num(cliff.drop_at_largest, 1));
    if (std::isfinite(cliff.min_drop_from)) {
      out << absl::StrFormat("; at every size >= %d: at least %s %% below",
                             cliff.from_threads, num(cliff.min_drop_from, 1));
    }
    out << ".";
  }
  out << "\n(paper: a saturation cliff of >= 20 % at >= 512 threads)\n";
  if (std::any_of(points.begin(), points.end(),
                  [](const SweepPoint& p) { return !p.steady; })) {
    out << absl::StrFormat(
        "* not a steady state: the pool had not finished as many tasks as it has "
        "threads when a window reached --max_window (%s): its throughput is a "
        "transient's (threads that started together finish together, in waves), "
        "unreliable either way, and it is not a candidate for the peak.\n",
        absl::FormatDuration(c.load.max_window));
  }
  std::vector<double> machine, load;
  for (const SweepPoint& p : points) {
    machine.push_back(p.machine_cpu_percent);
    load.push_back(p.load_average);
  }
  out << absl::StrFormat(
      "The machine during the sweep (all processes): CPU %s %% median, load average "
      "%s..%s.\n",
      num(median(machine), 0), num(*std::min_element(load.begin(), load.end()), 1),
      num(*std::max_element(load.begin(), load.end()), 1));
  out << "tasks/s and latencies are medians over repetitions; latency is the time "
         "inside the task (GIL waits included); beta and lock are the executor's "
         "blocking ratio and lock-wait share; GIL % is the share of time the simulated GIL "
         "was held, GIL sw/s its forced switches per second.\n";
}

void print_adaptive_summary(std::ostream& out, const LabConfig& c,
                            const AdaptiveVariant& variant, const SweepPoint& best,
                            const std::vector<AdaptiveRow>& rows) {
  if (rows.empty()) return;
  std::vector<double> steady, total, pct_steady, pct_total, mean_threads, paired,
      pct_paired;
  for (const AdaptiveRow& r : rows) {
    steady.push_back(r.throughput_steady);
    total.push_back(r.throughput_total);
    pct_steady.push_back(r.percent_of_best_steady);
    pct_total.push_back(r.percent_of_best_total);
    mean_threads.push_back(r.mean_threads_steady);
    paired.push_back(r.paired_static_throughput);
    pct_paired.push_back(r.percent_of_paired_steady);
  }
  const AdaptiveRow& last = rows.back();
  out << absl::StrFormat(
      "\nAdaptive executor: policy %s, %d..%d threads (starting at %d), %s per run, %s.\n",
      variant.label(), c.min_workers, c.max_workers, c.initial_workers,
      absl::FormatDuration(c.adaptive_duration), controller_text(c, variant));
  out << absl::StrFormat(
      "  steady state (second half): %s tasks/s = %s %% of the best static pool "
      "(%d threads, %s tasks/s)   [paper: 96.5 %%]\n",
      tps(median(steady)), num(median(pct_steady), 1), best.threads, tps(best.throughput));
  out << absl::StrFormat(
      "  paired: the best static pool in the windows next to each run: %s tasks/s "
      "(median); the adaptive steady state = %s %% of it (median; see the "
      "protocol table)\n",
      tps(median(paired)), num(median(pct_paired), 1));
  out << absl::StrFormat(
      "  whole run (convergence included): %s tasks/s = %s %% of best static\n",
      tps(median(total)), num(median(pct_total), 1));
  out << absl::StrFormat(
      "  threads: mean %s in the steady half, %d at the end, %d at most; decisions: "
      "%d up, %d down, %d hold; last size change at %s s\n",
      num(median(mean_threads), 1), last.final_threads, last.max_threads,
      last.scale_ups, last.scale_downs, last.holds, num(last.last_change_s, 1));
  out << absl::StrFormat(
      "  steady p50 %s ms, p99 %s ms, CPU %s %% (machine %s %%, load %s), peak %s MiB, "
      "beta %s, lock-wait %s\n",
      num(last.p50_ms, 3), num(last.p99_ms, 3), num(last.cpu_percent, 0),
      num(last.machine_cpu_percent, 0), num(last.load_average, 1),
      num(last.peak_rss_mb, 1), num(last.beta, 2), num(last.lock_wait_ratio, 2));
  out << absl::StrFormat("  most frequent decision reason (%s %% of ticks): %s\n",
                         num(100.0 * last.top_reason_share, 0), last.top_reason);
  if (variant.policy == "beta_veto" && !variant.process_cpu_signal &&
      last.top_reason.find("cpu") != std::string::npos &&
      last.machine_cpu_percent >= 85.0 && last.cpu_percent < 85.0) {
    out << absl::StrFormat(
        "  note: the whole machine's CPU was %s %% while this process used %s %% of "
        "its CPUs: other processes' load held the seed's CPU check; "
        "--cpu_signal=process reads this process's share instead.\n",
        num(last.machine_cpu_percent, 0), num(last.cpu_percent, 0));
  }
}

void print_comparison_table(std::ostream& out, const LabConfig& c,
                            const Comparison& comparison,
                            const std::vector<ComparisonRow>& summary) {
  out << absl::StrFormat(
      "\nPaired protocol: %d round(s); each adaptive run sits between two blocks of "
      "static pools of %s threads (the sweep's best and its neighbours), and is "
      "scored against the best of them in those two blocks. A range wider than "
      "%s points is noise, not a result.\n",
      c.rounds, reference_sizes_text(comparison.reference_sizes),
      num(kMaxConclusiveRange, 0));
  out << absl::StrFormat("%-18s %4s %8s %20s  %6s %6s %7s  %s\n", "policy", "runs",
                         "median", "range (min..max)", "load", "steal", "others",
                         "verdict");
  for (const ComparisonRow& r : summary) {
    out << absl::StrFormat(
        "%-18s %4d %6s %% %20s  %6s %5s%% %6s%%  %s\n", r.policy, r.runs,
        num(r.median_percent_of_paired, 1),
        absl::StrFormat("%s (%s..%s)", num(r.range_points, 1),
                        num(r.min_percent_of_paired, 1), num(r.max_percent_of_paired, 1)),
        num(r.median_load_average, 1), num(r.median_steal_percent, 1),
        num(r.median_other_cpu_percent, 0), r.verdict);
  }
  out << "(median and range of \"% of the paired best static\"; load, steal and "
         "others: medians over the pairs of the 1-minute load average, the CPU time "
         "stolen by the hypervisor and other processes' CPU, as % of the machine)\n";
  for (const PairedRun& p : comparison.pairs) {
    out << absl::StrFormat(
        "  %s round %d: %s tasks/s vs %d threads at %s tasks/s = %s %%  (load %s, "
        "steal %s %%, others %s %%)\n",
        c.adaptive[p.variant].label(), p.round, tps(p.adaptive_throughput),
        p.reference_threads, tps(p.reference_throughput), num(p.percent, 1),
        num(p.conditions.load_average, 1), num(p.conditions.steal_percent, 1),
        num(p.conditions.other_cpu_percent, 0));
  }
}

void print_closing_lines(std::ostream& out, const std::vector<ComparisonRow>& summary) {
  if (summary.empty()) return;
  out << "\nIn short:\n";
  for (const ComparisonRow& r : summary) {
    const std::string spread =
        r.runs > 1 ? absl::StrFormat("median of %d paired runs, range %s..%s", r.runs,
                                     num(r.min_percent_of_paired, 1),
                                     num(r.max_percent_of_paired, 1))
                   : std::string("one paired run, no range");
    out << absl::StrFormat("  %s: %s %% of the best static size (%s): %s\n", r.policy,
                           num(r.median_percent_of_paired, 1), spread, r.verdict);
  }
}

}  // namespace betapool

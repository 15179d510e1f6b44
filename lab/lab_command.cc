#include "lab/lab_command.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lab/cpu_burner.h"
#include "lab/lab_report.h"
#include "lab/lab_runner.h"
#include "lab/plot_writer.h"
#include "lab/process_stats.h"
#include "lab/protocol_records.h"
#include "lab/record_writer.h"
#include "lab/trace_format.h"
#include "lab/workload_catalog.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

constexpr const char* kDemoIntro =
    "betapool-lab: the default demonstration.\n"
    "It reproduces, on real threads, the paper's two findings on its mixed workload\n"
    "with a simulated Python GIL: (1) a static pool's throughput against its size,\n"
    "1 to 2048 threads (the 'saturation cliff'), and (2) two adaptive executors,\n"
    "which size themselves with no tuning, as percentages of the best static size:\n"
    "the paper's beta_veto and bottleneck, which models the CPU and lock knees.\n"
    "`betapool-lab --help` lists the flags; `betapool-lab sweep|compare --workload=...`\n"
    "runs other workloads.\n\n";

std::string file_name(const LabConfig& c, const char* what) {
  return absl::StrCat(output_prefix(c), "_", what, ".", file_extension(c.format));
}

template <class T>
bool write(const LabConfig& c, const char* what, const std::vector<T>& rows,
           std::vector<std::string>& written, std::ostream& err) {
  const std::string path =
      (std::filesystem::path(c.out_dir) / file_name(c, what)).string();
  if (absl::Status s = write_records(path, c.format, rows); !s.ok()) {
    err << "betapool-lab: " << s.message() << "\n";
    return false;
  }
  written.push_back(path);
  return true;
}

// `record`: one run, its tasks written as a trace (lab/trace_format.h).
int record(const LabConfig& c, std::ostream& out, std::ostream& err) {
  const std::string path = trace_path(c);
  const WorkloadProfile* w = find_workload(c.workload).value();
  // Also the trace's note line: how it was recorded.
  const std::string setup = absl::StrFormat(
      "workload %s (%s), %s, %s, %s on %d CPU(s), for %s", w->name, w->summary,
      c.gil ? "simulated GIL" : "no GIL",
      c.load.mode == LoadSpec::Mode::kClosed
          ? absl::StrFormat("closed loop, %d tasks in flight", c.load.clients)
          : absl::StrFormat("open loop, %s arrivals at %.1f tasks/s",
                            c.load.arrival == LoadSpec::Arrival::kPoisson ? "Poisson"
                                                                          : "burst",
                            c.load.rate),
      c.record_threads > 0
          ? absl::StrFormat("a static pool of %d", c.record_threads)
          : absl::StrCat("the adaptive executor (", c.adaptive.front().label(), ")"),
      affinity_cpu_count(), absl::FormatDuration(c.load.measure));
  out << "betapool-lab record: " << setup << "\n" << std::flush;
  ProgressLine progress(err, stderr_is_terminal());
  absl::StatusOr<RecordedRun> run = run_record(c, progress);
  if (!run.ok()) {
    err << "betapool-lab: " << run.status().message() << "\n";
    return 1;
  }
  if (run->rows.empty()) {
    err << "betapool-lab: record: no task finished in "
        << absl::FormatDuration(c.load.measure) << "; try a longer --duration\n";
    return 1;
  }
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream file(path);
  if (ec || !file) {
    err << "betapool-lab: cannot write --trace_out '" << path << "'\n";
    return 1;
  }
  write_trace(file,
              {.cpus = affinity_cpu_count(),
               .profile = c.workload,
               .clients = c.load.mode == LoadSpec::Mode::kClosed ? c.load.clients : 0,
               .notes = {"recorded by betapool-lab record: " + setup}},
              run->rows);
  file.close();
  if (!file) {
    err << "betapool-lab: error writing '" << path << "'\n";
    return 1;
  }
  double cpu = 0, held = 0, lock_wait = 0, other = 0;
  for (const TraceRow& r : run->rows) {
    cpu += r.cpu_s;
    held += r.lock_held_s;
    lock_wait += r.lock_wait_s;
    other += r.other_wait_s;
  }
  const double n = static_cast<double>(run->rows.size());
  out << absl::StrFormat(
      "%d tasks (%.1f tasks/s); mean per task: CPU %.3f ms (%.0f%% of it holding "
      "the lock), lock wait %.3f ms, other wait %.3f ms\n"
      "Trace: %s\n",
      run->rows.size(), run->load.throughput, 1e3 * cpu / n,
      cpu > 0 ? 100.0 * held / cpu : 0.0, 1e3 * lock_wait / n, 1e3 * other / n, path);
  return 0;
}

}  // namespace

std::string trace_path(const LabConfig& c) {
  if (!c.trace_out.empty()) return c.trace_out;
  return (std::filesystem::path(c.out_dir) / absl::StrCat(output_prefix(c), "_trace.csv"))
      .string();
}

std::string output_prefix(const LabConfig& c) {
  return absl::StrCat(c.workload, c.gil ? "" : "_nogil",
                      c.load.mode == LoadSpec::Mode::kOpen ? "_open" : "");
}

int run_lab(const LabConfig& c, std::ostream& out, std::ostream& err) {
  if (c.cpus > 0) {
    if (absl::Status s = pin_to_cpus(c.cpus); !s.ok()) {
      err << "betapool-lab: --cpus: " << s.message() << "\n";
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(c.out_dir, ec);
  if (ec) {
    err << "betapool-lab: cannot create --out directory '" << c.out_dir
        << "': " << ec.message() << "\n";
    return 1;
  }
  if (c.command == LabCommand::kRecord) return record(c, out, err);
  ProgressLine progress(err, stderr_is_terminal());
  if (c.command == LabCommand::kDemo) out << kDemoIntro;
  print_setup(out, c);
  out << std::flush;
  const auto started = std::chrono::steady_clock::now();
  progress.finish(absl::StrFormat(
      "[lab] CPU loop: %.1f M iterations/s of thread CPU time",
      burn_rate_per_second() / 1e6));

  std::vector<std::string> written;
  absl::StatusOr<std::vector<SweepRow>> sweep = run_sweep(c, progress);
  if (!sweep.ok()) {
    err << "betapool-lab: " << sweep.status().message() << "\n";
    return 1;
  }
  if (!write(c, "sweep", *sweep, written, err)) return 1;
  const std::vector<SweepPoint> points = summarize_sweep(*sweep);
  print_sweep_table(out, c, points);
  out << std::flush;

  PlotInputs plot;
  plot.out_dir = c.out_dir;
  plot.prefix = output_prefix(c);
  plot.title = absl::StrCat("betapool-lab: ", c.workload,
                            c.gil ? ", simulated GIL" : ", no GIL",
                            c.load.mode == LoadSpec::Mode::kClosed ? ", closed loop"
                                                                   : ", open loop");
  plot.sweep = points;

  std::vector<ComparisonRow> summary;  // empty for a sweep
  if (c.command != LabCommand::kSweep) {
    const SweepPoint best = best_static(points);
    absl::StatusOr<Comparison> comparison = run_comparison(c, best, progress);
    if (!comparison.ok()) {
      err << "betapool-lab: " << comparison.status().message() << "\n";
      return 1;
    }
    AdaptiveRun all;
    for (size_t v = 0; v < c.adaptive.size(); ++v) {
      const AdaptiveRun& run = comparison->per_variant[v];
      std::vector<double> steady, threads;
      for (const AdaptiveRow& r : run.rows) {
        steady.push_back(r.throughput_steady);
        threads.push_back(r.mean_threads_steady);
      }
      plot.adaptive.push_back(
          {c.adaptive[v].label(), median(steady), median(threads), run.timeline});
      all.rows.insert(all.rows.end(), run.rows.begin(), run.rows.end());
      all.timeline.insert(all.timeline.end(), run.timeline.begin(), run.timeline.end());
      all.decisions.insert(all.decisions.end(), run.decisions.begin(),
                           run.decisions.end());
    }
    summary = comparison_rows(c, *comparison);
    if (!write(c, "adaptive", all.rows, written, err) ||
        !write(c, "timeline", all.timeline, written, err) ||
        !write(c, "decisions", all.decisions, written, err) ||
        !write(c, "protocol", protocol_window_rows(c, *comparison), written, err) ||
        !write(c, "comparison", summary, written, err)) {
      return 1;
    }
    for (size_t v = 0; v < c.adaptive.size(); ++v) {
      print_adaptive_summary(out, c, c.adaptive[v], best,
                             comparison->per_variant[v].rows);
    }
    print_comparison_table(out, c, *comparison, summary);
  }

  if (c.plot) {
    absl::StatusOr<std::string> svg = write_plot(plot);
    if (svg.ok()) {
      written.push_back(*svg);
    } else {
      err << "betapool-lab: warning: " << svg.status().message() << "\n";
    }
  }
  out << "\nFiles:\n";
  for (const std::string& f : written) out << "  " << f << "\n";
  print_closing_lines(out, summary);
  out << absl::StrFormat("Done in %.0f s.\n",
                         std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started)
                             .count());
  return 0;
}

}  // namespace betapool

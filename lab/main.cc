// betapool-lab: the lab's command (see lab/lab_command.h and README.md).
//
//   betapool-lab                       the default demonstration
//   betapool-lab sweep   [--flags]     static pools of each size
//   betapool-lab compare [--flags]     the sweep, then the adaptive executor
//
// Exit status: 0 on success, 1 when a run fails, 2 for a bad command line.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "lab/lab_command.h"
#include "lab/lab_config.h"
#include "lab/workload_catalog.h"

namespace {
const betapool::RawLabFlags kDefaults;
}  // namespace

ABSL_FLAG(std::string, workload, kDefaults.workload,
          "workload to run; one of: mixed, mixed_10_50, io, cpu, cpu_parallel, "
          "seed_mixed, rag_pipeline, fibonacci, variable, and the paper's seven "
          "profiles vision_pipeline, voice_assistant, sensor_fusion, "
          "rag_orchestration, slm_inference, edge_analytics, onnx_mobilenetv2");
ABSL_FLAG(std::string, threads, kDefaults.threads,
          "static pool sizes: comma-separated (1,2,4) or A..B for powers of two "
          "(1..2048); each within [1, 4096]");
ABSL_FLAG(std::string, load, kDefaults.load,
          "closed (a fixed number of tasks in flight, the paper's benchmark) or "
          "open (arrivals at --rate)");
ABSL_FLAG(std::string, arrival, kDefaults.arrival,
          "open-loop arrivals: poisson (at --rate) or burst (--rate during "
          "bursts, --quiet_rate otherwise)");
ABSL_FLAG(double, rate, kDefaults.rate, "open-loop arrival rate, tasks/s");
ABSL_FLAG(double, quiet_rate, kDefaults.quiet_rate,
          "burst arrivals: rate between bursts, tasks/s");
ABSL_FLAG(absl::Duration, burst_duration, kDefaults.burst_duration,
          "burst arrivals: length of a burst");
ABSL_FLAG(absl::Duration, quiet_duration, kDefaults.quiet_duration,
          "burst arrivals: length of a quiet period");
ABSL_FLAG(int, clients, kDefaults.clients,
          "closed loop: tasks in flight (0: twice the largest pool, at least 64)");
ABSL_FLAG(absl::Duration, warmup, kDefaults.warmup,
          "per pool size: time before measuring");
ABSL_FLAG(absl::Duration, duration, kDefaults.duration,
          "per pool size: measured time");
ABSL_FLAG(absl::Duration, max_window, kDefaults.max_window,
          "closed loop: a pool size's warm-up and measurement each extend, up to "
          "this long, until the pool has finished as many tasks as it has threads "
          "(large pools on few CPUs finish their first tasks late, and together); "
          "0s: fixed --warmup/--duration windows");
ABSL_FLAG(absl::Duration, adaptive_duration, kDefaults.adaptive_duration,
          "adaptive run length; its second half is reported as the steady state");
ABSL_FLAG(bool, gil, kDefaults.gil,
          "run workloads as Python under the simulated GIL (--nogil: plain C++)");
ABSL_FLAG(absl::Duration, switch_interval, kDefaults.switch_interval,
          "the simulated GIL's switch interval (sys.setswitchinterval)");
ABSL_FLAG(int, repeat, kDefaults.repeat,
          "repetitions of every measurement (tables show medians)");
ABSL_FLAG(std::string, policy, kDefaults.policy,
          "the adaptive executor's scaling policy: any registered name, or several "
          "comma-separated (each is compared with the same sweep)");
ABSL_FLAG(int, min_workers, kDefaults.min_workers, "adaptive: fewest threads");
ABSL_FLAG(int, max_workers, kDefaults.max_workers, "adaptive: most threads");
ABSL_FLAG(int, initial_workers, kDefaults.initial_workers,
          "adaptive: threads at start (0: --min_workers)");
ABSL_FLAG(std::string, controller, kDefaults.controller,
          "adaptive: ControllerConfig overrides as key=value pairs, e.g. "
          "monitor_interval=0.1,stabilization_window=0.5 (default: the seed's)");
ABSL_FLAG(std::string, cpu_signal, kDefaults.cpu_signal,
          "beta_veto's CPU reading: system (whole machine, the seed's), process "
          "(this process's share of its CPUs; for a shared machine) or both");
ABSL_FLAG(std::string, out, kDefaults.out, "directory for CSV/JSONL files and the plot");
ABSL_FLAG(std::string, format, kDefaults.format, "csv or jsonl");
ABSL_FLAG(bool, plot, kDefaults.plot, "draw the SVG with gnuplot (--noplot: skip)");
ABSL_FLAG(int, cpus, kDefaults.cpus,
          "pin the process to its first N CPUs (the paper's edge simulation; 0: "
          "no pinning)");
ABSL_FLAG(int64_t, seed, kDefaults.seed, "seed for arrivals and random workloads");

namespace {
// Abseil's --help and --helpshort list only flags defined in a file named
// after the program (betapool-lab.cc, betapool-lab_main.cc, ...); the lab's
// flags live in lab/main.cc, so say so, or --help lists no flags at all.
bool defines_lab_flags(absl::string_view file) {
  return absl::EndsWith(file, "lab/main.cc");
}
}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = defines_lab_flags;
  usage.contains_helpshort_flags = defines_lab_flags;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "betapool-lab [sweep|compare] [--flags]\n"
      "  (no command)  the default demonstration: a cliff sweep and an adaptive\n"
      "                comparison on the paper's mixed workload, simulated GIL\n"
      "  sweep         static pools of each --threads size on --workload\n"
      "  compare       the sweep, then the adaptive executor (--policy) against it");
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (absl::Status s = betapool::check_flag_names(args); !s.ok()) {
    std::cerr << "betapool-lab: " << s.message() << "\n";
    return 2;
  }
  std::vector<char*> positional_raw = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> positional(positional_raw.begin() + 1, positional_raw.end());

  betapool::RawLabFlags raw;
  raw.workload = absl::GetFlag(FLAGS_workload);
  raw.threads = absl::GetFlag(FLAGS_threads);
  raw.load = absl::GetFlag(FLAGS_load);
  raw.arrival = absl::GetFlag(FLAGS_arrival);
  raw.rate = absl::GetFlag(FLAGS_rate);
  raw.quiet_rate = absl::GetFlag(FLAGS_quiet_rate);
  raw.burst_duration = absl::GetFlag(FLAGS_burst_duration);
  raw.quiet_duration = absl::GetFlag(FLAGS_quiet_duration);
  raw.clients = absl::GetFlag(FLAGS_clients);
  raw.warmup = absl::GetFlag(FLAGS_warmup);
  raw.duration = absl::GetFlag(FLAGS_duration);
  raw.max_window = absl::GetFlag(FLAGS_max_window);
  raw.adaptive_duration = absl::GetFlag(FLAGS_adaptive_duration);
  raw.gil = absl::GetFlag(FLAGS_gil);
  raw.switch_interval = absl::GetFlag(FLAGS_switch_interval);
  raw.repeat = absl::GetFlag(FLAGS_repeat);
  raw.policy = absl::GetFlag(FLAGS_policy);
  raw.min_workers = absl::GetFlag(FLAGS_min_workers);
  raw.max_workers = absl::GetFlag(FLAGS_max_workers);
  raw.initial_workers = absl::GetFlag(FLAGS_initial_workers);
  raw.controller = absl::GetFlag(FLAGS_controller);
  raw.cpu_signal = absl::GetFlag(FLAGS_cpu_signal);
  raw.out = absl::GetFlag(FLAGS_out);
  raw.format = absl::GetFlag(FLAGS_format);
  raw.plot = absl::GetFlag(FLAGS_plot);
  raw.cpus = absl::GetFlag(FLAGS_cpus);
  raw.seed = absl::GetFlag(FLAGS_seed);

  absl::StatusOr<betapool::LabConfig> config =
      betapool::make_lab_config(positional, raw);
  if (!config.ok()) {
    std::cerr << "betapool-lab: " << config.status().message() << "\n";
    return 2;
  }
  return betapool::run_lab(*config, std::cout, std::cerr);
}

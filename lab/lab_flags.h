// File: lab/lab_flags.h
//
// The betapool-lab flags, written once: BETAPOOL_LAB_FLAGS(X) calls
// X(type, name, default, help) for every flag. From this one table come
// the Abseil flags (lab/main.cc), the RawLabFlags struct and its defaults
// (lab/lab_config.h), the copy from one to the other, and the list of flag
// names the command line is checked against. A new flag is one new line
// here (plus its validation in make_lab_config).
//
// Example:
//   #define BETAPOOL_NAME(type, name, default_value, help) #name,
//   const char* names[] = {BETAPOOL_LAB_FLAGS(BETAPOOL_NAME)};
//   #undef BETAPOOL_NAME
//
// Defaults are the default demonstration's; `repeat` 0 means "the
// command's own default" (see make_lab_config).
#ifndef BETAPOOL_LAB_LAB_FLAGS_H_
#define BETAPOOL_LAB_LAB_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace betapool {

inline constexpr char kDefaultThreadList[] =
    "1,2,4,8,16,32,64,128,256,512,1024,2048";
// --policy left empty: sweep and compare run the paper's policy; the
// default demonstration runs it beside the knee-model policy, so one plot
// shows both against the static curve.
inline constexpr char kDefaultPolicy[] = "beta_veto";
inline constexpr char kDemoPolicies[] = "beta_veto,bottleneck";

}  // namespace betapool

// clang-format off
#define BETAPOOL_LAB_FLAGS(X)                                                        \
  X(std::string, workload, "mixed",                                                   \
    "workload to run; one of: mixed, mixed_10_50, io, cpu, cpu_parallel, "            \
    "seed_mixed, rag_pipeline, fibonacci, variable, and the paper's seven "           \
    "profiles vision_pipeline, voice_assistant, sensor_fusion, "                      \
    "rag_orchestration, slm_inference, edge_analytics, onnx_mobilenetv2")             \
  X(std::string, threads, ::betapool::kDefaultThreadList,                             \
    "static pool sizes: comma-separated (1,2,4) or A..B for powers of two "           \
    "(1..2048); each within [1, 4096]")                                               \
  X(std::string, load, "closed",                                                      \
    "closed (a fixed number of tasks in flight, the paper's benchmark) or "           \
    "open (arrivals at --rate)")                                                      \
  X(std::string, arrival, "poisson",                                                  \
    "open-loop arrivals: poisson (at --rate) or burst (--rate during "                \
    "bursts, --quiet_rate otherwise)")                                                \
  X(double, rate, 0.0, "open-loop arrival rate, tasks/s")                             \
  X(double, quiet_rate, 10.0, "burst arrivals: rate between bursts, tasks/s")         \
  X(absl::Duration, burst_duration, absl::Seconds(5),                                 \
    "burst arrivals: length of a burst")                                              \
  X(absl::Duration, quiet_duration, absl::Seconds(10),                                \
    "burst arrivals: length of a quiet period")                                       \
  X(int, clients, 0,                                                                  \
    "closed loop: tasks in flight (0: twice the largest pool, at least 64)")          \
  X(absl::Duration, warmup, absl::Milliseconds(500),                                  \
    "per pool size: time before measuring")                                           \
  X(absl::Duration, duration, absl::Seconds(2), "per pool size: measured time")       \
  X(absl::Duration, max_window, absl::Seconds(30),                                    \
    "closed loop: a pool size's warm-up and measurement each extend, up to "          \
    "this long, until the pool has finished as many tasks as it has threads "         \
    "(large pools on few CPUs finish their first tasks late, and together); "         \
    "0s: fixed --warmup/--duration windows")                                          \
  X(absl::Duration, adaptive_duration, absl::ZeroDuration(),                          \
    "adaptive run length; its second half is reported as the steady state "           \
    "(0: 60s for compare, 12s for the default demonstration)")                        \
  X(bool, gil, true,                                                                  \
    "run workloads as Python under the simulated GIL (--nogil: plain C++)")           \
  X(absl::Duration, switch_interval, absl::Milliseconds(5),                           \
    "the simulated GIL's switch interval (sys.setswitchinterval)")                    \
  X(int, repeat, 0,                                                                   \
    "sweep: repetitions of every pool size (tables show medians; 0: 1). "             \
    "compare and the demonstration: rounds of the paired protocol, each "             \
    "adaptive run between two measurements of the best static size and its "         \
    "neighbours (0: 3); the sweep then runs once, only to find the best size")        \
  X(std::string, policy, "",                                                          \
    "the adaptive executor's scaling policy: any registered name, or several "        \
    "comma-separated (each is compared with the same sweep); empty: beta_veto, "      \
    "and beta_veto,bottleneck for the default demonstration")                         \
  X(int, min_workers, 4, "adaptive: fewest threads")                                  \
  X(int, max_workers, 64, "adaptive: most threads")                                   \
  X(int, initial_workers, 0, "adaptive: threads at start (0: --min_workers)")         \
  X(std::string, controller, "",                                                      \
    "adaptive: ControllerConfig overrides as key=value pairs, e.g. "                  \
    "monitor_interval=0.1,stabilization_window=0.5 (default: the seed's)")            \
  X(std::string, cpu_signal, "system",                                                \
    "beta_veto's CPU reading: system (whole machine, the seed's), process "           \
    "(this process's share of its CPUs; for a shared machine) or both")               \
  X(std::string, out, "lab-results", "directory for CSV/JSONL files and the plot")    \
  X(std::string, format, "csv", "csv or jsonl")                                       \
  X(bool, plot, true, "draw the SVG with gnuplot (--noplot: skip)")                   \
  X(int, cpus, 0,                                                                     \
    "pin the process to its first N CPUs (the paper's edge simulation; 0: "           \
    "no pinning)")                                                                    \
  X(int, cpu_hog, 0,                                                                  \
    "another tenant: this many processes spinning on the CPU through every "          \
    "static window and, from --cpu_hog_at on, in every adaptive run (0: none)")       \
  X(absl::Duration, cpu_hog_at, absl::ZeroDuration(),                                 \
    "with --cpu_hog: when the spinning processes start in an adaptive run (0: a "     \
    "quarter into it, so its steady half runs beside them)")                          \
  X(bool, cpu_hog_cgroup, false,                                                      \
    "with --cpu_hog: run the lab and the spinning processes in two sibling CPU "      \
    "cgroups of equal weight, so the hog takes min(N, CPUs/2) CPUs whatever the "     \
    "pool's size, as a neighbour service in its own cgroup (needs the right to "      \
    "create cgroups)")                                                                \
  X(int64_t, seed, 1, "seed for arrivals and random workloads")                     \
  X(std::string, trace_out, "",                                                       \
    "record: the trace file to write (default: <out>/<workload>_trace.csv)")
// clang-format on

#endif  // BETAPOOL_LAB_LAB_FLAGS_H_

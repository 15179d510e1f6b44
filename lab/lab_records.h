// File: lab/lab_records.h
//
// The rows betapool-lab writes (CSV or JSON lines through
// lab/record_writer.h): one SweepRow per static-pool measurement, one
// AdaptiveRow per adaptive run, its thread count over time (TimelineRow)
// and its controller decisions (core's DecisionRecord written after the
// run's RunTags as a Tagged<RunTags, DecisionRecord>, so every field the
// controller records reaches the file). Each carries `kFieldNames`,
// checked against Boost.PFR's field count where rows are written.
//
// Units: seconds, tasks per second, milliseconds for latencies, percent for
// CPU and "percent of best", MiB for memory. NaN means "not measured".
#ifndef BETAPOOL_LAB_LAB_RECORDS_H_
#define BETAPOOL_LAB_LAB_RECORDS_H_

#include <array>
#include <cstdint>
#include <string>

namespace betapool {

struct SweepRow {
  std::string workload;
  std::string load;  // "closed" or "open"
  bool gil = true;
  int threads = 0;
  int repetition = 0;  // 1-based
  double seconds = 0.0;  // measured window
  int64_t completed = 0;
  double throughput = 0.0;
  double p50_ms = 0.0;
  double p95_ms = 0.0;
  double p99_ms = 0.0;
  double response_p99_ms = 0.0;
  double cpu_percent = 0.0;
  double peak_rss_mb = 0.0;
  // Resident memory before the pool was built (includes what the allocator
  // kept from earlier runs of the sweep): peak - before is this pool's cost.
  double rss_before_mb = 0.0;
  double beta = 0.0;             // executor's window beta, mean over ticks
  double lock_wait_ratio = 0.0;  // executor's lock-wait share, mean over ticks
  double gil_switches_per_s = 0.0;  // forced switches (drop requests served)
  double gil_busy_percent = 0.0;    // share of the run the GIL was held
  double startup_s = 0.0;        // building the pool (starting its threads)
  double machine_cpu_percent = 0.0;  // all processes, over the window
  double load_average = 0.0;         // 1-minute load average at the end
  double warmup_s = 0.0;  // the warm-up, extended until the pool finished tasks
  // False: a window hit --max_window before the pool finished as many tasks
  // as it has threads (a start-up transient, not a steady state).
  bool steady = true;

  static constexpr std::array<const char*, 24> kFieldNames{
      "workload",   "load",          "gil",          "threads",
      "repetition", "seconds",       "completed",    "throughput",
      "p50_ms",     "p95_ms",        "p99_ms",       "response_p99_ms",
      "cpu_percent", "peak_rss_mb",  "rss_before_mb", "beta", "lock_wait_ratio",
      "gil_switches_per_s", "gil_busy_percent", "startup_s",
      "machine_cpu_percent", "load_average", "warmup_s", "steady"};
};

struct AdaptiveRow {
  std::string workload;
  std::string policy;
  std::string load;
  bool gil = true;
  int repetition = 0;
  int min_workers = 0;
  int max_workers = 0;
  double seconds = 0.0;            // whole run
  double throughput_total = 0.0;   // whole run, convergence included
  double throughput_steady = 0.0;  // second half of the run
  int best_static_threads = 0;
  double best_static_throughput = 0.0;  // median over repetitions
  double percent_of_best_steady = 0.0;
  double percent_of_best_total = 0.0;
  // The paired reference (lab/measurement_protocol.h): the best of the
  // sweep's best size and its neighbours in the static windows adjacent to
  // this run, its throughput there, and the steady throughput as a share of
  // it; the machine's load, steal and other processes' CPU over the pair.
  int paired_static_threads = 0;
  double paired_static_throughput = 0.0;
  double percent_of_paired_steady = 0.0;
  double pair_load_average = 0.0;
  double pair_steal_percent = 0.0;
  double pair_other_cpu_percent = 0.0;
  double mean_threads_steady = 0.0;
  int final_threads = 0;
  int max_threads = 0;
  int scale_ups = 0;
  int scale_downs = 0;
  int holds = 0;
  double last_change_s = 0.0;  // last tick that changed the size (NaN: none)
  double p50_ms = 0.0;         // second half
  double p99_ms = 0.0;
  double cpu_percent = 0.0;
  double peak_rss_mb = 0.0;
  double beta = 0.0;
  double lock_wait_ratio = 0.0;
  // The policy's most frequent reason, numbers masked ("beta #.# > #.# but
  // cpu #%"), and the share of ticks that gave it.
  std::string top_reason;
  double top_reason_share = 0.0;
  double machine_cpu_percent = 0.0;  // second half, all processes
  double load_average = 0.0;

  static constexpr std::array<const char*, 37> kFieldNames{
      "workload",          "policy",
      "load",              "gil",
      "repetition",        "min_workers",
      "max_workers",       "seconds",
      "throughput_total",  "throughput_steady",
      "best_static_threads", "best_static_throughput",
      "percent_of_best_steady", "percent_of_best_total",
      "paired_static_threads", "paired_static_throughput",
      "percent_of_paired_steady", "pair_load_average",
      "pair_steal_percent", "pair_other_cpu_percent",
      "mean_threads_steady", "final_threads",
      "max_threads",       "scale_ups",
      "scale_downs",       "holds",
      "last_change_s",     "p50_ms",
      "p99_ms",            "cpu_percent",
      "peak_rss_mb",       "beta",
      "lock_wait_ratio",   "top_reason",
      "top_reason_share",  "machine_cpu_percent",
      "load_average"};
};

struct TimelineRow {
  std::string workload;
  std::string policy;
  int repetition = 0;
  double t = 0.0;  // seconds since the load started
  int threads = 0;
  int target = 0;
  double throughput = 0.0;  // since the previous sample
  int64_t completed = 0;
  int cpu_hog = 0;  // spinning processes of the --cpu_hog scenario running

  static constexpr std::array<const char*, 9> kFieldNames{
      "workload", "policy",     "repetition", "t",      "threads",
      "target",   "throughput", "completed",  "cpu_hog"};
};

// Which run a controller tick belongs to, written before its DecisionRecord.
// The record's own `policy` is the policy's name; `candidate` is the
// configuration's label (two candidates may run the same policy).
struct RunTags {
  std::string workload;
  int repetition = 0;
  double t = 0.0;  // seconds since the load started
  std::string candidate;

  static constexpr std::array<const char*, 4> kFieldNames{
      "workload", "repetition", "t", "candidate"};
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_RECORDS_H_

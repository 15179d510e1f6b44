// File: lab/load_driver.h
//
// run_load: drives one executor with one workload for a warm-up and a
// measurement window and measures what the lab reports per run —
// throughput, task latency percentiles, process CPU %, peak memory, the
// executor's blocking ratio and lock-wait share, and the thread count over
// time.
//
// Load:
//  - closed loop (the paper's benchmark: a backlog that never runs dry):
//    `clients` tasks are kept in flight; each finished task submits the
//    next. Use the same `clients` for every pool compared, at least the
//    largest pool size, so every pool sees the same offered load.
//  - open loop: a driver thread submits at Poisson or burst arrival times
//    (absolute schedule, no drift); at most `max_outstanding` tasks may be
//    waiting, further arrivals are counted as dropped.
//
// Latency is a task's run time on its worker (the paper's measure: time
// inside the task, GIL waits included); response time adds the queueing
// before it started (meaningful for open loop only).
//
// At the end the driver stops submitting and calls executor.shutdown_now():
// queued tasks are discarded, running ones finish.
//
// Example:
//   auto ex = betapool::ExecutorBuilder().policy("static")
//                 .min_workers(8).max_workers(8).initial_workers(8).build().value();
//   auto built = std::chrono::steady_clock::now();
//   betapool::LoadSpec spec;  // closed loop, 0.5 s warm-up, 2 s measured
//   betapool::LoadResult r = betapool::run_load(*ex, built, task, spec, nullptr, {});
//
// Thread safety: run_load blocks the calling thread for warmup + measure.
#ifndef BETAPOOL_LAB_LOAD_DRIVER_H_
#define BETAPOOL_LAB_LOAD_DRIVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/time/time.h"
#include "core/executor.h"
#include "core/scaling_decision.h"
#include "lab/burst_arrival_generator.h"
#include "lab/process_stats.h"
#include "lab/simulated_gil.h"
#include "lab/workload_generator.h"

namespace betapool {

struct LoadSpec {
  enum class Mode { kClosed, kOpen };
  enum class Arrival { kPoisson, kBurst };

  Mode mode = Mode::kClosed;
  int clients = 64;  // closed loop: tasks in flight

  Arrival arrival = Arrival::kPoisson;  // open loop
  double rate = 100.0;                  // Poisson rate, tasks/s
  BurstArrivalOptions burst;            // burst arrivals
  int64_t max_outstanding = 100000;

  absl::Duration warmup = absl::Milliseconds(500);
  absl::Duration measure = absl::Seconds(2);
  // Closed loop: many threads sharing few CPUs start their first tasks
  // together and finish them together, seconds after the start (and then
  // in waves). A fixed window shorter than that counts no completions at
  // all. With min_completions > 0, the warm-up lasts until that many tasks
  // have finished and the measurement until that many more have (each at
  // least warmup/measure, at most max_window); a window that hits
  // max_window first makes the result !steady.
  int64_t min_completions = 0;
  absl::Duration max_window = absl::Seconds(30);
  absl::Duration sample_every = absl::Milliseconds(250);
  // How many of the latest tasks' latencies are kept (a ring; the default
  // holds several seconds at the highest task rates seen here). Older
  // tasks still count in the throughput.
  int64_t latency_samples = int64_t{1} << 20;
  uint64_t seed = 1;
  // If set, its counters are read at both ends of the measurement window.
  const SimulatedGil* gil = nullptr;
  // If set, runs each task in place of calling it, given when the task was
  // submitted (seconds since the load started): the trace recorder's hook
  // (lab/trace_recorder.h). Called on the worker thread.
  std::function<void(const WorkloadGenerator::Task& task, double submitted_s)>
      run_task;
};

// One point of the thread-count-over-time series.
struct TimelineSample {
  double t = 0.0;            // seconds since the load started
  int threads = 0;           // live worker threads
  int target = 0;            // the controller's target
  double throughput = 0.0;   // completions/s since the previous sample
  int64_t completed = 0;     // since the load started
};

struct LoadResult {
  // False when a window ended at spec.max_window before spec.min_completions
  // tasks finished in it: the throughput is then a transient's, not a
  // steady state's.
  bool steady = true;
  double warmup_seconds = 0.0;
  double measured_seconds = 0.0;
  int64_t completed = 0;      // in the measurement window
  double throughput = 0.0;    // completed / measured_seconds
  double total_seconds = 0.0;  // warm-up + measurement
  int64_t total_completed = 0;
  double p50_ms = 0.0, p95_ms = 0.0, p99_ms = 0.0;  // run time
  double response_p50_ms = 0.0, response_p99_ms = 0.0;
  int64_t latency_samples = 0;
  double cpu_percent = 0.0;    // process CPU over the window, % of allowed CPUs
  // The whole machine over the window (other processes included), and its
  // 1-minute load average at the end: how shared the machine was.
  double machine_cpu_percent = 0.0;
  double load_average = 0.0;
  double beta = 0.0;           // mean of the controller's window beta (NaN: none)
  double lock_wait_ratio = 0.0;  // mean per-tick lock-wait share (NaN: none)
  double gil_busy_percent = 0.0;    // window share the GIL was held (NaN: no GIL)
  double gil_switches_per_s = 0.0;  // forced switches in the window (NaN: no GIL)
  double mean_threads = 0.0;   // time-weighted over the window
  int max_threads = 0;
  int final_threads = 0;
  int64_t dropped_arrivals = 0;  // open loop only
  // When the executor was built, in seconds relative to the load start
  // (slightly negative): add it to a DecisionRecord's timestamp to place
  // the decision on the load's time axis.
  double executor_start_s = 0.0;
  std::vector<TimelineSample> timeline;
  std::vector<DecisionRecord> decisions;  // whole run
};

// Called after every timeline sample: elapsed and total seconds, the latest
// sample.
using LoadProgress =
    std::function<void(double elapsed, double total, const TimelineSample& s)>;

// Runs `task` on `executor` as `spec` says. `executor_built` is when the
// executor was built (the origin of its decision timestamps). `peak`, if
// given, is sampled during the run.
LoadResult run_load(Executor& executor,
                    std::chrono::steady_clock::time_point executor_built,
                    const WorkloadGenerator::Task& task, const LoadSpec& spec,
                    PeakRssTracker* peak, const LoadProgress& progress);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LOAD_DRIVER_H_

// File: lab/sim/scenario.h
//
// Scenario: everything the virtual-time simulator needs to know about a
// machine and a workload — cores, an optional GIL, per-thread scheduling
// overhead, the task profile (CPU and wait parts drawn from distributions),
// the arrival process and phase changes — plus the pool's bounds and the
// run length. Ready-made scenarios live in lab/sim/scenarios.h.
//
// The model (see docs/policies.md for the reasoning and parameter values):
//  - Cores: `MachineModel::cores` CPUs shared equally by the runnable
//    threads (processor sharing). A thread in a CPU part is runnable; a
//    thread waiting for I/O, for work, or for the GIL is not.
//  - Oversubscription: with R runnable threads on C cores, each gets C/R of
//    a core and makes progress at (C/R) / (1 + overhead_per_thread * (R-C)):
//    the loss stands for context switches and cache refills, and is what
//    makes the no-GIL saturation cliff. The thread's CPU clock still runs at
//    C/R, so a thread that waits for a CPU shows off-CPU time (higher beta),
//    exactly as CLOCK_THREAD_CPUTIME_ID does.
//  - GIL: a CPU part's `gil_fraction` must hold one process-wide lock. The
//    holder keeps it across consecutive GIL work (as CPython does when the
//    next task is already queued) and drops it when it starts waiting or
//    runs GIL-free code. A thread that has waited `switch_interval` without
//    a switch forces a hand-off (CPython's drop request); the old holder
//    then queues again. Every hand-off to another thread costs
//    `handoff_cost` of extra GIL-held work (wake-up and cache refill), and
//    the holder slows down by `waiter_slowdown` per waiting thread (waiters
//    waking every switch interval contend for the GIL's internal mutex).
//    Each waiter burns `waiter_wake_cpu` per switch interval it waits.
//    GIL waiting is reported as lock-wait time, as betapool's executor
//    reports a lock that uses core/wait_accounting.h.
//
// Example:
//   betapool::Scenario s = betapool::scenarios::io_bound();
//   s.machine.cores = 8;
//   s.duration = absl::Seconds(60);
//   if (absl::Status st = betapool::validate(s); !st.ok()) ...
//
// Thread safety: plain values.
#ifndef BETAPOOL_LAB_SIM_SCENARIO_H_
#define BETAPOOL_LAB_SIM_SCENARIO_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lab/sim/distribution.h"

namespace betapool {

// One part of a task: a CPU burst or a wait (I/O, sleep, remote call).
struct SegmentSpec {
  enum class Kind { kCpu, kWait };
  Kind kind = Kind::kWait;
  Distribution duration;
  // CPU parts only: share of the burst that must hold the GIL (pure Python
  // code: 1; NumPy/hashing that releases the GIL: 0). Ignored without a GIL.
  double gil_fraction = 0.0;

  static SegmentSpec cpu(Distribution d, double gil_fraction = 1.0) {
    return {Kind::kCpu, d, gil_fraction};
  }
  static SegmentSpec wait(Distribution d) { return {Kind::kWait, d, 0.0}; }
};

// What one task does, in order.
struct TaskProfile {
  std::string name;
  std::vector<SegmentSpec> segments;

  // Mean CPU seconds, GIL-held CPU seconds and wait seconds per task.
  double mean_cpu_seconds() const;
  double mean_gil_seconds() const;
  double mean_wait_seconds() const;
};

// How tasks arrive.
struct ArrivalSpec {
  enum class Kind {
    kClosedLoop,  // `population` tasks always outstanding: each completion
                  // submits the next one at once (a fixed backlog)
    kPoisson,     // open loop, `rate` tasks per second
    kBursty,      // open loop, Poisson at `burst_rate` for `burst_duration`
                  // then at `quiet_rate` for `quiet_duration`, repeating
  };
  Kind kind = Kind::kClosedLoop;
  int population = 200;
  double rate = 100.0;
  double burst_rate = 500.0;
  double quiet_rate = 50.0;
  absl::Duration burst_duration = absl::Seconds(5);
  absl::Duration quiet_duration = absl::Seconds(10);

  static ArrivalSpec closed_loop(int population);
  static ArrivalSpec poisson(double rate);
  static ArrivalSpec bursty(double burst_rate, absl::Duration burst_duration,
                            double quiet_rate, absl::Duration quiet_duration);
  std::string to_string() const;
};

// From `start` on, arriving tasks follow `profile`.
struct Phase {
  absl::Duration start = absl::ZeroDuration();
  TaskProfile profile;
};

struct MachineModel {
  double cores = 4.0;
  // Progress lost per runnable thread beyond the cores (see the file note).
  double overhead_per_thread = 0.004;
  // When false the simulated CPU sensor reads "unavailable".
  bool cpu_sensor_available = true;
};

struct GilModel {
  bool enabled = false;
  absl::Duration switch_interval = absl::Milliseconds(5);  // CPython default
  absl::Duration handoff_cost = absl::Microseconds(100);
  double waiter_slowdown = 0.002;
  absl::Duration waiter_wake_cpu = absl::Microseconds(20);
};

struct Scenario {
  std::string name;
  std::string description;
  MachineModel machine;
  GilModel gil;
  ArrivalSpec arrivals;
  std::vector<Phase> phases;  // sorted by start; the first starts at zero
  int min_workers = 4;
  int max_workers = 64;
  int initial_workers = 0;  // 0: min_workers (the executor's default)
  absl::Duration duration = absl::Minutes(10);

  // The profile of a task that arrives at `t` seconds.
  const TaskProfile& profile_at(double t) const;
  // A one-line-per-field description of every parameter, for docs.
  std::string describe() const;
};

// Returns OK or InvalidArgument naming the first bad field and its value.
absl::Status validate(const Scenario& scenario);

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_SCENARIO_H_

// File: lab/sim/simulator.h
//
// simulate(): runs one ScalingPolicy on one Scenario in virtual time and
// returns what happened (SimResult). The policy is driven by the same
// ControlStep (core/control_step.h) the live Controller runs: every
// `ControllerConfig::monitor_interval` of virtual time the step drains the
// simulated pool's completed tasks (records sampled per worker by
// `MetricsOptions::record_spacing`, as the WorkerPool does) into a
// MetricsCollector, reads the simulated CPU sensor (SimCpuSensor: system,
// process and effective CPUs, as ProcStatSensor fills them), builds the
// snapshot, calls decide() (a throw holds, as live), clamps the target into
// [min_workers, max_workers] and resizes the simulated pool the way
// WorkerPool::resize does (new workers start at once; surplus workers
// retire after their current task, idle ones immediately).
//
// Deterministic: the same scenario, policy state, options and seed give the
// same result, bit for bit. Ten minutes of virtual time on the ready-made
// scenarios take well under a second (see docs/policies.md for timings).
//
// Example:
//   betapool::BetaVetoPolicy policy;
//   betapool::SimOptions options;
//   options.seed = 7;
//   betapool::SimResult r =
//       betapool::simulate(betapool::scenarios::io_bound(), policy, options)
//           .value();
//   EXPECT_GT(r.throughput, 500);
//
// Thread safety: simulate() touches only its arguments; run different
// policies on different threads freely, but one policy object on one thread.
#ifndef BETAPOOL_LAB_SIM_SIMULATOR_H_
#define BETAPOOL_LAB_SIM_SIMULATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/controller_config.h"
#include "core/scaling_decision.h"
#include "core/scaling_policy.h"
#include "lab/sim/scenario.h"

namespace betapool {

struct SimOptions {
  uint64_t seed = 1;
  // Overrides the scenario's run length / initial pool size when set.
  std::optional<absl::Duration> duration;
  std::optional<int> initial_workers;
  // Only monitor_interval is read here (the tick cadence); the same config
  // is what policy factories receive in the A/B comparison.
  ControllerConfig controller;
  // The executor's measurement options: window size and age, history,
  // record spacing.
  MetricsOptions metrics;
  // Keep each tick's decision reason in SimResult::ticks (costs memory).
  bool record_reasons = false;
};

struct SimResult {
  std::string scenario;
  std::string policy;
  uint64_t seed = 0;
  double duration = 0.0;     // seconds of virtual time simulated
  int64_t submitted = 0;
  int64_t completed = 0;
  double throughput = 0.0;   // completed / duration
  // Latency from submit to completion (queueing + run), seconds.
  double p50_latency = 0.0;
  double p95_latency = 0.0;
  double p99_latency = 0.0;
  double mean_workers = 0.0;   // time-weighted pool target
  int final_workers = 0;
  int max_workers_seen = 0;
  int min_workers_seen = 0;
  int direction_changes = 0;   // sign changes between successive resizes
  double oscillation_per_minute = 0.0;
  int64_t policy_faults = 0;   // decide() threw; the tick held
  // Means over all completed tasks: beta (1 - cpu/wall) and lock-wait share.
  double mean_task_beta = 0.0;
  double mean_task_lock_wait_ratio = 0.0;
  double mean_process_cpu_percent = 0.0;
  // Every tick's record, from the same control step the live Controller
  // runs (reason empty unless SimOptions::record_reasons).
  std::vector<DecisionRecord> ticks;
};

// Runs `policy` on `scenario`. Returns InvalidArgument if the scenario or
// the options are invalid (naming the field and value).
absl::StatusOr<SimResult> simulate(const Scenario& scenario,
                                   ScalingPolicy& policy,
                                   const SimOptions& options = {});

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_SIMULATOR_H_

// File: core/scaling_decision.h
//
// ScalingDecision: what a policy answers (a target thread count and why) and
// DecisionRecord: what the controller records after applying it.
#ifndef BETAPOOL_CORE_SCALING_DECISION_H_
#define BETAPOOL_CORE_SCALING_DECISION_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace betapool {

enum class DecisionKind { kHold, kScaleUp, kScaleDown };

// "hold", "scale_up", "scale_down".
std::string_view to_string(DecisionKind kind) noexcept;

struct ScalingDecision {
  int target = 0;  // requested thread count; the controller clamps it
  DecisionKind kind = DecisionKind::kHold;
  std::string reason;  // short, human-readable ("beta 0.91 > 0.70, cpu 20%")

  static ScalingDecision hold(int current, std::string reason) {
    return {current, DecisionKind::kHold, std::move(reason)};
  }
};

// One controller tick: inputs, the policy's answer and what was applied.
// Unavailable readings are NaN so the record stays a flat row.
struct DecisionRecord {
  double timestamp = 0.0;  // seconds since the executor started (or virtual)
  int threads_before = 0;
  int requested = 0;       // the policy's target before clamping
  int threads_after = 0;   // the applied, clamped target
  std::string decision;    // to_string(DecisionKind)
  std::string reason;
  double blocking_ratio = 0.0;   // window mean beta (NaN: no evidence)
  double lock_wait_ratio = 0.0;  // interval lock-wait share (NaN: idle)
  double cpu_percent = 0.0;      // system CPU % (NaN: unavailable)
  double process_cpu_percent = 0.0;
  double throughput = 0.0;       // interval tasks/s
  long queue_depth = 0;
  std::string policy;
  // Appended for the metrics sinks (PrometheusSink): tasks completed since
  // the executor started, and the sensor's container readings (NaN:
  // unavailable; see CpuReading).
  int64_t tasks_completed = 0;
  double pressure_some_percent = 0.0;
  double throttled_percent = 0.0;
  double effective_cpus = 0.0;
  // Appended for the simulator's consumers (A/B comparison, property tests):
  // workers inside a task at the tick, tasks completed in the interval.
  int busy_workers = 0;
  int64_t interval_completed = 0;

  static constexpr std::array<const char*, 19> kFieldNames{
      "timestamp",       "threads_before", "requested",
      "threads_after",   "decision",       "reason",
      "blocking_ratio",  "lock_wait_ratio", "cpu_percent",
      "process_cpu_percent", "throughput", "queue_depth",
      "policy",          "tasks_completed", "pressure_some_percent",
      "throttled_percent", "effective_cpus", "busy_workers",
      "interval_completed"};
};

// The seed's experiment-log row, one per tick.
struct ExperimentLogEntry {
  double timestamp = 0.0;
  int active_threads = 0;
  double blocking_ratio = 0.0;
  double cpu_percent = 0.0;
  double throughput = 0.0;
  double p50_latency = 0.0;
  double p99_latency = 0.0;
  long queue_depth = 0;
  double p95_latency = 0.0;  // appended (not in the seed's row)

  static constexpr std::array<const char*, 9> kFieldNames{
      "timestamp",  "active_threads", "blocking_ratio", "cpu_percent",
      "throughput", "p50_latency",    "p99_latency",    "queue_depth",
      "p95_latency"};
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_SCALING_DECISION_H_

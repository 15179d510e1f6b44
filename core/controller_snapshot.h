// File: core/controller_snapshot.h
//
// ControllerSnapshot: everything a ScalingPolicy may know at one controller
// tick. The live controller fills it from the pool, the MetricsCollector and
// the CpuSensor; the lab's simulator fills it in virtual time; a test fills it
// by hand. A policy reads nothing else, which is what makes it testable.
//
// Example:
//   betapool::ControllerSnapshot s;
//   s.now = absl::Seconds(10);
//   s.current_workers = 4; s.min_workers = 1; s.max_workers = 64;
//   s.total_completed = 100;
//   s.window.task_count = 100; s.window.avg_blocking_ratio = 0.9;
//   s.cpu.system_percent = 20;
//   ScalingDecision d = policy.decide(s);
#ifndef BETAPOOL_CORE_CONTROLLER_SNAPSHOT_H_
#define BETAPOOL_CORE_CONTROLLER_SNAPSHOT_H_

#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "core/cpu_sensor.h"
#include "core/task_metrics.h"

namespace betapool {

// Exact pool-wide totals over the interval since the previous tick, summed
// over every worker (not sampled). Busy time is the wall time workers spent
// inside tasks. The times are the workers' integer nanosecond totals
// converted once (ns_to_seconds, core/task_metrics.h) into the window's
// unit, seconds, so pool beta and the window's beta are computed alike;
// `length` is tick time, a Duration like `ControllerSnapshot::now`.
struct IntervalMetrics {
  absl::Duration length = absl::ZeroDuration();
  int64_t completed = 0;
  int64_t failed = 0;
  double busy_wall_time = 0.0;  // seconds, summed over workers
  double cpu_time = 0.0;        // seconds of worker CPU while busy
  double lock_wait_time = 0.0;  // seconds reported via wait_accounting.h

  // Completed tasks per second over the interval; empty for a zero interval.
  std::optional<double> throughput() const {
    const double s = absl::ToDoubleSeconds(length);
    if (!(s > 0.0)) return std::nullopt;
    return static_cast<double>(completed) / s;
  }
  // Pool blocking ratio 1 - cpu/busy; empty when workers were never busy.
  std::optional<double> beta() const {
    if (!(busy_wall_time > 0.0)) return std::nullopt;
    return blocking_ratio(busy_wall_time, cpu_time);
  }
  // Share of busy time spent waiting for serializing locks; empty when idle.
  std::optional<double> lock_wait_ratio() const {
    if (!(busy_wall_time > 0.0)) return std::nullopt;
    const double r = lock_wait_time / busy_wall_time;
    return r > 1.0 ? 1.0 : r;
  }
};

struct ControllerSnapshot {
  // Time since the executor started (virtual time in the simulator).
  absl::Duration now = absl::ZeroDuration();
  int current_workers = 0;  // target size the pool is at or moving to
  // The executor's bounds. The controller clamps every decision into them;
  // a policy that needs them for its own reasoning uses bounded().
  int min_workers = 1;
  int max_workers = 1;
  int busy_workers = 0;     // workers inside a task at the tick
  int64_t queue_depth = 0;  // tasks submitted but not yet started
  int64_t total_completed = 0;  // since the executor started
  IntervalMetrics interval;     // exact totals since the previous tick
  AggregatedMetrics window;     // the seed's rolling window of recent tasks
  CpuReading cpu;

  // `target` moved into [min_workers, max_workers] (a max below the min
  // counts as the min): what the controller will apply for `target`. Takes
  // a 64-bit value so that `current_workers + step` cannot overflow.
  int bounded(int64_t target) const {
    const int64_t hi = max_workers > min_workers ? max_workers : min_workers;
    if (target < min_workers) return min_workers;
    return static_cast<int>(target > hi ? hi : target);
  }
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROLLER_SNAPSHOT_H_

// File: core/task_metrics.h
//
// The per-task record (`TaskMetrics`, the seed's fields plus lock-wait time)
// and the window aggregate (`AggregatedMetrics`) computed from recent records.
// Both are plain aggregates so Boost.PFR can write them as CSV/JSON rows; the
// `kFieldNames` list beside each is checked against PFR's field count where
// rows are written (collectors/record_fields.h).
//
// Times are seconds (double), as in the seed's records (CSV/JSON rows and
// the Python API carry these fields as they are). Timestamps are on the
// executor's TaskClock (monotonic, arbitrary origin), not Unix time.
//
// A task's time has two forms on its way to a policy: integer nanoseconds
// while it is measured and summed (core/worker_meter.h: clock reads are
// integers, and sums of many short spans must neither round nor cost a
// floating-point add on the per-task path), then these seconds, converted
// once by ns_to_seconds() where a record is made or an interval is
// published in the snapshot. Tick times (ControllerSnapshot::now,
// IntervalMetrics::length) are absl::Duration, the unit of the config's
// intervals they are compared with (core/controller_snapshot.h).
#ifndef BETAPOOL_CORE_TASK_METRICS_H_
#define BETAPOOL_CORE_TASK_METRICS_H_

#include <array>
#include <cstdint>
#include <string>

namespace betapool {

// Nanoseconds of the meter as the seconds of records and snapshots: the
// one place that conversion is written.
inline constexpr double ns_to_seconds(int64_t ns) noexcept {
  return static_cast<double>(ns) * 1e-9;
}

// Blocking ratio of one measurement: 1 - cpu/wall clamped to [0, 1]; 0 when
// wall time is not positive (the seed's convention).
inline double blocking_ratio(double wall_time, double cpu_time) noexcept {
  if (!(wall_time > 0.0)) return 0.0;
  const double beta = 1.0 - cpu_time / wall_time;
  return beta < 0.0 ? 0.0 : (beta > 1.0 ? 1.0 : beta);
}

struct TaskMetrics {
  uint64_t task_id = 0;
  double wall_time = 0.0;       // run time of the callable, seconds
  double cpu_time = 0.0;        // CPU time of the worker thread during it
  double lock_wait_time = 0.0;  // time reported through wait_accounting.h
  double blocking_ratio = 0.0;  // 1 - cpu/wall, clamped to [0, 1]
  double timestamp = 0.0;       // completion time on the executor's clock
  bool success = true;
  std::string error_message;    // empty on success

  static constexpr std::array<const char*, 8> kFieldNames{
      "task_id",   "wall_time", "cpu_time", "lock_wait_time",
      "blocking_ratio", "timestamp", "success", "error_message"};
};

struct LatencyPercentiles {
  double p50 = 0.0;
  double p95 = 0.0;
  double p99 = 0.0;
};

// Statistics over the recent window of task records. `task_count == 0`
// means "no evidence": the other fields are then 0 and must not be read as
// a measurement (the seed's 0.5 neutral beta is deliberately not used).
struct AggregatedMetrics {
  double window_start = 0.0;  // completion time of the oldest task in window
  double window_end = 0.0;    // time the aggregate was taken
  int64_t task_count = 0;
  double avg_blocking_ratio = 0.0;
  double std_blocking_ratio = 0.0;  // sample standard deviation
  double avg_wall_time = 0.0;
  double avg_cpu_time = 0.0;
  double avg_lock_wait_ratio = 0.0;  // mean of lock_wait_time / wall_time
  double throughput = 0.0;           // completed tasks per second
  double p50_latency = 0.0;
  double p95_latency = 0.0;
  double p99_latency = 0.0;
  int64_t error_count = 0;

  static constexpr std::array<const char*, 13> kFieldNames{
      "window_start",        "window_end",         "task_count",
      "avg_blocking_ratio",  "std_blocking_ratio", "avg_wall_time",
      "avg_cpu_time",        "avg_lock_wait_ratio", "throughput",
      "p50_latency",         "p95_latency",        "p99_latency",
      "error_count"};
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_TASK_METRICS_H_

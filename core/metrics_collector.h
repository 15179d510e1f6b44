// File: core/metrics_collector.h
//
// MetricsCollector: the seed's rolling window over recent task records, with
// two corrections learned from the Python reference:
//  - the window holds only tasks that completed within `window_max_age` of
//    the query time, so an idle pool has an empty window ("no evidence"),
//    not the beta of tasks that finished minutes ago;
//  - throughput comes from exact completion counts (`count_completions`),
//    because the executor records only a sample of very short tasks.
//
// Time is passed in (seconds on the executor's clock) rather than read, so
// the collector is deterministic under a manual clock or a simulator.
//
// Example:
//   betapool::MetricsCollector c;            // window 100, history 10000
//   c.record(m);                             // one TaskMetrics
//   betapool::AggregatedMetrics a = c.aggregated(now_seconds);
//   if (a.task_count > 0) use(a.avg_blocking_ratio);
//
// Thread safety: all methods are safe from any thread (one internal mutex).
// The executor calls it from the controller tick, not per task.
#ifndef BETAPOOL_CORE_METRICS_COLLECTOR_H_
#define BETAPOOL_CORE_METRICS_COLLECTOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "core/sync.h"
#include "core/task_metrics.h"

namespace betapool {

class MetricsCollector {
 public:
  explicit MetricsCollector(std::size_t window_size = 100,
                            std::size_t max_history = 10000,
                            absl::Duration window_max_age = absl::Seconds(2));

  // Records one task (also counts it as a completion at m.timestamp).
  void record(const TaskMetrics& m);
  // Counts `n` completions at `timestamp` that have no record.
  void count_completions(int64_t n, double timestamp);

  // Tasks counted since construction or reset(), recorded or not.
  int64_t total_tasks() const;

  // Mean / sample std of beta over the window at `now`; 0 if the window has
  // fewer than 1 / 2 tasks (check aggregated().task_count for evidence).
  double recent_blocking_ratio(double now) const;
  double blocking_ratio_std(double now) const;
  // Completions per second over the last `window_max_age` before `now`
  // (shorter if counting began later); 0 over spans under 0.1 s.
  double throughput(double now) const;
  // Latency (task wall time) percentiles over the window, linear
  // interpolation as in the seed.
  LatencyPercentiles latency_percentiles(double now) const;
  AggregatedMetrics aggregated(double now) const;

  void reset();
  // Every kept record (up to max_history), oldest first.
  std::vector<TaskMetrics> export_to_list() const;

  std::size_t window_size() const { return window_size_; }
  std::size_t max_history() const { return max_history_; }

 private:
  struct CountPoint {
    double timestamp;
    int64_t total;
  };
  std::vector<const TaskMetrics*> window_locked(double now) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void add_count_point_locked(double timestamp) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  double throughput_locked(double now) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const std::size_t window_size_;
  const std::size_t max_history_;
  const double window_max_age_;

  mutable Mutex mu_;
  std::deque<TaskMetrics> history_ ABSL_GUARDED_BY(mu_);
  std::deque<CountPoint> counts_ ABSL_GUARDED_BY(mu_);
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

// Linear-interpolated percentile (p in [0, 100]) of sorted data; 0 if empty.
double percentile_of_sorted(const std::vector<double>& sorted, double p);

}  // namespace betapool

#endif  // BETAPOOL_CORE_METRICS_COLLECTOR_H_

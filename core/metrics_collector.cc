#include "core/metrics_collector.h"

#include <algorithm>
#include <cmath>

namespace betapool {

double percentile_of_sorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0.0;
  const double k = static_cast<double>(sorted.size() - 1) * p / 100.0;
  const std::size_t f = static_cast<std::size_t>(k);
  const std::size_t c = f + 1 < sorted.size() ? f + 1 : f;
  return sorted[f] + (sorted[c] - sorted[f]) * (k - static_cast<double>(f));
}

MetricsCollector::MetricsCollector(std::size_t window_size,
                                   std::size_t max_history,
                                   absl::Duration window_max_age)
    : window_size_(std::max<std::size_t>(window_size, 1)),
      max_history_(std::max(max_history, window_size_)),
      window_max_age_(absl::ToDoubleSeconds(window_max_age)) {}

void MetricsCollector::record(const TaskMetrics& m) {
  MutexLock lock(&mu_);
  history_.push_back(m);
  if (history_.size() > max_history_) history_.pop_front();
  ++total_;
  add_count_point_locked(m.timestamp);
}

void MetricsCollector::count_completions(int64_t n, double timestamp) {
  if (n <= 0) return;
  MutexLock lock(&mu_);
  total_ += n;
  add_count_point_locked(timestamp);
}

void MetricsCollector::add_count_point_locked(double timestamp) {
  // One point per 10 ms is plenty for a throughput over seconds.
  if (!counts_.empty() && timestamp - counts_.back().timestamp < 0.01) {
    counts_.back().total = total_;
  } else {
    counts_.push_back({timestamp, total_});
  }
  // Keep one point at or before the horizon so the rate spans it fully.
  while (counts_.size() > 2 &&
         counts_[1].timestamp <= timestamp - window_max_age_) {
    counts_.pop_front();
  }
}

int64_t MetricsCollector::total_tasks() const {
  MutexLock lock(&mu_);
  return total_;
}

std::vector<const TaskMetrics*> MetricsCollector::window_locked(
    double now) const {
  std::vector<const TaskMetrics*> out;
  const double oldest = now - window_max_age_;
  for (auto it = history_.rbegin();
       it != history_.rend() && out.size() < window_size_; ++it) {
    if (it->timestamp < oldest) break;
    out.push_back(&*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

double MetricsCollector::throughput_locked(double now) const {
  if (counts_.empty()) return 0.0;
  // Rate from the last count point at or before the horizon (or the first
  // point, if counting began after it) to now.
  const double horizon = now - window_max_age_;
  const CountPoint* base = &counts_.front();
  for (const auto& p : counts_) {
    if (p.timestamp <= horizon) base = &p;
  }
  const double span = now - base->timestamp;
  if (span < 0.1) return 0.0;
  return static_cast<double>(total_ - base->total) / span;
}

double MetricsCollector::recent_blocking_ratio(double now) const {
  return aggregated(now).avg_blocking_ratio;
}

double MetricsCollector::blocking_ratio_std(double now) const {
  return aggregated(now).std_blocking_ratio;
}

double MetricsCollector::throughput(double now) const {
  MutexLock lock(&mu_);
  return throughput_locked(now);
}

LatencyPercentiles MetricsCollector::latency_percentiles(double now) const {
  const AggregatedMetrics a = aggregated(now);
  return {a.p50_latency, a.p95_latency, a.p99_latency};
}

AggregatedMetrics MetricsCollector::aggregated(double now) const {
  MutexLock lock(&mu_);
  AggregatedMetrics a;
  a.window_end = now;
  a.throughput = throughput_locked(now);
  const std::vector<const TaskMetrics*> w = window_locked(now);
  a.task_count = static_cast<int64_t>(w.size());
  if (w.empty()) {
    a.window_start = now;
    return a;
  }
  a.window_start = w.front()->timestamp;
  std::vector<double> latencies;
  latencies.reserve(w.size());
  double beta_sum = 0, wall_sum = 0, cpu_sum = 0, lock_sum = 0;
  for (const TaskMetrics* m : w) {
    beta_sum += m->blocking_ratio;
    wall_sum += m->wall_time;
    cpu_sum += m->cpu_time;
    lock_sum += m->wall_time > 0
                    ? std::min(1.0, m->lock_wait_time / m->wall_time)
                    : 0.0;
    if (!m->success) ++a.error_count;
    latencies.push_back(m->wall_time);
  }
  const double n = static_cast<double>(w.size());
  a.avg_blocking_ratio = beta_sum / n;
  a.avg_wall_time = wall_sum / n;
  a.avg_cpu_time = cpu_sum / n;
  a.avg_lock_wait_ratio = lock_sum / n;
  if (w.size() > 1) {
    double sq = 0;
    for (const TaskMetrics* m : w) {
      const double d = m->blocking_ratio - a.avg_blocking_ratio;
      sq += d * d;
    }
    a.std_blocking_ratio = std::sqrt(sq / (n - 1));
  }
  std::sort(latencies.begin(), latencies.end());
  a.p50_latency = percentile_of_sorted(latencies, 50);
  a.p95_latency = percentile_of_sorted(latencies, 95);
  a.p99_latency = percentile_of_sorted(latencies, 99);
  return a;
}

void MetricsCollector::reset() {
  MutexLock lock(&mu_);
  history_.clear();
  counts_.clear();
  total_ = 0;
}

std::vector<TaskMetrics> MetricsCollector::export_to_list() const {
  MutexLock lock(&mu_);
  return {history_.begin(), history_.end()};
}

}  // namespace betapool

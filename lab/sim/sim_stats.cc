// File: lab/sim/sim_stats.cc
//
// Result statistics of one simulation run.
#include "lab/sim/sim_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace betapool::internal {

SimStats::SimStats(int initial_workers)
    : max_workers_seen_(initial_workers), min_workers_seen_(initial_workers) {
  latencies_.reserve(1 << 16);
}

void SimStats::on_task(double latency, double beta, double lock_wait_ratio) {
  latencies_.push_back(latency);
  beta_sum_ += beta;
  lock_ratio_sum_ += lock_wait_ratio;
}

void SimStats::on_tick(const DecisionRecord& d) {
  if (d.threads_after != d.threads_before) {
    const int direction = d.threads_after > d.threads_before ? 1 : -1;
    if (last_direction_ != 0 && direction != last_direction_) {
      ++direction_changes_;
    }
    last_direction_ = direction;
  }
  max_workers_seen_ = std::max(max_workers_seen_, d.threads_after);
  min_workers_seen_ = std::min(min_workers_seen_, d.threads_after);
  if (!std::isnan(d.process_cpu_percent)) {
    cpu_percent_sum_ += d.process_cpu_percent;
    ++cpu_percent_count_;
  }
}

void SimStats::finish(double duration, double worker_seconds,
                      int final_workers, SimResult& r) {
  r.completed = static_cast<int64_t>(latencies_.size());
  r.throughput = static_cast<double>(r.completed) / duration;
  if (!latencies_.empty()) {
    auto pct = [this](double p) {
      const std::size_t k = std::min(
          latencies_.size() - 1,
          static_cast<std::size_t>(p / 100.0 *
                                   static_cast<double>(latencies_.size())));
      std::nth_element(latencies_.begin(), latencies_.begin() + k,
                       latencies_.end());
      return latencies_[k];
    };
    r.p50_latency = pct(50);
    r.p95_latency = pct(95);
    r.p99_latency = pct(99);
    const double n = static_cast<double>(r.completed);
    r.mean_task_beta = beta_sum_ / n;
    r.mean_task_lock_wait_ratio = lock_ratio_sum_ / n;
  }
  r.mean_workers = worker_seconds / duration;
  r.final_workers = final_workers;
  r.max_workers_seen = max_workers_seen_;
  r.min_workers_seen = min_workers_seen_;
  r.direction_changes = direction_changes_;
  r.oscillation_per_minute =
      static_cast<double>(direction_changes_) / (duration / 60.0);
  r.mean_process_cpu_percent =
      cpu_percent_count_ > 0
          ? cpu_percent_sum_ / static_cast<double>(cpu_percent_count_)
          : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace betapool::internal

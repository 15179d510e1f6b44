// File: core/worker_pool_stats.cc
//
// What the worker pool reports: drain() (exact totals and recorded tasks
// since the previous drain, for the controller's tick) and the read-only
// counters (sizes, busy workers, queue depth, submitted and completed
// tasks, thread-start errors, the pool's clock).
//
// Touches, reading only except for the drain bookkeeping: each Worker's
// published meter totals and its `drained_*` marks, its records and
// `dropped` under records_mu; workers_ / reaped_ / reaped_completed_total_
// / last_start_error_ / thread_start_failures_ under structure_mu_;
// sizes_; queue_ (pushed, popped, closed).
#include "core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

#include "core/worker_pool_internal.h"

namespace betapool {

using internal::live_of;
using internal::target_of;

void WorkerPool::fold_drained(Worker* w, PoolDrain& out) {
  auto delta = [](const std::atomic<int64_t>& now, int64_t& seen) {
    const int64_t v = now.load(std::memory_order_acquire);
    const int64_t d = v - seen;
    seen = v;
    return d;
  };
  const internal::WorkerMeter::Published& p = w->meter.published();
  out.completed += delta(p.completed, w->drained_completed);
  out.failed += delta(p.failed, w->drained_failed);
  out.lock_wait_ns += delta(p.lock_wait_ns, w->drained_lock_wait_ns);
  out.cpu_ns += delta(p.cpu_ns, w->drained_cpu_ns);
  out.busy_wall_ns += delta(p.busy_wall_ns, w->drained_busy_wall_ns);
  MutexLock lock(&w->records_mu);
  for (auto& r : w->records) out.records.push_back(std::move(r));
  w->records.clear();
  out.dropped_records += w->dropped;
  w->dropped = 0;
}

PoolDrain WorkerPool::drain() {
  MutexLock structure(&structure_mu_);
  PoolDrain out = std::move(reaped_);
  reaped_ = PoolDrain{};
  for (auto& w : workers_) fold_drained(w.get(), out);
  std::stable_sort(out.records.begin(), out.records.end(),
                   [](const TaskMetrics& a, const TaskMetrics& b) {
                     return a.timestamp < b.timestamp;
                   });
  return out;
}

int WorkerPool::target() const {
  return target_of(sizes_.load(std::memory_order_acquire));
}

int WorkerPool::live_threads() const {
  return live_of(sizes_.load(std::memory_order_acquire));
}

int WorkerPool::busy_workers() const {
  MutexLock structure(&structure_mu_);
  int busy = 0;
  for (const auto& w : workers_) {
    busy += w->state.load(std::memory_order_relaxed) == internal::kWorkerBusy
                ? 1
                : 0;
  }
  return std::min(busy, live_threads());
}

int64_t WorkerPool::queue_depth() const {
  const uint64_t popped = queue_.popped();
  const uint64_t pushed = queue_.pushed();
  return pushed > popped ? static_cast<int64_t>(pushed - popped) : 0;
}

int64_t WorkerPool::submitted() const {
  return static_cast<int64_t>(queue_.pushed());
}

int64_t WorkerPool::completed() const {
  MutexLock structure(&structure_mu_);
  int64_t total = reaped_completed_total_;
  for (const auto& w : workers_) {
    total += w->meter.published().completed.load(std::memory_order_acquire);
  }
  return total;
}

bool WorkerPool::accepting() const { return !queue_.closed(); }

std::string WorkerPool::last_start_error() const {
  MutexLock structure(&structure_mu_);
  return last_start_error_;
}

int64_t WorkerPool::thread_start_failures() const {
  MutexLock structure(&structure_mu_);
  return thread_start_failures_;
}

double WorkerPool::seconds_since_start() const {
  return static_cast<double>(clock_.wall_now_ns() - origin_ns_) * 1e-9;
}

}  // namespace betapool

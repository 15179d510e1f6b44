// File: core/worker_pool_internal.h
//
// Private to the worker pool's own .cc files (not installed, included by
// nothing else): what more than one of them needs to see.
//
//   - WorkerPool::Worker, the per-worker record: its thread, its meter, its
//     idle state word, its parking word and its record buffer.
//   - The Worker::state values, read by busy_workers() and written by the
//     worker itself.
//   - The encoding of WorkerPool::sizes_, the target and live thread counts
//     packed in one word so that a retiring worker's check-and-decrement is
//     one CAS.
//
// Which file owns which part of WorkerPool:
//   core/worker_pool.cc            construction, the worker's task loop
//   core/worker_pool_admission.cc  intake, bounded queue, rejection policies
//   core/worker_pool_lifecycle.cc  start, retire, reap, join, shutdown
//   core/worker_pool_idle.cc       idle spinning, parking, waking
//   core/worker_pool_stats.cc      drain() and the read-only counters
//   core/worker_pool_self_wait.cc  WorkerPool::SelfWait (deadlock check)
#ifndef BETAPOOL_CORE_WORKER_POOL_INTERNAL_H_
#define BETAPOOL_CORE_WORKER_POOL_INTERNAL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "core/sync.h"
#include "core/task_clock.h"
#include "core/task_metrics.h"
#include "core/worker_meter.h"
#include "core/worker_pool.h"

namespace betapool {
namespace internal {

// Worker::state values.
inline constexpr int kWorkerBusy = 0;
inline constexpr int kWorkerIdle = 1;
inline constexpr int kWorkerExited = 2;

// WorkerPool::sizes_: target in the high 32 bits, live in the low 32.
inline int target_of(uint64_t sizes) { return static_cast<int>(sizes >> 32); }
inline int live_of(uint64_t sizes) {
  return static_cast<int>(sizes & 0xffffffffu);
}
inline uint64_t pack_sizes(int target, int live) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(target)) << 32) |
         static_cast<uint32_t>(live);
}

}  // namespace internal

struct WorkerPool::Worker {
  Worker(TaskClock& clock, int64_t record_spacing_ns, int64_t origin_ns)
      : meter(clock, record_spacing_ns, origin_ns) {}

  std::thread thread;
  internal::WorkerMeter meter;  // worker-private state, published totals
  TaskOutcome outcome;          // reused by every task of this worker

  // Read by busy_workers(). kWorkerBusy / kWorkerIdle / kWorkerExited.
  alignas(64) std::atomic<int> state{internal::kWorkerBusy};

  // Parking: written by wakers under idle_mu_ (parked) or after it (wake).
  alignas(64) std::atomic<uint32_t> wake{0};
  bool parked = false;  // guarded by the pool's idle_mu_

  Mutex records_mu;
  std::deque<TaskMetrics> records ABSL_GUARDED_BY(records_mu);
  int64_t dropped ABSL_GUARDED_BY(records_mu) = 0;

  // What the drainer has already reported (drainer-only).
  int64_t drained_completed = 0;
  int64_t drained_failed = 0;
  int64_t drained_busy_wall_ns = 0;
  int64_t drained_cpu_ns = 0;
  int64_t drained_lock_wait_ns = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_WORKER_POOL_INTERNAL_H_

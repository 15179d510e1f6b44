// File: core/worker_pool.h
//
// WorkerPool: the executor's task queue and worker threads — the part that
// runs tasks and measures them, and never decides anything. It grows and
// really shrinks: `resize` starts new OS threads at once, and surplus workers
// end their threads at their next task boundary (idle ones immediately).
//
// Queue: internal::TaskQueue, a segmented FIFO where producers claim a slot
// with one atomic add and never lock, and workers take tasks under a
// futex lock held for a few nanoseconds (core/task_queue.h).
//
// Idle workers: a worker that finds the queue empty spins for up to
// `WorkerPoolOptions::idle_spin` (at most `max_spinning` workers at once;
// less, down to not at all, when spinning does not find work in time or
// the machine is oversubscribed: core/adaptive_spin.h), then parks on its
// own futex word. A producer makes a wake-up system call
// only when a worker is parked and none is spinning; a spinner that finds
// work wakes a parked worker if more work is queued. Parked workers are
// woken last-in first-out, so the same few (cache-warm) threads serve a
// light load while the rest of a large pool stays asleep.
//
// Measurement, per worker, with no lock and no shared write on the task
// path: internal::WorkerMeter (core/worker_meter.h) — exact counts; busy
// wall time from a steady-clock read every few tasks; CPU time at ~1 ms
// checkpoints over the same spans; exact records for tasks sampled every
// `record_spacing`. The controller collects everything with `drain()` at
// its tick.
//
// Lock order: structure_mu_ before retire_mu_ and idle_mu_; the queue's
// locks and a worker's records_mu are leaves.
//
// Example:
//   betapool::ThreadCpuClock clock;
//   betapool::WorkerPool pool(clock, {});
//   pool.resize(4);
//   pool.enqueue([](betapool::TaskOutcome&) { work(); });
//   pool.shutdown(/*wait=*/true);
//
// Thread safety: every public method is safe from any thread, including
// from inside a task, except that shutdown(true) from a task cannot join the
// calling worker (it waits for the others; see docs/semantics.md).
#ifndef BETAPOOL_CORE_WORKER_POOL_H_
#define BETAPOOL_CORE_WORKER_POOL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "core/adaptive_spin.h"
#include "core/pool_task.h"
#include "core/sync.h"
#include "core/task_clock.h"
#include "core/task_metrics.h"
#include "core/task_queue.h"
#include "core/worker_meter.h"

namespace betapool {

// Exact totals and recorded tasks since the previous drain.
struct PoolDrain {
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t busy_wall_ns = 0;
  int64_t cpu_ns = 0;
  int64_t lock_wait_ns = 0;
  std::vector<TaskMetrics> records;  // sorted by completion timestamp
  int64_t dropped_records = 0;       // per-worker buffers overflowed
};

struct WorkerPoolOptions {
  absl::Duration record_spacing = absl::Milliseconds(1);
  // Records a worker keeps between drains; older ones are dropped (counted).
  std::size_t record_buffer = 4096;
  // How long an idle worker polls the queue before it parks, and how many
  // may poll at once (0: half the CPUs, at least 1). Spinning makes a
  // hand-off cost ~0.1 us instead of a ~5-50 us wake-up.
  absl::Duration idle_spin = absl::Microseconds(50);
  int max_spinning = 0;
};

class WorkerPool {
 public:
  // Starts no thread; call resize(). `clock` must outlive the pool.
  WorkerPool(TaskClock& clock, WorkerPoolOptions options);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Equivalent to shutdown(true).
  ~WorkerPool();

  // Queues `task` (FIFO). Throws RejectedError after shutdown began.
  void enqueue(PoolTask task);

  // Sets the target thread count (>= 1; smaller values are raised to 1).
  // New threads are started before this returns; surplus workers exit after
  // their current task. Returns the target in force afterwards, which is
  // lower than asked if the OS refused to start threads (the error is kept
  // in last_start_error()). No-op returning 0 after shutdown began.
  int resize(int target);

  // Joins threads of workers that have retired. Called by the controller
  // each tick and by resize(); cheap when nothing retired.
  void reap();

  // Collects totals and records since the previous drain.
  PoolDrain drain();

  // Stops intake. With `wait`, runs every queued task and joins all worker
  // threads (except the caller, if it is a worker). Without, returns at once;
  // queued tasks still run and the destructor joins. Idempotent.
  void shutdown(bool wait);

  // Stops intake, discards every queued task (their futures complete with
  // CancelledError), joins the workers and returns how many were discarded.
  std::size_t shutdown_now();

  int target() const;        // thread count the pool is moving to
  int live_threads() const;  // workers whose OS thread has not retired
  int busy_workers() const;  // live workers not waiting for work
  int64_t queue_depth() const;
  int64_t submitted() const;      // tasks accepted since start
  int64_t completed() const;      // tasks finished since start
  bool accepting() const;
  std::string last_start_error() const;
  // Wall time on the pool's clock, in seconds since the pool was created.
  double seconds_since_start() const;
  // True when the calling thread is one of this pool's workers.
  bool is_worker_thread() const;

 private:
  struct Worker;
  using Pop = internal::TaskQueue::Pop;

  void worker_main(Worker* w);
  void run_one(Worker* w, PoolTask& task, uint64_t position);
  // Idle path: spins, then parks. Returns kTask with a task to run, kClosed
  // when the worker should leave, kEmpty to re-check (woken, surplus).
  Pop wait_for_work(Worker* w, PoolTask* task, uint64_t* position);
  bool spin_for_work();
  Pop park(Worker* w, PoolTask* task, uint64_t* position);
  void wait_for_wake(Worker* w);
  void wake_parked(int count);  // count < 0: all
  void maybe_wake_another();
  bool surplus() const;
  bool retire_if_surplus();
  void join_all_except_self();
  void fold_drained(Worker* w, PoolDrain& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(structure_mu_);

  TaskClock& clock_;
  const WorkerPoolOptions options_;
  const int64_t origin_ns_;
  const int64_t record_spacing_ns_;
  const int max_spinning_;

  internal::TaskQueue queue_;

  // Target (high 32 bits) and live (low 32 bits) thread counts in one word,
  // so that a retiring worker's check-and-decrement is one CAS.
  alignas(64) std::atomic<uint64_t> sizes_{0};

  // Idle protocol (see the file comment).
  internal::AdaptiveSpin idle_spin_;
  alignas(64) std::atomic<int> spinning_{0};
  std::atomic<int> sleeping_{0};
  Mutex idle_mu_ ABSL_ACQUIRED_AFTER(structure_mu_);
  std::vector<Worker*> parked_ ABSL_GUARDED_BY(idle_mu_);

  mutable Mutex structure_mu_;
  std::vector<std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(structure_mu_);
  // Totals folded in from reaped workers, reported at the next drain.
  PoolDrain reaped_ ABSL_GUARDED_BY(structure_mu_);
  std::string last_start_error_ ABSL_GUARDED_BY(structure_mu_);
  int64_t reaped_completed_total_ ABSL_GUARDED_BY(structure_mu_) = 0;

  Mutex retire_mu_ ABSL_ACQUIRED_AFTER(structure_mu_);
  CondVar retired_cv_;
  std::vector<Worker*> retired_ ABSL_GUARDED_BY(retire_mu_);
  // Threads started and not yet in retired_ (shutdown waits for these, not
  // for `live`, which drops before a retiring worker reaches retired_).
  int unretired_ ABSL_GUARDED_BY(retire_mu_) = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_WORKER_POOL_H_

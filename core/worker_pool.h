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
// Bounded queue (WorkerPoolOptions::queue_capacity > 0): depth is
// pushed() - popped() of the queue; producers of a bounded pool serialize on
// bound_mu_ to check the depth and push, so the bound is exact, and a full
// queue applies the RejectionPolicy (block, reject, run in the caller,
// discard the oldest: a pop by the producer). An unbounded pool (the
// default) pays one predictable branch on a const member per enqueue and
// per task taken.
//
// Lock order: structure_mu_ before retire_mu_ and idle_mu_; bound_mu_
// before the queue's locks; the queue's locks and a worker's records_mu
// are leaves.
//
// The definitions are split by job (each file says which members it
// touches; core/worker_pool_internal.h holds what they share):
//   core/worker_pool.cc            construction and the worker's task loop
//   core/worker_pool_admission.cc  intake, bounded queue, RejectionPolicy
//   core/worker_pool_lifecycle.cc  resize, retire, reap, join, shutdown
//   core/worker_pool_idle.cc       idle spinning, parking and waking
//   core/worker_pool_stats.cc      drain() and the read-only counters
//   core/worker_pool_self_wait.cc  SelfWait
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
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "core/adaptive_spin.h"
#include "core/controlled_pool.h"
#include "core/pool_task.h"
#include "core/queue_lock.h"
#include "core/sync.h"
#include "core/task_clock.h"
#include "core/task_metrics.h"
#include "core/task_queue.h"
#include "core/worker_meter.h"

namespace betapool {

// What a bounded pool does with a task that finds the queue full.
enum class RejectionPolicy {
  kBlock,          // wait for room (up to block_timeout), then RejectedError
  kReject,         // throw RejectedError at once
  kCallerRuns,     // run the task in the submitting thread
  kDiscardOldest,  // drop the oldest queued task (future: CancelledError)
};

// "block", "reject", "caller_runs", "discard_oldest".
const char* to_string(RejectionPolicy p) noexcept;

namespace internal {
class SharedStateBase;  // core/future.h
// Test seam: the next `succeed` worker-thread starts (process-wide) work,
// then the following `fail` ones throw std::system_error(EAGAIN) as
// std::thread does when the OS refuses a thread. (0, 0) disables it.
void fail_thread_starts_for_testing(int succeed, int fail);
// While a bounded pool destroys a task it discarded to make room, the
// reason (else nullptr): Executor's task wrapper puts it in the future's
// CancelledError.
const char* current_discard_reason() noexcept;
}  // namespace internal

struct WorkerPoolOptions {
  absl::Duration record_spacing = absl::Milliseconds(1);
  // Records a worker keeps between drains; older ones are dropped (counted).
  std::size_t record_buffer = 4096;
  // How long an idle worker polls the queue before it parks, and how many
  // may poll at once (0: half the CPUs, at least 1). Spinning makes a
  // hand-off cost ~0.1 us instead of a ~5-50 us wake-up.
  absl::Duration idle_spin = absl::Microseconds(50);
  int max_spinning = 0;
  // 0: unbounded. Otherwise at most this many tasks wait in the queue (not
  // counting running ones) and a full queue applies `rejection`.
  int64_t queue_capacity = 0;
  RejectionPolicy rejection = RejectionPolicy::kBlock;
  // kBlock only: how long a producer waits for room before RejectedError.
  absl::Duration block_timeout = absl::InfiniteDuration();
};

class WorkerPool {
 public:
  // Starts no thread; call resize(). `clock` must outlive the pool.
  WorkerPool(TaskClock& clock, WorkerPoolOptions options);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Equivalent to shutdown(true).
  ~WorkerPool();

  // Queues `task` (FIFO). Throws RejectedError after shutdown began, or
  // when a bounded queue is full under kReject (or kBlock past its
  // timeout). Under kCallerRuns a full queue runs the task in the calling
  // thread before returning; under kDiscardOldest the oldest queued task
  // is destroyed unrun to make room. kBlock called from a worker of this
  // pool runs the task in the caller instead of blocking (a worker that
  // waited for room could be the one that has to make it).
  void enqueue(PoolTask task) { enqueue_callable(std::move(task)); }

  // As enqueue, building the PoolTask from `fn` in place in the queue (one
  // move less per task). `fn` is left untouched if rejected.
  template <class F>
  void enqueue_callable(F&& fn) {
    if (capacity_ == 0) [[likely]] {
      if (!queue_.emplace(std::forward<F>(fn))) throw_rejected();
      wake_after_push();
      return;
    }
    enqueue_bounded(std::forward<F>(fn));
  }

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

  // Stops intake (producers blocked on a full queue get RejectedError).
  // With `wait`, runs every queued task and joins all worker threads except
  // those that called it from a task: such a worker returns once every
  // other worker has left, then finishes its own task and whatever is still
  // queued, and is joined by a later shutdown(true) from outside the pool
  // (the destructor). Without `wait`, returns at once; queued tasks still
  // run and the destructor joins. Idempotent.
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
  int64_t thread_start_failures() const;
  // Bounded queue counters (all 0 when unbounded): tasks refused because the
  // queue was full (kReject, kBlock timeouts), tasks discarded to make room
  // (kDiscardOldest), tasks run in the submitting thread (kCallerRuns, or
  // kBlock from a worker).
  int64_t rejected_full() const;
  int64_t discarded_oldest() const;
  int64_t ran_in_caller() const;
  int64_t queue_capacity() const { return capacity_; }
  // Producers waiting for room right now (kBlock).
  int blocked_producers() const {
    return blocked_producers_.load(std::memory_order_relaxed);
  }
  RejectionPolicy rejection() const { return options_.rejection; }
  // Wall time on the pool's clock, in seconds since the pool was created.
  double seconds_since_start() const;
  // True when the calling thread is one of this pool's workers.
  bool is_worker_thread() const;

  // Held by a thread about to sleep until `state` (a task queued in `pool`)
  // is ready (core/future.cc). If the thread is a worker of `pool`, it is
  // counted as waiting; if then every live worker of the pool waits on a
  // task that is not ready, nobody is left to run one of them: the
  // constructor throws DeadlockError instead of letting the caller sleep
  // forever. A no-op for any other thread or for pool == nullptr.
  class SelfWait {
   public:
    SelfWait(WorkerPool* pool, const internal::SharedStateBase* state);
    ~SelfWait();
    SelfWait(const SelfWait&) = delete;
    SelfWait& operator=(const SelfWait&) = delete;

   private:
    WorkerPool* pool_ = nullptr;  // set only when counted
    const internal::SharedStateBase* state_;
  };

 private:
  struct Worker;  // core/worker_pool_internal.h
  using Pop = internal::TaskQueue::Pop;

  // Admission (core/worker_pool_admission.cc; enqueue_bounded is here
  // because it is a template).
  [[noreturn]] static void throw_rejected();
  [[noreturn]] void throw_full() const;

  // Outcome of make_room_locked for a bounded enqueue.
  enum class Admit { kAccept, kReject, kRunInCaller, kClosed };
  Admit make_room_locked(PoolTask* discarded)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(bound_mu_);
  bool full_locked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(bound_mu_);
  void destroy_discarded(PoolTask& discarded);
  void run_in_caller(PoolTask& task);
  void close_intake();
  void note_space();  // a task left a bounded queue: wake a blocked producer

  template <class F>
  void enqueue_bounded(F&& fn) {
    PoolTask discarded;
    Admit admit;
    {
      MutexLock lock(&bound_mu_);
      admit = make_room_locked(&discarded);
      if (admit == Admit::kAccept && !queue_.emplace(std::forward<F>(fn))) {
        admit = Admit::kClosed;
      }
    }
    // Outside bound_mu_: destroying or running a task runs user code, which
    // may enqueue again.
    if (discarded) destroy_discarded(discarded);
    switch (admit) {
      case Admit::kAccept:
        wake_after_push();
        return;
      case Admit::kReject:
        throw_full();
      case Admit::kClosed:
        throw_rejected();
      case Admit::kRunInCaller: {
        PoolTask task(std::forward<F>(fn));
        run_in_caller(task);
        return;
      }
    }
  }

  // The task loop (core/worker_pool.cc).
  void worker_main(Worker* w);
  void run_one(Worker* w, PoolTask& task, uint64_t position);

  // Idle protocol (core/worker_pool_idle.cc).
  void wake_after_push();
  // Idle path: spins, then parks. Returns kTask with a task to run, kClosed
  // when the worker should leave, kEmpty to re-check (woken, surplus).
  Pop wait_for_work(Worker* w, PoolTask* task, uint64_t* position);
  bool spin_for_work();
  Pop park(Worker* w, PoolTask* task, uint64_t* position);
  void wait_for_wake(Worker* w);
  void wake_parked(int count);  // count < 0: all
  void maybe_wake_another();

  // Lifecycle (core/worker_pool_lifecycle.cc).
  bool surplus() const;
  bool retire_if_surplus();
  void join_all_except_self();

  // Statistics (core/worker_pool_stats.cc).
  void fold_drained(Worker* w, PoolDrain& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(structure_mu_);

  TaskClock& clock_;
  const WorkerPoolOptions options_;
  const int64_t origin_ns_;
  const int64_t record_spacing_ns_;
  const int max_spinning_;
  const int64_t capacity_;  // 0: unbounded

  internal::TaskQueue queue_;

  // Bounded queue only (see the file comment).
  Mutex bound_mu_;
  CondVar space_cv_;
  std::atomic<int> blocked_producers_{0};

  // Workers sleeping on a future of this pool's own tasks (SelfWait). A
  // worker does not retire while any is: it may be the one to run theirs.
  Mutex self_wait_mu_;
  std::vector<const internal::SharedStateBase*> self_waits_
      ABSL_GUARDED_BY(self_wait_mu_);
  std::atomic<int> self_waiting_{0};
  std::atomic<int64_t> rejected_full_{0};
  std::atomic<int64_t> discarded_oldest_{0};
  std::atomic<int64_t> ran_in_caller_{0};

  // Target (high 32 bits) and live (low 32 bits) thread counts in one word,
  // so that a retiring worker's check-and-decrement is one CAS.
  alignas(64) std::atomic<uint64_t> sizes_{0};

  // Idle protocol (see the file comment).
  internal::AdaptiveSpin idle_spin_;
  alignas(64) std::atomic<int> spinning_{0};
  std::atomic<int> sleeping_{0};
  // A futex lock: taken on every park and wake, never around user code.
  internal::QueueLock idle_mu_ ABSL_ACQUIRED_AFTER(structure_mu_);
  std::vector<Worker*> parked_ ABSL_GUARDED_BY(idle_mu_);

  mutable Mutex structure_mu_;
  std::vector<std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(structure_mu_);
  // Totals folded in from reaped workers, reported at the next drain.
  PoolDrain reaped_ ABSL_GUARDED_BY(structure_mu_);
  std::string last_start_error_ ABSL_GUARDED_BY(structure_mu_);
  int64_t thread_start_failures_ ABSL_GUARDED_BY(structure_mu_) = 0;
  int64_t reaped_completed_total_ ABSL_GUARDED_BY(structure_mu_) = 0;

  Mutex retire_mu_ ABSL_ACQUIRED_AFTER(structure_mu_);
  CondVar retired_cv_;
  std::vector<Worker*> retired_ ABSL_GUARDED_BY(retire_mu_);
  // Threads started and not yet in retired_ (shutdown waits for these, not
  // for `live`, which drops before a retiring worker reaches retired_).
  int unretired_ ABSL_GUARDED_BY(retire_mu_) = 0;
  // Workers inside shutdown(true)/shutdown_now() from a task: they cannot
  // retire while they wait, so the others do not wait for them.
  int workers_in_shutdown_ ABSL_GUARDED_BY(retire_mu_) = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_WORKER_POOL_H_

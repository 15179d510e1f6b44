// File: core/worker_pool.h
//
// WorkerPool: the executor's task queue and worker threads — the part that
// runs tasks and measures them, and never decides anything. It grows and
// really shrinks: `resize` starts new OS threads at once, and surplus workers
// end their threads at their next task boundary (idle ones immediately).
//
// Measurement on the per-task path is kept to two steady-clock reads and a
// few stores into the worker's own counters (no lock shared by workers). A
// worker reads its own CPU clock only at checkpoints (after ~1 ms of busy
// time and before it sleeps), and exactly around a task only when it records
// that task (MetricsOptions::record_spacing). The controller collects
// everything with `drain()` at its tick.
//
// Lock order: structure_mu_ before mu_. mu_ guards the queue and counts and
// is the only lock on the submit/dequeue path; structure_mu_ serializes
// thread start/join and draining; a worker's own records_mu_ is taken by
// that worker (rarely) and by drain().
//
// Thread safety: every public method is safe from any thread, including
// from inside a task, except that shutdown(true) from a task cannot join the
// calling worker (it waits for the others; see docs/semantics.md).
#ifndef BETAPOOL_CORE_WORKER_POOL_H_
#define BETAPOOL_CORE_WORKER_POOL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "core/sync.h"
#include "absl/time/time.h"
#include "core/task_clock.h"
#include "core/task_metrics.h"

namespace betapool {

// What a running task tells the pool about itself, for the metrics.
struct TaskOutcome {
  bool ok = true;
  std::string error;  // what() of the exception, when !ok
};

// A queued unit of work. It must not throw: the executor's wrappers catch
// the callable's exception, store it in the future and report it here.
using PoolTask = absl::AnyInvocable<void(TaskOutcome&)>;

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
  struct QueuedTask {
    uint64_t id;
    PoolTask fn;
  };

  void worker_main(Worker* w);
  void run_one(Worker* w, QueuedTask& task);
  void checkpoint(Worker* w);
  void join_all_except_self() ABSL_LOCKS_EXCLUDED(mu_);
  void fold_drained(Worker* w, PoolDrain& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(structure_mu_);

  TaskClock& clock_;
  const WorkerPoolOptions options_;
  const int64_t origin_ns_;

  mutable Mutex structure_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::list<std::unique_ptr<Worker>> workers_ ABSL_GUARDED_BY(structure_mu_);
  // Totals folded in from reaped workers, reported at the next drain.
  PoolDrain reaped_ ABSL_GUARDED_BY(structure_mu_);
  std::string last_start_error_ ABSL_GUARDED_BY(structure_mu_);
  int64_t reaped_completed_total_ ABSL_GUARDED_BY(structure_mu_) = 0;

  mutable Mutex mu_;
  CondVar work_available_;
  CondVar all_retired_;
  std::deque<QueuedTask> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t next_task_id_ ABSL_GUARDED_BY(mu_) = 0;
  int target_ ABSL_GUARDED_BY(mu_) = 0;
  int live_ ABSL_GUARDED_BY(mu_) = 0;
  int idle_ ABSL_GUARDED_BY(mu_) = 0;
  int exiting_ ABSL_GUARDED_BY(mu_) = 0;  // left the loop, not yet in retired_
  bool accepting_ ABSL_GUARDED_BY(mu_) = true;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Worker*> retired_ ABSL_GUARDED_BY(mu_);
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_WORKER_POOL_H_

// File: core/worker_pool.cc
//
// WorkerPool construction and the worker's task loop, the per-task hot
// path: take a task (core/worker_pool_idle.cc when the queue is empty), run
// and measure it, leave when surplus or closed, and hand the thread to
// reap() (core/worker_pool_lifecycle.cc).
//
// Touches: queue_ (pop), sizes_ (a leaving worker's live - 1), the worker's
// own Worker record (meter, outcome, state, records under records_mu) and,
// when it leaves, retired_ / unretired_ under retire_mu_. Sets the
// thread's current pool, which is_worker_thread() reads.
#include "core/worker_pool.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "core/worker_pool_internal.h"

namespace betapool {
namespace {

thread_local const WorkerPool* tls_current_pool = nullptr;

int default_max_spinning() {
  const unsigned cpus = std::thread::hardware_concurrency();
  return std::max(1, static_cast<int>(cpus / 2));
}

}  // namespace

WorkerPool::WorkerPool(TaskClock& clock, WorkerPoolOptions options)
    : clock_(clock),
      options_(options),
      origin_ns_(clock.wall_now_ns()),
      record_spacing_ns_(absl::ToInt64Nanoseconds(options.record_spacing)),
      max_spinning_(options.max_spinning > 0 ? options.max_spinning
                                             : default_max_spinning()),
      capacity_(std::max<int64_t>(0, options.queue_capacity)),
      idle_spin_(std::max<int64_t>(
          0, absl::ToInt64Nanoseconds(options.idle_spin))) {}

WorkerPool::~WorkerPool() { shutdown(true); }

void WorkerPool::worker_main(Worker* w) {
  tls_current_pool = this;
  w->meter.start();
  PoolTask task;
  uint64_t position = 0;
  // surplus() first: one load per task; the CAS only when shrinking.
  while (!(surplus() && retire_if_surplus())) {
    Pop r = queue_.pop(&task, &position);
    if (r == Pop::kEmpty) r = wait_for_work(w, &task, &position);
    if (r == Pop::kTask) {
      if (capacity_ != 0) note_space();
      run_one(w, task, position);
    } else if (r == Pop::kClosed) {
      sizes_.fetch_sub(1, std::memory_order_acq_rel);  // live - 1
      // A worker may have parked after shutdown's wake-up, when the queue
      // was closed but not yet drained (a producer accepted before the
      // close was still publishing, and the producer's wake-up was skipped
      // for a spinner). Whoever sees the end wakes everyone to see it too.
      wake_parked(-1);
      break;
    }
  }
  // Retiring (surplus or shutdown): publish everything, then hand the
  // thread to reap().
  w->meter.finish();
  w->state.store(internal::kWorkerExited, std::memory_order_release);
  MutexLock lock(&retire_mu_);
  retired_.push_back(w);
  --unretired_;
  retired_cv_.SignalAll();
}

void WorkerPool::run_one(Worker* w, PoolTask& task, uint64_t position) {
  if (!w->meter.record_next()) {
    task(w->outcome);
    task = nullptr;  // destroy captures before the bookkeeping
    w->meter.count_task(w->outcome.ok);
    if (!w->outcome.ok) w->outcome = TaskOutcome{};
    return;
  }
  const internal::WorkerMeter::RecordMark mark = w->meter.begin_record();
  task(w->outcome);
  task = nullptr;
  TaskMetrics m = w->meter.end_record(mark, position, w->outcome);
  w->outcome = TaskOutcome{};
  const bool ok = m.success;
  {
    MutexLock lock(&w->records_mu);
    if (w->records.size() >= options_.record_buffer) {
      w->records.pop_front();
      ++w->dropped;
    }
    w->records.push_back(std::move(m));
  }
  // Counted after the record is in place (see WorkerMeter::count_recorded).
  w->meter.count_recorded(ok);
}

bool WorkerPool::is_worker_thread() const { return tls_current_pool == this; }

}  // namespace betapool

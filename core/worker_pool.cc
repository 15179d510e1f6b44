#include "core/worker_pool.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "core/errors.h"
#include "core/wait_accounting.h"

namespace betapool {
namespace {

// Busy time after which a worker publishes its CPU time: long enough that
// the ~1.5 us thread-CPU clock read is noise, short enough that a tick sees
// fresh totals.
constexpr int64_t kCheckpointBusyNs = 1'000'000;

thread_local const WorkerPool* tls_current_pool = nullptr;

}  // namespace

struct WorkerPool::Worker {
  std::thread thread;

  // Published totals: written only by the worker (plain load+store, no
  // read-modify-write on the hot path), read by drain(). busy_wall_ns and
  // cpu_ns move together at checkpoints so their ratio stays meaningful.
  std::atomic<int64_t> completed{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> busy_wall_ns{0};
  std::atomic<int64_t> cpu_ns{0};
  std::atomic<int64_t> lock_wait_ns{0};

  // Worker-private accumulation since the last checkpoint.
  int64_t pending_busy_ns = 0;
  int64_t pending_lock_wait_ns = 0;
  int64_t cpu_at_checkpoint = 0;
  int64_t last_record_start = INT64_MIN / 2;  // no overflow in the difference

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

WorkerPool::WorkerPool(TaskClock& clock, WorkerPoolOptions options)
    : clock_(clock), options_(options), origin_ns_(clock.wall_now_ns()) {}

WorkerPool::~WorkerPool() { shutdown(true); }

void WorkerPool::enqueue(PoolTask task) {
  MutexLock lock(&mu_);
  if (!accepting_) {
    throw RejectedError("betapool: executor is shut down; task rejected");
  }
  queue_.push_back(QueuedTask{next_task_id_++, std::move(task)});
  if (idle_ > 0) work_available_.Signal();
}

int WorkerPool::resize(int target) {
  target = std::max(target, 1);
  reap();
  MutexLock structure(&structure_mu_);
  int to_start = 0;
  {
    MutexLock lock(&mu_);
    if (!accepting_) return 0;
    target_ = target;
    to_start = std::max(0, target_ - live_);
    live_ += to_start;  // reserved; corrected below if a start fails
    if (to_start == 0) work_available_.SignalAll();  // let surplus retire
  }
  int failed = 0;
  for (int i = 0; i < to_start; ++i) {
    auto worker = std::make_unique<Worker>();
    Worker* w = worker.get();
    try {
      w->thread = std::thread([this, w] { worker_main(w); });
    } catch (const std::system_error& e) {
      failed = to_start - i;
      last_start_error_ = e.what();
      break;
    }
    workers_.push_back(std::move(worker));
  }
  MutexLock lock(&mu_);
  if (failed > 0) {
    live_ -= failed;
    target_ = std::max(live_, 1);
  }
  return target_;
}

void WorkerPool::reap() {
  MutexLock structure(&structure_mu_);
  std::vector<Worker*> done;
  {
    MutexLock lock(&mu_);
    done.swap(retired_);
  }
  for (Worker* w : done) {
    if (w->thread.joinable()) w->thread.join();
    fold_drained(w, reaped_);
    reaped_completed_total_ += w->completed.load(std::memory_order_relaxed);
    workers_.remove_if([w](const auto& p) { return p.get() == w; });
  }
}

void WorkerPool::fold_drained(Worker* w, PoolDrain& out) {
  auto delta = [](const std::atomic<int64_t>& now, int64_t& seen) {
    const int64_t v = now.load(std::memory_order_acquire);
    const int64_t d = v - seen;
    seen = v;
    return d;
  };
  out.completed += delta(w->completed, w->drained_completed);
  out.failed += delta(w->failed, w->drained_failed);
  out.lock_wait_ns += delta(w->lock_wait_ns, w->drained_lock_wait_ns);
  out.cpu_ns += delta(w->cpu_ns, w->drained_cpu_ns);
  out.busy_wall_ns += delta(w->busy_wall_ns, w->drained_busy_wall_ns);
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

void WorkerPool::worker_main(Worker* w) {
  tls_current_pool = this;
  w->cpu_at_checkpoint = clock_.thread_cpu_now_ns();
  mu_.Lock();
  while (true) {
    if (live_ > target_ || (stopping_ && queue_.empty())) break;
    if (queue_.empty()) {
      if (w->pending_busy_ns > 0) {
        // Publish CPU time before sleeping, outside the queue lock.
        mu_.Unlock();
        checkpoint(w);
        mu_.Lock();
        continue;
      }
      ++idle_;
      work_available_.Wait(&mu_);
      --idle_;
      continue;
    }
    QueuedTask task = std::move(queue_.front());
    queue_.pop_front();
    mu_.Unlock();
    run_one(w, task);
    mu_.Lock();
  }
  // Retiring (surplus or shutdown). live_ drops now so no other worker
  // retires on the same surplus; exiting_ keeps shutdown waiting until this
  // worker is in retired_, where reap() will find and join it.
  --live_;
  ++exiting_;
  mu_.Unlock();
  checkpoint(w);
  MutexLock lock(&mu_);
  --exiting_;
  retired_.push_back(w);
  all_retired_.SignalAll();
}

void WorkerPool::run_one(Worker* w, QueuedTask& task) {
  const int64_t start = clock_.wall_now_ns();
  const int64_t lock_wait_before = thread_lock_wait_ns();
  const bool record =
      start - w->last_record_start >=
      absl::ToInt64Nanoseconds(options_.record_spacing);
  const int64_t cpu_before = record ? clock_.thread_cpu_now_ns() : 0;

  TaskOutcome outcome;
  task.fn(outcome);
  task.fn = nullptr;  // destroy captures before the bookkeeping

  const int64_t cpu_after = record ? clock_.thread_cpu_now_ns() : 0;
  const int64_t end = clock_.wall_now_ns();
  const int64_t lock_wait = thread_lock_wait_ns() - lock_wait_before;
  const int64_t wall = end - start;

  w->pending_busy_ns += wall;
  w->pending_lock_wait_ns += lock_wait;
  if (!outcome.ok) {
    w->failed.store(w->failed.load(std::memory_order_relaxed) + 1,
                    std::memory_order_release);
  }
  w->completed.store(w->completed.load(std::memory_order_relaxed) + 1,
                     std::memory_order_release);

  if (record) {
    w->last_record_start = start;
    TaskMetrics m;
    m.task_id = task.id;
    m.wall_time = static_cast<double>(wall) * 1e-9;
    m.cpu_time = static_cast<double>(cpu_after - cpu_before) * 1e-9;
    m.lock_wait_time = static_cast<double>(lock_wait) * 1e-9;
    m.blocking_ratio = blocking_ratio(m.wall_time, m.cpu_time);
    m.timestamp = static_cast<double>(end - origin_ns_) * 1e-9;
    m.success = outcome.ok;
    m.error_message = std::move(outcome.error);
    MutexLock lock(&w->records_mu);
    if (w->records.size() >= options_.record_buffer) {
      w->records.pop_front();
      ++w->dropped;
    }
    w->records.push_back(std::move(m));
  }
  if (w->pending_busy_ns >= kCheckpointBusyNs) checkpoint(w);
}

void WorkerPool::checkpoint(Worker* w) {
  const int64_t cpu_now = clock_.thread_cpu_now_ns();
  const int64_t cpu = cpu_now - w->cpu_at_checkpoint;
  w->cpu_at_checkpoint = cpu_now;
  w->cpu_ns.store(w->cpu_ns.load(std::memory_order_relaxed) + cpu,
                  std::memory_order_release);
  w->lock_wait_ns.store(
      w->lock_wait_ns.load(std::memory_order_relaxed) + w->pending_lock_wait_ns,
      std::memory_order_release);
  w->busy_wall_ns.store(
      w->busy_wall_ns.load(std::memory_order_relaxed) + w->pending_busy_ns,
      std::memory_order_release);
  w->pending_busy_ns = 0;
  w->pending_lock_wait_ns = 0;
}

void WorkerPool::join_all_except_self() {
  // Wait until every worker other than the caller has left its loop.
  {
    const int self = is_worker_thread() ? 1 : 0;
    MutexLock lock(&mu_);
    while (live_ > self || exiting_ > 0) all_retired_.Wait(&mu_);
  }
  reap();
}

void WorkerPool::shutdown(bool wait) {
  {
    MutexLock lock(&mu_);
    accepting_ = false;
    stopping_ = true;
    work_available_.SignalAll();
  }
  if (wait) join_all_except_self();
}

std::size_t WorkerPool::shutdown_now() {
  std::deque<QueuedTask> discarded;
  {
    MutexLock lock(&mu_);
    accepting_ = false;
    stopping_ = true;
    discarded.swap(queue_);
    work_available_.SignalAll();
  }
  const std::size_t n = discarded.size();
  discarded.clear();  // each task's promise completes with CancelledError
  join_all_except_self();
  return n;
}

int WorkerPool::target() const {
  MutexLock lock(&mu_);
  return target_;
}

int WorkerPool::live_threads() const {
  MutexLock lock(&mu_);
  return live_;
}

int WorkerPool::busy_workers() const {
  MutexLock lock(&mu_);
  return live_ - idle_;
}

int64_t WorkerPool::queue_depth() const {
  MutexLock lock(&mu_);
  return static_cast<int64_t>(queue_.size());
}

int64_t WorkerPool::submitted() const {
  MutexLock lock(&mu_);
  return static_cast<int64_t>(next_task_id_);
}

int64_t WorkerPool::completed() const {
  MutexLock structure(&structure_mu_);
  int64_t total = reaped_completed_total_;
  for (const auto& w : workers_) {
    total += w->completed.load(std::memory_order_acquire);
  }
  return total;
}

bool WorkerPool::accepting() const {
  MutexLock lock(&mu_);
  return accepting_;
}

std::string WorkerPool::last_start_error() const {
  MutexLock structure(&structure_mu_);
  return last_start_error_;
}

double WorkerPool::seconds_since_start() const {
  return static_cast<double>(clock_.wall_now_ns() - origin_ns_) * 1e-9;
}

bool WorkerPool::is_worker_thread() const { return tls_current_pool == this; }

}  // namespace betapool

#include "core/worker_pool.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <system_error>
#include <thread>
#include <utility>

#include "core/errors.h"
#include "core/futex.h"
#include "core/wait_accounting.h"

namespace betapool {
namespace {

// Busy time after which a worker publishes its CPU time: long enough that
// the ~1 us thread-CPU clock read is noise, short enough that a tick sees
// fresh totals.
constexpr int64_t kCheckpointBusyNs = 1'000'000;

// Inside a busy span the wall clock (~30 ns) is read about once per this
// much busy time, and at least once per kMaxStride tasks.
constexpr int64_t kReadEveryNs = 2'000;
constexpr int kMaxStride = 32;

// Worker::state values.
constexpr int kBusy = 0;
constexpr int kIdle = 1;
constexpr int kExited = 2;

thread_local const WorkerPool* tls_current_pool = nullptr;

int target_of(uint64_t sizes) { return static_cast<int>(sizes >> 32); }
int live_of(uint64_t sizes) { return static_cast<int>(sizes & 0xffffffffu); }
uint64_t pack_sizes(int target, int live) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(target)) << 32) |
         static_cast<uint32_t>(live);
}

int default_max_spinning() {
  const unsigned cpus = std::thread::hardware_concurrency();
  return std::max(1, static_cast<int>(cpus / 2));
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct WorkerPool::Worker {
  std::thread thread;

  // Published by the worker (plain load + store, no read-modify-write),
  // read by drain(). busy_wall_ns and cpu_ns move together at checkpoints.
  alignas(64) std::atomic<int64_t> completed{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> busy_wall_ns{0};
  std::atomic<int64_t> cpu_ns{0};
  std::atomic<int64_t> lock_wait_ns{0};
  std::atomic<int> state{kBusy};  // kBusy / kIdle / kExited

  // Parking: written by wakers under idle_mu_ (parked) or after it (wake).
  alignas(64) std::atomic<uint32_t> wake{0};
  bool parked = false;  // guarded by the pool's idle_mu_

  // Worker-private measurement state.
  alignas(64) int64_t last_read = 0;       // latest wall read in the span
  int64_t pending_busy_ns = 0;             // busy since the last checkpoint
  int64_t idle_spin_ns = 0;                // spinning since the checkpoint
  int64_t cpu_mark = 0;                    // CPU clock at the checkpoint
  int64_t lock_wait_mark = 0;              // lock-wait total at checkpoint
  int64_t last_record_start = INT64_MIN / 2;  // no overflow in differences
  int since_read = 0;
  int stride = 1;
  bool record_next = true;
  TaskOutcome outcome;

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
    : clock_(clock),
      options_(options),
      origin_ns_(clock.wall_now_ns()),
      record_spacing_ns_(absl::ToInt64Nanoseconds(options.record_spacing)),
      idle_spin_ns_(std::max<int64_t>(
          0, absl::ToInt64Nanoseconds(options.idle_spin))),
      max_spinning_(options.max_spinning > 0 ? options.max_spinning
                                             : default_max_spinning()) {}

WorkerPool::~WorkerPool() { shutdown(true); }

void WorkerPool::enqueue(PoolTask task) {
  if (!queue_.push(task)) {
    throw RejectedError("betapool: executor is shut down; task rejected");
  }
  // seq_cst loads after the seq_cst publish in push(): a worker that parks
  // after this load re-checks the queue and sees the task (see park()).
  if (sleeping_.load(std::memory_order_seq_cst) > 0 &&
      spinning_.load(std::memory_order_seq_cst) == 0) {
    wake_parked(1);
  }
}

int WorkerPool::resize(int target) {
  target = std::max(target, 1);
  reap();
  MutexLock structure(&structure_mu_);
  if (queue_.closed()) return 0;
  uint64_t sizes = sizes_.load(std::memory_order_acquire);
  int to_start = 0;
  // Reserve the new threads in `live` so retiring workers see them.
  while (true) {
    to_start = std::max(0, target - live_of(sizes));
    if (sizes_.compare_exchange_weak(
            sizes, pack_sizes(target, live_of(sizes) + to_start),
            std::memory_order_acq_rel, std::memory_order_acquire)) {
      break;
    }
  }
  if (to_start == 0) {
    // Idle surplus workers leave at once; busy ones at their next boundary.
    const int surplus_now = live_of(sizes) - target;
    if (surplus_now > 0) wake_parked(surplus_now);
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
  if (failed > 0) {
    sizes = sizes_.load(std::memory_order_acquire);
    while (true) {
      const int live = live_of(sizes) - failed;
      if (sizes_.compare_exchange_weak(sizes,
                                       pack_sizes(std::max(live, 1), live),
                                       std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        break;
      }
    }
  }
  return target_of(sizes_.load(std::memory_order_acquire));
}

void WorkerPool::reap() {
  MutexLock structure(&structure_mu_);
  std::vector<Worker*> done;
  {
    MutexLock lock(&retire_mu_);
    done.swap(retired_);
  }
  if (done.empty()) return;
  for (Worker* w : done) {
    if (w->thread.joinable()) w->thread.join();
    fold_drained(w, reaped_);
    reaped_completed_total_ += w->completed.load(std::memory_order_relaxed);
  }
  std::sort(done.begin(), done.end());
  std::erase_if(workers_, [&done](const std::unique_ptr<Worker>& p) {
    return std::binary_search(done.begin(), done.end(), p.get());
  });
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

bool WorkerPool::surplus() const {
  const uint64_t sizes = sizes_.load(std::memory_order_relaxed);
  return live_of(sizes) > target_of(sizes);
}

bool WorkerPool::retire_if_surplus() {
  uint64_t sizes = sizes_.load(std::memory_order_relaxed);
  while (live_of(sizes) > target_of(sizes)) {
    if (sizes_.compare_exchange_weak(sizes, sizes - 1,
                                     std::memory_order_acq_rel,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void WorkerPool::worker_main(Worker* w) {
  tls_current_pool = this;
  w->cpu_mark = clock_.thread_cpu_now_ns();
  w->lock_wait_mark = thread_lock_wait_ns();
  begin_busy(w, clock_.wall_now_ns());
  PoolTask task;
  uint64_t position = 0;
  while (!retire_if_surplus()) {
    Pop r = queue_.pop(&task, &position);
    if (r == Pop::kEmpty) r = wait_for_work(w, &task, &position);
    if (r == Pop::kTask) {
      run_one(w, task, position);
    } else if (r == Pop::kClosed) {
      sizes_.fetch_sub(1, std::memory_order_acq_rel);  // live - 1
      break;
    }
  }
  // Retiring (surplus or shutdown): publish everything, then hand the
  // thread to reap().
  end_busy(w, clock_.wall_now_ns());
  checkpoint(w);
  w->state.store(kExited, std::memory_order_release);
  MutexLock lock(&retire_mu_);
  retired_.push_back(w);
  retired_cv_.SignalAll();
}

void WorkerPool::begin_busy(Worker* w, int64_t now) {
  w->last_read = now;
  w->since_read = 0;
  w->record_next = now - w->last_record_start >= record_spacing_ns_;
  w->state.store(kBusy, std::memory_order_relaxed);
}

void WorkerPool::end_busy(Worker* w, int64_t now) {
  w->pending_busy_ns += now - w->last_read;
  w->last_read = now;
  w->since_read = 0;
}

void WorkerPool::run_one(Worker* w, PoolTask& task, uint64_t position) {
  if (w->record_next) {
    run_recorded(w, task, position);
    return;
  }
  task(w->outcome);
  task = nullptr;  // destroy captures before the bookkeeping
  if (!w->outcome.ok) {
    w->failed.store(w->failed.load(std::memory_order_relaxed) + 1,
                    std::memory_order_release);
    w->outcome = TaskOutcome{};
  }
  w->completed.store(w->completed.load(std::memory_order_relaxed) + 1,
                     std::memory_order_release);
  if (++w->since_read >= w->stride) after_clock_read(w, clock_.wall_now_ns());
}

void WorkerPool::run_recorded(Worker* w, PoolTask& task, uint64_t position) {
  const int64_t start = clock_.wall_now_ns();
  const int64_t lock_wait_before = thread_lock_wait_ns();
  const int64_t cpu_before = clock_.thread_cpu_now_ns();

  task(w->outcome);
  task = nullptr;

  const int64_t cpu_after = clock_.thread_cpu_now_ns();
  const int64_t end = clock_.wall_now_ns();
  const int64_t lock_wait = thread_lock_wait_ns() - lock_wait_before;
  const bool ok = w->outcome.ok;
  if (!ok) {
    w->failed.store(w->failed.load(std::memory_order_relaxed) + 1,
                    std::memory_order_release);
  }
  w->completed.store(w->completed.load(std::memory_order_relaxed) + 1,
                     std::memory_order_release);

  w->last_record_start = start;
  TaskMetrics m;
  m.task_id = position;
  m.wall_time = static_cast<double>(end - start) * 1e-9;
  m.cpu_time = static_cast<double>(cpu_after - cpu_before) * 1e-9;
  m.lock_wait_time = static_cast<double>(lock_wait) * 1e-9;
  m.blocking_ratio = blocking_ratio(m.wall_time, m.cpu_time);
  m.timestamp = static_cast<double>(end - origin_ns_) * 1e-9;
  m.success = ok;
  if (!ok) {
    m.error_message = std::move(w->outcome.error);
    w->outcome = TaskOutcome{};
  }
  {
    MutexLock lock(&w->records_mu);
    if (w->records.size() >= options_.record_buffer) {
      w->records.pop_front();
      ++w->dropped;
    }
    w->records.push_back(std::move(m));
  }
  ++w->since_read;
  after_clock_read(w, end);
}

void WorkerPool::after_clock_read(Worker* w, int64_t now) {
  const int64_t elapsed = now - w->last_read;
  w->pending_busy_ns += elapsed;
  const int64_t per_task = elapsed / std::max(w->since_read, 1);
  w->stride = per_task >= kReadEveryNs
                  ? 1
                  : static_cast<int>(std::min<int64_t>(
                        kMaxStride, kReadEveryNs / std::max<int64_t>(
                                                       per_task, 1)));
  w->since_read = 0;
  w->last_read = now;
  w->record_next = now - w->last_record_start >= record_spacing_ns_;
  if (w->pending_busy_ns >= kCheckpointBusyNs) checkpoint(w);
}

void WorkerPool::checkpoint(Worker* w) {
  const int64_t cpu_now = clock_.thread_cpu_now_ns();
  // Spinning idle burns CPU outside any busy span: leave it out so CPU and
  // busy time cover the same spans.
  const int64_t cpu =
      std::max<int64_t>(0, cpu_now - w->cpu_mark - w->idle_spin_ns);
  w->cpu_mark = cpu_now;
  w->idle_spin_ns = 0;
  const int64_t lock_wait_now = thread_lock_wait_ns();
  const int64_t lock_wait = lock_wait_now - w->lock_wait_mark;
  w->lock_wait_mark = lock_wait_now;
  w->cpu_ns.store(w->cpu_ns.load(std::memory_order_relaxed) + cpu,
                  std::memory_order_release);
  w->lock_wait_ns.store(
      w->lock_wait_ns.load(std::memory_order_relaxed) + lock_wait,
      std::memory_order_release);
  w->busy_wall_ns.store(
      w->busy_wall_ns.load(std::memory_order_relaxed) + w->pending_busy_ns,
      std::memory_order_release);
  w->pending_busy_ns = 0;
}

WorkerPool::Pop WorkerPool::wait_for_work(Worker* w, PoolTask* task,
                                          uint64_t* position) {
  const int64_t idle_from = clock_.wall_now_ns();
  end_busy(w, idle_from);
  w->state.store(kIdle, std::memory_order_relaxed);

  if (spin_for_work()) {
    const Pop r = queue_.pop(task, position);
    if (r != Pop::kEmpty || surplus()) {
      const int64_t now = clock_.wall_now_ns();
      w->idle_spin_ns += now - idle_from;
      begin_busy(w, now);
      if (r == Pop::kTask) maybe_wake_another();
      return r;
    }
  }

  // Park. Publish this span's CPU first (the sleep may be long).
  w->idle_spin_ns += clock_.wall_now_ns() - idle_from;
  if (w->pending_busy_ns > 0) checkpoint(w);
  const Pop r = park(w, task, position);
  // CPU used while parked or spinning belongs to no task.
  w->cpu_mark = clock_.thread_cpu_now_ns();
  w->idle_spin_ns = 0;
  begin_busy(w, clock_.wall_now_ns());
  if (r == Pop::kTask) maybe_wake_another();
  return r;
}

bool WorkerPool::spin_for_work() {
  if (idle_spin_ns_ == 0) return false;
  if (spinning_.fetch_add(1, std::memory_order_seq_cst) >= max_spinning_) {
    spinning_.fetch_sub(1, std::memory_order_seq_cst);
    return false;
  }
  const int64_t deadline = steady_ns() + idle_spin_ns_;
  bool found = false;
  for (uint32_t i = 1;; ++i) {
    if (queue_.maybe_nonempty() || surplus()) {
      found = true;
      break;
    }
    if ((i & 15) == 0 && steady_ns() >= deadline) break;
    internal::cpu_relax();
  }
  // Before the pop: a producer that saw us spinning did not wake anyone,
  // so maybe_wake_another() after the pop must see us gone (seq_cst).
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

WorkerPool::Pop WorkerPool::park(Worker* w, PoolTask* task,
                                 uint64_t* position) {
  {
    MutexLock lock(&idle_mu_);
    w->wake.store(0, std::memory_order_relaxed);
    w->parked = true;
    parked_.push_back(w);
    sleeping_.fetch_add(1, std::memory_order_seq_cst);
  }
  // Re-check after announcing: a producer whose task this misses loads
  // sleeping_ after publishing it and wakes someone.
  const Pop r = surplus() ? Pop::kEmpty : queue_.pop(task, position);
  if (r != Pop::kEmpty || surplus()) {
    bool still_parked;
    {
      MutexLock lock(&idle_mu_);
      still_parked = w->parked;
      if (still_parked) {
        parked_.erase(std::find(parked_.begin(), parked_.end(), w));
        w->parked = false;
        sleeping_.fetch_sub(1, std::memory_order_seq_cst);
      }
    }
    // A waker took us off the list: its store to w->wake is on its way and
    // must land before this worker can exit and be freed.
    if (!still_parked) wait_for_wake(w);
    return r;
  }
  wait_for_wake(w);
  return Pop::kEmpty;
}

void WorkerPool::wait_for_wake(Worker* w) {
  while (w->wake.load(std::memory_order_acquire) == 0) {
    internal::futex_wait(&w->wake, 0);
  }
}

void WorkerPool::wake_parked(int count) {
  // Most recently parked first: its stack and caches are warm.
  Worker* one = nullptr;
  std::vector<Worker*> many;
  {
    MutexLock lock(&idle_mu_);
    if (parked_.empty()) return;
    const std::size_t n =
        count < 0 ? parked_.size()
                  : std::min(parked_.size(), static_cast<std::size_t>(count));
    if (n == 1) {
      one = parked_.back();
      parked_.pop_back();
      one->parked = false;
    } else {
      many.assign(parked_.end() - static_cast<std::ptrdiff_t>(n),
                  parked_.end());
      parked_.resize(parked_.size() - n);
      for (Worker* w : many) w->parked = false;
    }
    sleeping_.fetch_sub(static_cast<int>(n), std::memory_order_seq_cst);
  }
  if (one != nullptr) many.push_back(one);
  // After this store the worker may run, exit and be freed; futex_wake only
  // uses the address as a key (see core/futex.h).
  for (Worker* w : many) {
    w->wake.store(1, std::memory_order_release);
    internal::futex_wake(&w->wake, 1);
  }
}

void WorkerPool::maybe_wake_another() {
  if (sleeping_.load(std::memory_order_seq_cst) > 0 &&
      spinning_.load(std::memory_order_seq_cst) == 0 &&
      queue_.maybe_nonempty()) {
    wake_parked(1);
  }
}

void WorkerPool::join_all_except_self() {
  // Wait until every worker other than the caller has left its loop.
  {
    const int self = is_worker_thread() ? 1 : 0;
    MutexLock lock(&retire_mu_);
    while (live_of(sizes_.load(std::memory_order_acquire)) > self) {
      retired_cv_.Wait(&retire_mu_);
    }
  }
  reap();
}

void WorkerPool::shutdown(bool wait) {
  queue_.close();
  wake_parked(-1);
  if (wait) join_all_except_self();
}

std::size_t WorkerPool::shutdown_now() {
  queue_.close();
  std::vector<PoolTask> discarded = queue_.discard_all();
  wake_parked(-1);
  const std::size_t n = discarded.size();
  discarded.clear();  // each task's future completes with CancelledError
  join_all_except_self();
  return n;
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
    busy += w->state.load(std::memory_order_relaxed) == kBusy ? 1 : 0;
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
    total += w->completed.load(std::memory_order_acquire);
  }
  return total;
}

bool WorkerPool::accepting() const { return !queue_.closed(); }

std::string WorkerPool::last_start_error() const {
  MutexLock structure(&structure_mu_);
  return last_start_error_;
}

double WorkerPool::seconds_since_start() const {
  return static_cast<double>(clock_.wall_now_ns() - origin_ns_) * 1e-9;
}

bool WorkerPool::is_worker_thread() const { return tls_current_pool == this; }

}  // namespace betapool

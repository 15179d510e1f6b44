#include "core/worker_pool.h"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/futex.h"
#include "core/future.h"

namespace betapool {
namespace {

// Worker::state values.
constexpr int kBusy = 0;
constexpr int kIdle = 1;
constexpr int kExited = 2;

thread_local const WorkerPool* tls_current_pool = nullptr;
thread_local const char* tls_discard_reason = nullptr;

// Test seam (internal::fail_thread_starts_for_testing).
std::atomic<int> g_starts_to_pass{0};
std::atomic<int> g_starts_to_fail{0};

// Throws as std::thread does when the seam says this start fails.
void maybe_fail_thread_start() {
  int fail = g_starts_to_fail.load(std::memory_order_acquire);
  if (fail <= 0) return;
  int pass = g_starts_to_pass.load(std::memory_order_acquire);
  while (pass > 0) {
    if (g_starts_to_pass.compare_exchange_weak(pass, pass - 1)) return;
  }
  while (fail > 0) {
    if (g_starts_to_fail.compare_exchange_weak(fail, fail - 1)) {
      throw std::system_error(EAGAIN, std::generic_category(),
                              "injected thread start failure");
    }
  }
}

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

}  // namespace

const char* to_string(RejectionPolicy p) noexcept {
  switch (p) {
    case RejectionPolicy::kBlock:
      return "block";
    case RejectionPolicy::kReject:
      return "reject";
    case RejectionPolicy::kCallerRuns:
      return "caller_runs";
    case RejectionPolicy::kDiscardOldest:
      return "discard_oldest";
  }
  return "block";
}

namespace internal {

void fail_thread_starts_for_testing(int succeed, int fail) {
  g_starts_to_fail.store(0, std::memory_order_release);
  g_starts_to_pass.store(succeed, std::memory_order_release);
  g_starts_to_fail.store(fail, std::memory_order_release);
}

const char* current_discard_reason() noexcept { return tls_discard_reason; }

}  // namespace internal

struct WorkerPool::Worker {
  Worker(TaskClock& clock, int64_t record_spacing_ns, int64_t origin_ns)
      : meter(clock, record_spacing_ns, origin_ns) {}

  std::thread thread;
  internal::WorkerMeter meter;  // worker-private state, published totals
  TaskOutcome outcome;          // reused by every task of this worker

  // Read by busy_workers().
  alignas(64) std::atomic<int> state{kBusy};  // kBusy / kIdle / kExited

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

void WorkerPool::throw_rejected() {
  throw RejectedError("betapool: executor is shut down; task rejected");
}

void WorkerPool::throw_full() const {
  throw RejectedError(absl::StrCat(
      "betapool: task queue is full (queue_capacity = ", capacity_,
      ", rejection = ", to_string(options_.rejection), "); task rejected"));
}

bool WorkerPool::full_locked() const {
  // Only bounded producers push, and they hold bound_mu_: the depth can
  // only fall between this check and the push.
  const uint64_t popped = queue_.popped();
  const uint64_t pushed = queue_.pushed();
  return pushed > popped &&
         static_cast<int64_t>(pushed - popped) >= capacity_;
}

WorkerPool::Admit WorkerPool::make_room_locked(PoolTask* discarded) {
  if (queue_.closed()) return Admit::kClosed;
  if (!full_locked()) return Admit::kAccept;
  switch (options_.rejection) {
    case RejectionPolicy::kReject:
      rejected_full_.fetch_add(1, std::memory_order_relaxed);
      return Admit::kReject;
    case RejectionPolicy::kCallerRuns:
      return Admit::kRunInCaller;
    case RejectionPolicy::kDiscardOldest: {
      uint64_t position = 0;
      while (full_locked()) {
        const Pop r = queue_.pop(discarded, &position);
        if (r == Pop::kClosed) return Admit::kClosed;
        if (r == Pop::kTask) {
          discarded_oldest_.fetch_add(1, std::memory_order_relaxed);
          break;  // one pop makes room for one task
        }
      }
      return Admit::kAccept;
    }
    case RejectionPolicy::kBlock:
      break;
  }
  // kBlock. A worker of this pool must not wait for room it may be the one
  // to make (every worker could be waiting): it runs the task itself.
  if (is_worker_thread()) return Admit::kRunInCaller;
  const bool forever = options_.block_timeout == absl::InfiniteDuration();
  const absl::Time deadline = forever ? absl::InfiniteFuture()
                                      : absl::Now() + options_.block_timeout;
  // Announce before re-checking (seq_cst); note_space() fences after a pop
  // and then reads blocked_producers_, so one of us sees the other.
  blocked_producers_.fetch_add(1, std::memory_order_seq_cst);
  Admit result = Admit::kAccept;
  while (true) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (queue_.closed()) {
      result = Admit::kClosed;
      break;
    }
    if (!full_locked()) break;
    const absl::Duration left =
        forever ? absl::InfiniteDuration() : deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      rejected_full_.fetch_add(1, std::memory_order_relaxed);
      result = Admit::kReject;
      break;
    }
    if (forever) {
      space_cv_.Wait(&bound_mu_);
    } else {
      space_cv_.WaitWithTimeout(&bound_mu_, left);
    }
  }
  blocked_producers_.fetch_sub(1, std::memory_order_seq_cst);
  return result;
}

void WorkerPool::destroy_discarded(PoolTask& discarded) {
  // The task's destructor completes its future with CancelledError; the
  // executor's wrapper reads this reason for the message.
  static constexpr const char* kReason =
      "betapool: task was discarded unrun by the full queue "
      "(rejection = discard_oldest) to make room for a newer task";
  tls_discard_reason = kReason;
  discarded = nullptr;
  tls_discard_reason = nullptr;
}

void WorkerPool::run_in_caller(PoolTask& task) {
  ran_in_caller_.fetch_add(1, std::memory_order_relaxed);
  TaskOutcome outcome;
  task(outcome);
}

void WorkerPool::note_space() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (blocked_producers_.load(std::memory_order_relaxed) == 0) return;
  MutexLock lock(&bound_mu_);
  space_cv_.Signal();
}

void WorkerPool::wake_after_push() {
  // seq_cst loads after the seq_cst publish in the queue: a worker that
  // parks after this load re-checks the queue and sees the task (park()).
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
  if (to_start > 0) {
    MutexLock lock(&retire_mu_);
    unretired_ += to_start;
  }
  int failed = 0;
  for (int i = 0; i < to_start; ++i) {
    auto worker =
        std::make_unique<Worker>(clock_, record_spacing_ns_, origin_ns_);
    Worker* w = worker.get();
    try {
      maybe_fail_thread_start();
      w->thread = std::thread([this, w] { worker_main(w); });
    } catch (const std::system_error& e) {
      failed = to_start - i;
      ++thread_start_failures_;
      last_start_error_ = absl::StrCat(
          "could not start worker thread ", live_of(sizes) + i + 1, ": ",
          e.what());
      break;
    }
    workers_.push_back(std::move(worker));
  }
  if (failed > 0) {
    {
      MutexLock lock(&retire_mu_);
      unretired_ -= failed;
    }
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
  queue_.trim_spares();
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
    reaped_completed_total_ +=
        w->meter.published().completed.load(std::memory_order_relaxed);
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

bool WorkerPool::surplus() const {
  const uint64_t sizes = sizes_.load(std::memory_order_relaxed);
  return live_of(sizes) > target_of(sizes);
}

bool WorkerPool::retire_if_surplus() {
  // A worker sleeping on a future of this pool may be waiting for a queued
  // task that only the workers still here can run (see SelfWait).
  if (self_waiting_.load(std::memory_order_acquire) > 0) return false;
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
  w->state.store(kExited, std::memory_order_release);
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
  MutexLock lock(&w->records_mu);
  if (w->records.size() >= options_.record_buffer) {
    w->records.pop_front();
    ++w->dropped;
  }
  w->records.push_back(std::move(m));
}

WorkerPool::Pop WorkerPool::wait_for_work(Worker* w, PoolTask* task,
                                          uint64_t* position) {
  const int64_t idle_from = w->meter.idle_begin();
  w->state.store(kIdle, std::memory_order_relaxed);

  if (spin_for_work()) {
    const Pop r = queue_.pop(task, position);
    if (r != Pop::kEmpty || surplus()) {
      w->meter.resume_after_spin(idle_from);
      w->state.store(kBusy, std::memory_order_relaxed);
      if (r == Pop::kTask) maybe_wake_another();
      return r;
    }
  }

  w->meter.before_park(idle_from);
  const Pop r = park(w, task, position);
  w->meter.after_park();
  w->state.store(kBusy, std::memory_order_relaxed);
  if (r == Pop::kTask) maybe_wake_another();
  return r;
}

bool WorkerPool::spin_for_work() {
  if (spinning_.fetch_add(1, std::memory_order_seq_cst) >= max_spinning_) {
    spinning_.fetch_sub(1, std::memory_order_seq_cst);
    return false;
  }
  const bool found =
      idle_spin_.spin([this] { return queue_.maybe_nonempty() || surplus(); });
  // Before the pop: a producer that saw us spinning did not wake anyone,
  // so maybe_wake_another() after the pop must see us gone (seq_cst).
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
  return found;
}

WorkerPool::Pop WorkerPool::park(Worker* w, PoolTask* task,
                                 uint64_t* position) {
  {
    internal::QueueLockGuard lock(&idle_mu_);
    w->wake.store(0, std::memory_order_relaxed);
    w->parked = true;
    parked_.push_back(w);
    sleeping_.fetch_add(1, std::memory_order_seq_cst);
  }
  // Re-check after announcing: a producer whose task this misses loads
  // sleeping_ after publishing it and wakes someone. (Always a real pop,
  // even when surplus: skipping it could miss the last wake-up.)
  const Pop r = queue_.pop(task, position);
  if (r != Pop::kEmpty || surplus()) {
    bool still_parked;
    {
      internal::QueueLockGuard lock(&idle_mu_);
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
    internal::QueueLockGuard lock(&idle_mu_);
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
  // Wait until every worker other than those waiting here from a task is
  // in retired_ (not merely out of its loop: reap() must find it to join
  // its thread). Counting every waiting worker, not just the caller, lets
  // two tasks call shutdown(true) at once without waiting for each other.
  const bool self = is_worker_thread();
  {
    MutexLock lock(&retire_mu_);
    if (self) ++workers_in_shutdown_;
    while (unretired_ > workers_in_shutdown_) retired_cv_.Wait(&retire_mu_);
    if (self) --workers_in_shutdown_;
  }
  reap();
}

void WorkerPool::close_intake() {
  queue_.close();
  if (capacity_ != 0) {
    // Producers blocked on a full queue see the close and throw.
    MutexLock lock(&bound_mu_);
    space_cv_.SignalAll();
  }
}

void WorkerPool::shutdown(bool wait) {
  close_intake();
  wake_parked(-1);
  if (wait) join_all_except_self();
}

std::size_t WorkerPool::shutdown_now() {
  close_intake();
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

int64_t WorkerPool::rejected_full() const {
  return rejected_full_.load(std::memory_order_relaxed);
}
int64_t WorkerPool::discarded_oldest() const {
  return discarded_oldest_.load(std::memory_order_relaxed);
}
int64_t WorkerPool::ran_in_caller() const {
  return ran_in_caller_.load(std::memory_order_relaxed);
}

double WorkerPool::seconds_since_start() const {
  return static_cast<double>(clock_.wall_now_ns() - origin_ns_) * 1e-9;
}

bool WorkerPool::is_worker_thread() const { return tls_current_pool == this; }

WorkerPool::SelfWait::SelfWait(WorkerPool* pool,
                               const internal::SharedStateBase* state)
    : state_(state) {
  // Only a worker of `pool` counts; it reaches here from inside one of the
  // pool's tasks, so the pool is alive.
  if (pool == nullptr || !pool->is_worker_thread()) return;
  MutexLock lock(&pool->self_wait_mu_);
  const auto& waits = pool->self_waits_;
  const bool all_stuck =
      !state->is_ready() &&
      std::none_of(waits.begin(), waits.end(),
                   [](const internal::SharedStateBase* s) { return s->is_ready(); });
  if (all_stuck &&
      static_cast<int>(waits.size()) + 1 >= pool->live_threads()) {
    throw DeadlockError(
        "betapool: a task waited on a task of its own pool while every "
        "other worker of that pool waits the same way; nobody is left to "
        "run it (wait_for with a timeout, or a larger pool, avoids this)");
  }
  pool->self_waits_.push_back(state);
  pool->self_waiting_.fetch_add(1, std::memory_order_acq_rel);
  pool_ = pool;
}

WorkerPool::SelfWait::~SelfWait() {
  if (pool_ == nullptr) return;
  MutexLock lock(&pool_->self_wait_mu_);
  auto& waits = pool_->self_waits_;
  waits.erase(std::find(waits.begin(), waits.end(), state_));
  pool_->self_waiting_.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace betapool

// File: core/worker_pool_idle.cc
//
// The worker pool's idle protocol: a worker that finds the queue empty
// spins (at most max_spinning_ at once, for as long as idle_spin_ allows),
// then parks on its own futex word; producers and finding spinners wake
// parked workers, most recently parked first. The seq_cst pairs between
// a producer's publish and sleeping_/spinning_ are what keep a task from
// waiting while every worker sleeps; each is explained where it is.
//
// Touches: spinning_, sleeping_, parked_ and each Worker's `parked` under
// idle_mu_ (a futex lock taken on every park and wake, never around user
// code), each Worker's `wake` word and `state`, idle_spin_, and queue_
// (pop, maybe_nonempty). Reads sizes_ through surplus().
#include "core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/futex.h"
#include "core/worker_pool_internal.h"

namespace betapool {

void WorkerPool::wake_after_push() {
  // seq_cst loads after the seq_cst publish in the queue: a worker that
  // parks after this load re-checks the queue and sees the task (park()).
  if (sleeping_.load(std::memory_order_seq_cst) > 0 &&
      spinning_.load(std::memory_order_seq_cst) == 0) {
    wake_parked(1);
  }
}

WorkerPool::Pop WorkerPool::wait_for_work(Worker* w, PoolTask* task,
                                          uint64_t* position) {
  const int64_t idle_from = w->meter.idle_begin();
  w->state.store(internal::kWorkerIdle, std::memory_order_relaxed);

  if (spin_for_work()) {
    const Pop r = queue_.pop(task, position);
    if (r != Pop::kEmpty || surplus()) {
      w->meter.resume_after_spin(idle_from);
      w->state.store(internal::kWorkerBusy, std::memory_order_relaxed);
      if (r == Pop::kTask) maybe_wake_another();
      return r;
    }
  }

  w->meter.before_park(idle_from);
  const Pop r = park(w, task, position);
  w->meter.after_park();
  w->state.store(internal::kWorkerBusy, std::memory_order_relaxed);
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

}  // namespace betapool

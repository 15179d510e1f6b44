// File: core/worker_pool_lifecycle.cc
//
// The life of the worker pool's threads outside the task loop: resize()
// starts threads (and the test seam that makes a start fail), surplus
// workers retire with one CAS on the sizes word, reap() joins retired
// threads and folds their totals in for the next drain, and shutdown
// closes intake, wakes everyone and joins.
//
// Touches: sizes_ (target and live), workers_ / reaped_ /
// last_start_error_ / thread_start_failures_ / reaped_completed_total_
// under structure_mu_, retired_ / unretired_ / workers_in_shutdown_ under
// retire_mu_ (taken after structure_mu_), self_waiting_ (read: a worker
// does not retire while any waits on its own pool). Wakes parked workers
// through wake_parked() (core/worker_pool_idle.cc).
#include "core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <memory>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/worker_pool_internal.h"

namespace betapool {
namespace {

using internal::live_of;
using internal::pack_sizes;
using internal::target_of;

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

}  // namespace

namespace internal {

void fail_thread_starts_for_testing(int succeed, int fail) {
  g_starts_to_fail.store(0, std::memory_order_release);
  g_starts_to_pass.store(succeed, std::memory_order_release);
  g_starts_to_fail.store(fail, std::memory_order_release);
}

}  // namespace internal

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

}  // namespace betapool

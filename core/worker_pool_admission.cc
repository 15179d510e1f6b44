// File: core/worker_pool_admission.cc
//
// Intake of the worker pool: the rejection errors, closing intake, and the
// bounded queue (WorkerPoolOptions::queue_capacity > 0) with its four
// RejectionPolicy answers to a full queue (block, reject, run in the
// caller, discard the oldest). The unbounded fast path and the bounded
// template that calls in here are inline in core/worker_pool.h.
//
// Touches: queue_ (closed, pushed/popped for the depth, pop to discard the
// oldest, close), bound_mu_ / space_cv_ / blocked_producers_ (bound_mu_ is
// taken before the queue's locks and never around user code), and the
// counters rejected_full_, discarded_oldest_, ran_in_caller_. Owns the
// discard reason that Executor's task wrapper reads.
#include "core/worker_pool.h"

#include <atomic>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/errors.h"

namespace betapool {
namespace {

thread_local const char* tls_discard_reason = nullptr;

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

const char* current_discard_reason() noexcept { return tls_discard_reason; }

}  // namespace internal

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

void WorkerPool::close_intake() {
  queue_.close();
  if (capacity_ != 0) {
    // Producers blocked on a full queue see the close and throw.
    MutexLock lock(&bound_mu_);
    space_cv_.SignalAll();
  }
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

}  // namespace betapool

#include "core/future.h"

#include <chrono>

#include "core/adaptive_spin.h"
#include "core/futex.h"
#include "core/worker_pool.h"

namespace betapool::internal {
namespace {

// A waiter polls for up to this long before it sleeps, while that pays (see
// core/adaptive_spin.h): a task of a few microseconds then completes
// without a wake-up system call on either side.
constexpr int64_t kMaxSpinNs = 20'000;

AdaptiveSpin& waiter_spin() {
  static AdaptiveSpin spin(kMaxSpinNs);
  return spin;
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SharedStateBase::publish_and_release() noexcept {
  // Sets kReady (bit 0 is clear) and subtracts one reference, modulo 2^32.
  const uint32_t old =
      word_.fetch_add(kReady - kRef, std::memory_order_acq_rel);
  if ((old >> kRefShift) == 1) {
    delete this;  // nobody holds the future: no waiter either
    return;
  }
  // The waiter may already have seen kReady (spurious wake-up), taken the
  // result and destroyed the state: futex_wake only uses the address as a
  // key (core/futex.h).
  if (old & kWaiting) futex_wake_all(&word_);
}

void SharedStateBase::store_cancelled(const char* reason) noexcept {
  error_ = std::make_exception_ptr(CancelledError(
      reason != nullptr ? reason
                        : "betapool: task was discarded before it ran"));
}

void SharedStateBase::wait() const {
  if (is_ready() || waiter_spin().spin([this] { return is_ready(); })) return;
  // Throws DeadlockError if this is a worker of pool_ and sleeping would
  // leave nobody to run the task.
  const WorkerPool::SelfWait self_wait(pool_, this);
  uint32_t w = word_.load(std::memory_order_acquire);
  while (!(w & kReady)) {
    if (!(w & kWaiting)) {
      if (!word_.compare_exchange_weak(w, w | kWaiting,
                                       std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        continue;
      }
      w |= kWaiting;
    }
    futex_wait(&word_, w);
    w = word_.load(std::memory_order_acquire);
  }
}

bool SharedStateBase::wait_until_ns(int64_t deadline_ns) const {
  // Timed waits do not spin: they are mostly for long or polled results.
  uint32_t w = word_.load(std::memory_order_acquire);
  while (!(w & kReady)) {
    const int64_t left = deadline_ns - steady_ns();
    if (left <= 0) return false;
    if (!(w & kWaiting)) {
      if (!word_.compare_exchange_weak(w, w | kWaiting,
                                       std::memory_order_acq_rel,
                                       std::memory_order_acquire)) {
        continue;
      }
      w |= kWaiting;
    }
    futex_wait_for_ns(&word_, w, left);
    w = word_.load(std::memory_order_acquire);
  }
  return true;
}

}  // namespace betapool::internal

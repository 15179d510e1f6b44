#include "core/future.h"

#include <chrono>

#include "core/adaptive_spin.h"
#include "core/futex.h"

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

void SharedStateBase::publish() noexcept {
  if (word_.exchange(kReady, std::memory_order_acq_rel) == kWaiting) {
    futex_wake_all(&word_);
  }
}

void SharedStateBase::cancel() noexcept {
  error_ = std::make_exception_ptr(
      CancelledError("betapool: task was discarded before it ran"));
  publish();
}

bool SharedStateBase::announce_waiter() const noexcept {
  uint32_t w = word_.load(std::memory_order_acquire);
  if (w == kReady) return true;
  if (w == kEmpty) {
    word_.compare_exchange_strong(w, kWaiting, std::memory_order_acq_rel,
                                  std::memory_order_acquire);
    if (w == kReady) return true;
  }
  return false;
}

void SharedStateBase::wait() const {
  if (is_ready() || waiter_spin().spin([this] { return is_ready(); })) return;
  while (!announce_waiter()) futex_wait(&word_, kWaiting);
}

bool SharedStateBase::wait_until_ns(int64_t deadline_ns) const {
  // Timed waits do not spin: they are mostly for long or polled results.
  while (!announce_waiter()) {
    const int64_t left = deadline_ns - steady_ns();
    if (left <= 0) return is_ready();
    futex_wait_for_ns(&word_, kWaiting, left);
  }
  return true;
}

}  // namespace betapool::internal

// File: core/adaptive_spin.h
//
// internal::AdaptiveSpin: a spin budget that learns whether spinning pays.
// Spinning before sleeping turns a ~5-50 us wake-up into a ~0.1 us hand-off,
// but only when the thread we wait for is running on another core. On an
// oversubscribed machine (more runnable threads than cores, e.g. a shared
// CI box) a spinner takes the core the other side needs, or is itself
// descheduled while others wait for it, and spinning makes latency worse.
//
// So the budget adapts, like glibc's adaptive mutex: a spin that succeeds
// doubles it (up to `max_ns`); one that runs out halves it; one during which
// the thread was descheduled (a gap of more than kPreemptedNs between two
// polls of the clock) quarters it. Below kMinNs the caller does not spin at
// all, except for one probe spin of kMinNs every kProbeEvery calls, so the
// budget can recover when the machine quiets down.
//
// Example:
//   static betapool::internal::AdaptiveSpin spin(20'000);
//   if (!spin.spin([&] { return ready.load(); })) sleep_on_futex();
//
// Thread safety: spin() may be called from any number of threads; the
// budget is one relaxed atomic (racing updates lose one adjustment, which
// does no harm).
#ifndef BETAPOOL_CORE_ADAPTIVE_SPIN_H_
#define BETAPOOL_CORE_ADAPTIVE_SPIN_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/futex.h"

namespace betapool::internal {

class AdaptiveSpin {
 public:
  static constexpr int64_t kMinNs = 1'000;
  static constexpr int64_t kPreemptedNs = 20'000;
  static constexpr uint32_t kProbeEvery = 32;

  explicit AdaptiveSpin(int64_t max_ns) noexcept
      : max_ns_(max_ns), budget_ns_(max_ns) {}

  // Polls `ready()` with pause instructions until it returns true or the
  // budget is spent. Returns whether it became true. `ready` must be cheap
  // (a load or two) and may also be asked to stop for other reasons.
  template <class Ready>
  bool spin(Ready&& ready) {
    if (max_ns_ <= 0) return false;
    int64_t budget = budget_ns_.load(std::memory_order_relaxed);
    if (budget < kMinNs) {
      if (probes_.fetch_add(1, std::memory_order_relaxed) % kProbeEvery != 0) {
        return false;
      }
      budget = kMinNs;
    }
    const int64_t start = now_ns();
    int64_t last = start;
    for (uint32_t i = 1;; ++i) {
      if (ready()) {
        grow(budget);
        return true;
      }
      if ((i & 15) == 0) {
        const int64_t now = now_ns();
        if (now - last > kPreemptedNs) {
          budget_ns_.store(budget / 4, std::memory_order_relaxed);
          return ready();
        }
        if (now - start >= budget) {
          budget_ns_.store(budget / 2, std::memory_order_relaxed);
          return ready();
        }
        last = now;
      }
      cpu_relax();
    }
  }

  int64_t budget_ns() const noexcept {
    return budget_ns_.load(std::memory_order_relaxed);
  }

 private:
  static int64_t now_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void grow(int64_t budget) noexcept {
    const int64_t grown = std::min(max_ns_, std::max(budget, kMinNs) * 2);
    if (grown != budget) budget_ns_.store(grown, std::memory_order_relaxed);
  }

  const int64_t max_ns_;
  std::atomic<int64_t> budget_ns_;
  std::atomic<uint32_t> probes_{0};
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_ADAPTIVE_SPIN_H_

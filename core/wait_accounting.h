// File: core/wait_accounting.h
//
// A thread-local hook through which a serializing resource (a contended lock,
// an interpreter lock such as the lab's SimulatedGil or CPython's GIL) reports
// how long the calling thread waited for it.
//
// Why: a thread blocked on a lock is off-CPU exactly like a thread blocked on
// I/O, so the paper's blocking ratio `beta = 1 - cpu/wall` rises on CPU-bound
// work that merely queues for a lock. The executor reads this counter around
// every task and publishes the lock-wait time beside wall and CPU time, so a
// policy can tell "waiting for I/O" (add threads) from "waiting for a lock"
// (adding threads only lengthens the queue).
//
// Example:
//   void MyLock::lock() {
//     betapool::ScopedLockWait timer;   // reports on destruction
//     mutex_.lock();
//   }
//
// Thread safety: every function touches only the calling thread's counter.
#ifndef BETAPOOL_CORE_WAIT_ACCOUNTING_H_
#define BETAPOOL_CORE_WAIT_ACCOUNTING_H_

#include <chrono>
#include <cstdint>

namespace betapool {

namespace internal {
// Total lock-wait nanoseconds reported by this thread since it started.
inline thread_local int64_t tls_lock_wait_ns = 0;
}  // namespace internal

// Adds `ns` nanoseconds of lock waiting to the calling thread's total.
// Negative values are ignored. Never blocks; safe from any thread.
inline void report_lock_wait(int64_t ns) noexcept {
  if (ns > 0) internal::tls_lock_wait_ns += ns;
}

// Returns the calling thread's total reported lock-wait time in nanoseconds.
// Monotonic per thread; the executor takes differences around each task.
inline int64_t thread_lock_wait_ns() noexcept {
  return internal::tls_lock_wait_ns;
}

// Measures its own lifetime with the steady clock and reports it as lock
// waiting. Put one around the blocking acquire of a serializing resource.
class ScopedLockWait {
 public:
  ScopedLockWait() noexcept : start_(std::chrono::steady_clock::now()) {}
  ScopedLockWait(const ScopedLockWait&) = delete;
  ScopedLockWait& operator=(const ScopedLockWait&) = delete;
  ~ScopedLockWait() {
    report_lock_wait(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now() - start_)
                         .count());
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_WAIT_ACCOUNTING_H_

// File: core/queue_lock.h
//
// internal::QueueLock: a three-state futex mutex (free / locked / locked
// with sleepers) for critical sections of a few nanoseconds, such as taking
// one task off the queue. Uncontended lock and unlock are one atomic
// instruction each and never call into a shared library; a contended
// locker spins ~100 pauses before sleeping, and unlock makes a system call
// only when someone sleeps. (betapool::Mutex wraps Debian's absl::Mutex,
// which costs ~30 ns per lock/unlock here and runs deadlock detection.)
// Built on std::atomic acquire/release, so ThreadSanitizer sees its edges.
//
// Example:
//   betapool::internal::QueueLock lock;
//   {
//     betapool::internal::QueueLockGuard guard(&lock);
//     ... a few loads and stores ...
//   }
//
// Thread safety: lock/unlock from any thread; not recursive.
#ifndef BETAPOOL_CORE_QUEUE_LOCK_H_
#define BETAPOOL_CORE_QUEUE_LOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "core/futex.h"

namespace betapool::internal {

class ABSL_LOCKABLE QueueLock {
 public:
  QueueLock() = default;
  QueueLock(const QueueLock&) = delete;
  QueueLock& operator=(const QueueLock&) = delete;

  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    uint32_t expected = kFree;
    if (!state_.compare_exchange_strong(expected, kLocked,
                                        std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
      lock_slow();
    }
  }

  void unlock() ABSL_UNLOCK_FUNCTION() {
    if (state_.exchange(kFree, std::memory_order_release) == kSleepers) {
      futex_wake(&state_, 1);
    }
  }

 private:
  static constexpr uint32_t kFree = 0;
  static constexpr uint32_t kLocked = 1;
  static constexpr uint32_t kSleepers = 2;
  static constexpr int kSpins = 100;

  void lock_slow() {
    for (int i = 0; i < kSpins; ++i) {
      cpu_relax();
      if (state_.load(std::memory_order_relaxed) == kFree) {
        uint32_t expected = kFree;
        if (state_.compare_exchange_weak(expected, kLocked,
                                         std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return;
        }
      }
    }
    // Mark "sleepers" so the holder's unlock wakes us; whoever gets the lock
    // this way keeps the mark (a spurious wake at worst).
    while (state_.exchange(kSleepers, std::memory_order_acquire) != kFree) {
      futex_wait(&state_, kSleepers);
    }
  }

  std::atomic<uint32_t> state_{kFree};
};

class ABSL_SCOPED_LOCKABLE QueueLockGuard {
 public:
  explicit QueueLockGuard(QueueLock* lock) ABSL_EXCLUSIVE_LOCK_FUNCTION(lock)
      : lock_(lock) {
    lock_->lock();
  }
  QueueLockGuard(const QueueLockGuard&) = delete;
  QueueLockGuard& operator=(const QueueLockGuard&) = delete;
  ~QueueLockGuard() ABSL_UNLOCK_FUNCTION() { lock_->unlock(); }

 private:
  QueueLock* const lock_;
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_QUEUE_LOCK_H_

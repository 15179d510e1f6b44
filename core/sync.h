// File: core/sync.h
//
// betapool::Mutex, MutexLock, CondVar and Notification: thin wrappers over
// their Abseil namesakes with the same API, plus ThreadSanitizer
// annotations.
//
// Why: Debian ships Abseil prebuilt without -fsanitize=thread, so TSan
// cannot see the happens-before edges absl::Mutex creates inside the shared
// library and reports every access guarded by it as a race. The wrappers
// tell TSan about each edge (__tsan_release before an unlock or a notify,
// __tsan_acquire after a lock or a wake-up). Outside TSan builds they
// compile to the plain Abseil calls. Use these, not absl::Mutex, in
// betapool code.
//
// Example:
//   betapool::Mutex mu_;
//   int count_ ABSL_GUARDED_BY(mu_) = 0;
//   void add() { betapool::MutexLock lock(&mu_); ++count_; }
#ifndef BETAPOOL_CORE_SYNC_H_
#define BETAPOOL_CORE_SYNC_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#if defined(__SANITIZE_THREAD__)
#define BETAPOOL_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BETAPOOL_TSAN 1
#endif
#endif

#ifdef BETAPOOL_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace betapool {

namespace internal {
inline void tsan_acquire([[maybe_unused]] const void* addr) {
#ifdef BETAPOOL_TSAN
  __tsan_acquire(const_cast<void*>(addr));
#endif
}
inline void tsan_release([[maybe_unused]] const void* addr) {
#ifdef BETAPOOL_TSAN
  __tsan_release(const_cast<void*>(addr));
#endif
}
}  // namespace internal

class CondVar;

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    mu_.Lock();
    internal::tsan_acquire(this);
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    internal::tsan_release(this);
    mu_.Unlock();
  }
  bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!mu_.TryLock()) return false;
    internal::tsan_acquire(this);
    return true;
  }
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() { mu_.AssertHeld(); }

 private:
  friend class CondVar;
  absl::Mutex mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  // Atomically releases *mu, waits for a signal and re-acquires *mu.
  void Wait(Mutex* mu) {
    internal::tsan_release(mu);
    cv_.Wait(&mu->mu_);
    internal::tsan_acquire(mu);
  }
  // As Wait; returns true if the timeout expired (like absl::CondVar).
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
    internal::tsan_release(mu);
    const bool timed_out = cv_.WaitWithTimeout(&mu->mu_, timeout);
    internal::tsan_acquire(mu);
    return timed_out;
  }
  void Signal() { cv_.Signal(); }
  void SignalAll() { cv_.SignalAll(); }

 private:
  absl::CondVar cv_;
};

class Notification {
 public:
  Notification() = default;
  Notification(const Notification&) = delete;
  Notification& operator=(const Notification&) = delete;

  void Notify() {
    internal::tsan_release(this);
    n_.Notify();
  }
  bool HasBeenNotified() const {
    if (!n_.HasBeenNotified()) return false;
    internal::tsan_acquire(this);
    return true;
  }
  void WaitForNotification() const {
    n_.WaitForNotification();
    internal::tsan_acquire(this);
  }
  bool WaitForNotificationWithTimeout(absl::Duration timeout) const {
    if (!n_.WaitForNotificationWithTimeout(timeout)) return false;
    internal::tsan_acquire(this);
    return true;
  }

 private:
  absl::Notification n_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_SYNC_H_

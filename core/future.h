// File: core/future.h
//
// betapool::Future<T> / Promise<T>: a one-shot result channel with the
// familiar std::future surface (get, wait, wait_for, wait_until, valid) and
// two differences that matter at high task rates:
//  - completing a result that nobody is waiting for costs one atomic
//    exchange and no system call (on libstdc++ 12, std::promise::set_value
//    always makes a futex call, ~1 us on a virtual machine — more than the
//    task itself for small tasks);
//  - a waiter spins briefly (up to 20 us, less when spinning does not pay,
//    see core/adaptive_spin.h) before it sleeps, so a short task's result
//    is picked up without a wake-up system call either.
// The shared state is reference counted in place (no std::shared_ptr
// control block), and Executor::submit allocates it together with the task
// (core/task_wrapper.h): one heap allocation per submitted task.
//
// A Promise destroyed without a value completes its future with
// CancelledError, so a task discarded before it ran (shutdown_now, a full
// queue) can never leave a caller waiting forever.
//
// Interop: `Executor::submit_std` returns a std::future where an API needs
// one; `Future::get()` is the bridge in the other direction.
//
// Example:
//   betapool::Future<int> f = executor.submit([] { return 42; });
//   if (f.wait_for(std::chrono::seconds(1)) == std::future_status::ready)
//     int v = f.get();   // 42, or rethrows the task's exception
//
// Thread safety: one Promise completes once from any thread; a Future is used
// by one thread at a time (like std::future). `valid()` is false after get().
#ifndef BETAPOOL_CORE_FUTURE_H_
#define BETAPOOL_CORE_FUTURE_H_

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "core/errors.h"

namespace betapool {

class WorkerPool;

namespace internal {

// Completion word and reference count in one atomic, plus the error slot.
// Bit 0: the result is ready; bit 1: a waiter sleeps on the word; bits 2-31:
// references. Completing is one atomic add that sets "ready" and drops the
// completing side's reference together, so a thread that waits for the
// result always drops the last reference itself (and destroys the result,
// or the exception it caught, on its own thread). Only a completion that
// sees a sleeping waiter makes the wake-up system call.
class SharedStateBase {
 public:
  SharedStateBase(const SharedStateBase&) = delete;
  SharedStateBase& operator=(const SharedStateBase&) = delete;

  bool is_ready() const noexcept {
    return (word_.load(std::memory_order_acquire) & kReady) != 0;
  }

  // Spins briefly while spinning pays (core/adaptive_spin.h), then sleeps
  // on the futex until ready. Throws DeadlockError instead of sleeping if
  // the caller is a worker of pool() and no other worker of it is left to
  // run the task (WorkerPool::SelfWait).
  void wait() const;

  // The pool that runs the task (set by Executor::submit), or nullptr.
  WorkerPool* pool() const noexcept { return pool_; }
  void set_pool(WorkerPool* pool) noexcept { pool_ = pool; }

  // Returns true if ready by `deadline` (steady clock, nanoseconds).
  bool wait_until_ns(int64_t deadline_ns) const;

  void add_ref() noexcept { word_.fetch_add(kRef, std::memory_order_relaxed); }
  // Drops one reference; the last one destroys the state.
  void release() noexcept {
    if ((word_.fetch_sub(kRef, std::memory_order_acq_rel) >> kRefShift) == 1) {
      delete this;
    }
  }

  // Marks the stored result ready and drops the caller's reference in one
  // step, then wakes a sleeping waiter. The caller must not touch the state
  // afterwards.
  void publish_and_release() noexcept;

 protected:
  explicit SharedStateBase(uint32_t refs) noexcept : word_(refs * kRef) {}
  virtual ~SharedStateBase() = default;

  void store_exception(std::exception_ptr e) noexcept { error_ = std::move(e); }
  // Stores CancelledError("betapool: task was discarded before it ran") or,
  // if given, one with `reason`.
  void store_cancelled(const char* reason = nullptr) noexcept;

  std::exception_ptr error_;

 private:
  static constexpr uint32_t kReady = 1;
  static constexpr uint32_t kWaiting = 2;
  static constexpr int kRefShift = 2;
  static constexpr uint32_t kRef = 1u << kRefShift;

  mutable std::atomic<uint32_t> word_;
  WorkerPool* pool_ = nullptr;
};

// The result slot. References are stored as pointers.
template <class T>
class SharedState : public SharedStateBase {
 public:
  explicit SharedState(uint32_t refs) noexcept : SharedStateBase(refs) {}

  // Stores the value (not yet visible: publish_and_release() does that). If
  // constructing it throws, nothing is stored and the exception propagates.
  template <class U>
  void store_value(U&& value) {
    if constexpr (std::is_reference_v<T>) {
      ::new (static_cast<void*>(&storage_)) Stored(std::addressof(value));
    } else {
      ::new (static_cast<void*>(&storage_)) Stored(std::forward<U>(value));
    }
    has_value_ = true;
  }
  using SharedStateBase::store_cancelled;
  using SharedStateBase::store_exception;

  // Returns the value (moved out) or rethrows the error. Requires
  // is_ready() (Future::get waits first).
  T take() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (std::is_reference_v<T>) {
      return static_cast<T>(**stored());
    } else {
      return std::move(*stored());
    }
  }

 protected:
  ~SharedState() override {
    if (has_value_) stored()->~Stored();
  }

 private:
  using Stored = std::conditional_t<std::is_reference_v<T>,
                                    std::remove_reference_t<T>*, T>;
  Stored* stored() { return std::launder(reinterpret_cast<Stored*>(&storage_)); }

  alignas(Stored) unsigned char storage_[sizeof(Stored)];
  bool has_value_ = false;
};

template <>
class SharedState<void> : public SharedStateBase {
 public:
  explicit SharedState(uint32_t refs) noexcept : SharedStateBase(refs) {}
  void store_value() noexcept {}
  using SharedStateBase::store_cancelled;
  using SharedStateBase::store_exception;
  void take() {  // requires is_ready()
    if (error_) std::rethrow_exception(error_);
  }
};

struct FutureAccess;

}  // namespace internal

template <class T>
class Future {
 public:
  Future() = default;
  Future(Future&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  Future& operator=(Future&& other) noexcept {
    if (this != &other) {
      reset();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;
  ~Future() { reset(); }

  // True until get() consumed the result (or for a default-constructed one).
  bool valid() const noexcept { return state_ != nullptr; }

  // True when get() would not block. Like get(), every waiting call on a
  // future without a state (default-constructed, moved from, or consumed by
  // get()) throws std::future_error(no_state): std::future leaves that
  // undefined; here it is one defined error, never a crash.
  bool is_ready() const { return state().is_ready(); }

  // Waits for the result and returns it, or rethrows the task's exception
  // (CancelledError if the task was discarded). Afterwards valid() is false.
  // Throws std::future_error(no_state) when !valid(), and DeadlockError
  // (leaving the future valid) when waiting could never end (see wait()).
  T get() {
    state().wait();  // may throw DeadlockError: the future stays valid
    struct Release {
      internal::SharedState<T>* s;
      ~Release() { s->release(); }
    } release{std::exchange(state_, nullptr)};
    return release.s->take();
  }

  // Blocks until the result is ready. Throws std::future_error(no_state)
  // when !valid(), and DeadlockError if called from a task whose pool has no
  // other worker left to run the awaited task (every other live worker
  // waits the same way). wait_for / wait_until are not deadlock-checked:
  // they return timeout.
  void wait() const { state().wait(); }

  // Any timeout or deadline is defined, in any unit and representation:
  // one already passed (zero, negative, time_point::min(), -inf, NaN) only
  // checks; one beyond ~100 years (up to duration::max() /
  // time_point::max(), +inf) waits that long. Nothing converts between
  // units in integers, so nothing overflows.
  template <class Rep, class Period>
  std::future_status wait_for(
      const std::chrono::duration<Rep, Period>& timeout) const {
    const internal::SharedState<T>& s = state();
    const long double left = seconds(timeout);
    if (!(left > 0)) return status(s.is_ready());  // passed, or NaN
    return status(s.wait_until_ns(steady_deadline_ns(left)));
  }

  template <class Clock, class Duration>
  std::future_status wait_until(
      const std::chrono::time_point<Clock, Duration>& deadline) const {
    const internal::SharedState<T>& s = state();
    // In seconds: `deadline - now` in integers would overflow for a
    // deadline far from now in a coarser unit than the clock's (min(),
    // max()), or for `now` in a finer one.
    const long double left = seconds(deadline.time_since_epoch()) -
                             seconds(Clock::now().time_since_epoch());
    if (!(left > 0)) return status(s.is_ready());  // passed, or NaN
    // Converted to the steady clock once: a system-clock jump after this
    // point does not move the deadline.
    return status(s.wait_until_ns(steady_deadline_ns(left)));
  }

 private:
  friend struct internal::FutureAccess;
  template <class>
  friend class Promise;
  // Adopts one reference.
  explicit Future(internal::SharedState<T>* s) noexcept : state_(s) {}
  void reset() noexcept {
    if (state_ != nullptr) std::exchange(state_, nullptr)->release();
  }
  static std::future_status status(bool ready) noexcept {
    return ready ? std::future_status::ready : std::future_status::timeout;
  }
  // Any duration in seconds (a long double holds every integer duration's
  // range, and the conversion multiplies in floating point).
  template <class Rep, class Period>
  static long double seconds(const std::chrono::duration<Rep, Period>& d) {
    return std::chrono::duration<long double>(d).count();
  }
  // The steady clock's reading `left` seconds (> 0, may be +inf) from now,
  // in ns, the wait capped at ~100 years.
  static int64_t steady_deadline_ns(long double left) {
    constexpr long double kLongest = 100.0L * 365 * 24 * 3600;
    const long double wait = left < kLongest ? left : kLongest;
    const auto wait_ns = static_cast<int64_t>(std::ceil(wait * 1e9L));
    return std::chrono::nanoseconds(
               std::chrono::steady_clock::now().time_since_epoch())
               .count() +
           wait_ns;
  }
  const internal::SharedState<T>& state() const {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    return *state_;
  }

  internal::SharedState<T>* state_ = nullptr;
};

template <class T>
class Promise {
 public:
  Promise() : state_(new internal::SharedState<T>(1)) {}
  Promise(Promise&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)),
        future_taken_(other.future_taken_) {}
  Promise& operator=(Promise&&) = delete;
  Promise(const Promise&) = delete;
  Promise& operator=(const Promise&) = delete;

  // An unfulfilled promise completes its future with CancelledError.
  ~Promise() {
    if (state_ != nullptr) {
      state_->store_cancelled();
      state_->publish_and_release();
    }
  }

  // Returns the future. Call once: a second call throws
  // std::future_error(future_already_retrieved); after set_* throws
  // std::future_error(no_state).
  Future<T> get_future() {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    if (future_taken_) {
      throw std::future_error(std::future_errc::future_already_retrieved);
    }
    future_taken_ = true;
    state_->add_ref();
    return Future<T>(state_);
  }

  // Completes the future. Call once. If constructing the value throws, the
  // promise stays unfulfilled (set_exception may follow).
  template <class... U>
  void set_value(U&&... value) {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    state_->store_value(std::forward<U>(value)...);
    std::exchange(state_, nullptr)->publish_and_release();
  }
  void set_exception(std::exception_ptr e) {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    state_->store_exception(std::move(e));
    std::exchange(state_, nullptr)->publish_and_release();
  }

 private:
  internal::SharedState<T>* state_;
  bool future_taken_ = false;
};

namespace internal {

// Lets the executor's fused task state hand out its future.
struct FutureAccess {
  template <class T>
  static Future<T> adopt(SharedState<T>* state) noexcept {
    return Future<T>(state);
  }
};

}  // namespace internal

}  // namespace betapool

#endif  // BETAPOOL_CORE_FUTURE_H_

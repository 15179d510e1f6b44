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
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "core/errors.h"

namespace betapool {

namespace internal {

// Completion word, reference count and error slot shared by producer and
// consumer. The word is kEmpty until a waiter announces itself (kWaiting)
// or the result lands (kReady); only a completion that sees kWaiting makes
// the wake-up system call.
class SharedStateBase {
 public:
  SharedStateBase(const SharedStateBase&) = delete;
  SharedStateBase& operator=(const SharedStateBase&) = delete;

  bool is_ready() const noexcept {
    return word_.load(std::memory_order_acquire) == kReady;
  }

  // Spins briefly while spinning pays (core/adaptive_spin.h), then sleeps
  // on the futex until ready.
  void wait() const;

  // Returns true if ready by `deadline` (steady clock, nanoseconds).
  bool wait_until_ns(int64_t deadline_ns) const;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Drops one reference; the last one destroys the state.
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

 protected:
  explicit SharedStateBase(uint32_t refs) noexcept : refs_(refs) {}
  virtual ~SharedStateBase() = default;

  // Marks the result ready (release) and wakes a sleeping waiter, if any.
  void publish() noexcept;
  // For cancellation: stores CancelledError and publishes.
  void cancel() noexcept;

  std::exception_ptr error_;

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kWaiting = 1;
  static constexpr uint32_t kReady = 2;

  // Returns true when ready; otherwise marks the word kWaiting so the
  // completing thread knows to wake us.
  bool announce_waiter() const noexcept;

  mutable std::atomic<uint32_t> word_{kEmpty};
  std::atomic<uint32_t> refs_;
};

// The result slot. References are stored as pointers.
template <class T>
class SharedState : public SharedStateBase {
 public:
  explicit SharedState(uint32_t refs) noexcept : SharedStateBase(refs) {}

  // Stores the value and publishes. If constructing the value throws,
  // nothing is published and the exception propagates.
  template <class U>
  void set_value(U&& value) {
    if constexpr (std::is_reference_v<T>) {
      ::new (static_cast<void*>(&storage_)) Stored(std::addressof(value));
    } else {
      ::new (static_cast<void*>(&storage_)) Stored(std::forward<U>(value));
    }
    has_value_ = true;
    publish();
  }
  void set_exception(std::exception_ptr e) noexcept {
    error_ = std::move(e);
    publish();
  }
  // Waits, then returns the value (moved out) or rethrows the error.
  T take() {
    wait();
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
  void set_value() noexcept { publish(); }
  void set_exception(std::exception_ptr e) noexcept {
    error_ = std::move(e);
    publish();
  }
  void take() {
    wait();
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

  // True when get() would not block. Requires valid().
  bool is_ready() const noexcept { return state_->is_ready(); }

  // Waits for the result and returns it, or rethrows the task's exception
  // (CancelledError if the task was discarded). Afterwards valid() is false.
  // Throws std::future_error(no_state) when !valid().
  T get() {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    struct Release {
      internal::SharedState<T>* s;
      ~Release() { s->release(); }
    } release{std::exchange(state_, nullptr)};
    return release.s->take();
  }

  // Blocks until the result is ready. Requires valid().
  void wait() const { state_->wait(); }

  template <class Rep, class Period>
  std::future_status wait_for(
      const std::chrono::duration<Rep, Period>& timeout) const {
    return wait_until(std::chrono::steady_clock::now() + timeout);
  }

  template <class Clock, class Duration>
  std::future_status wait_until(
      const std::chrono::time_point<Clock, Duration>& deadline) const {
    // Convert to the steady clock once; a system-clock jump after this
    // point does not move the deadline.
    const auto left = deadline - Clock::now();
    const int64_t deadline_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::steady_clock::now().time_since_epoch() + left)
            .count();
    return state_->wait_until_ns(deadline_ns) ? std::future_status::ready
                                               : std::future_status::timeout;
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
      state_->set_exception(std::make_exception_ptr(
          CancelledError("betapool: task was discarded before it ran")));
      state_->release();
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
    state_->set_value(std::forward<U>(value)...);
    std::exchange(state_, nullptr)->release();
  }
  void set_exception(std::exception_ptr e) {
    if (state_ == nullptr) throw std::future_error(std::future_errc::no_state);
    state_->set_exception(std::move(e));
    std::exchange(state_, nullptr)->release();
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

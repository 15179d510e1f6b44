// File: core/future.h
//
// betapool::Future<T> / Promise<T>: a one-shot result channel with the
// familiar std::future surface (get, wait, wait_for, wait_until, valid) and
// one difference that matters at high task rates: completing a result that
// nobody is waiting for costs one atomic exchange and no system call. (On
// libstdc++ 12, std::promise::set_value always makes a futex call, ~1 us on
// a virtual machine — more than the task itself for small tasks.)
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
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/errors.h"
#include "core/futex.h"

namespace betapool {

namespace internal {

// Completion word shared by producer and consumer: kEmpty until a waiter
// announces itself (kWaiting) or the result lands (kReady). Only a completion
// that sees kWaiting makes the wake-up system call.
class SharedStateBase {
 public:
  bool is_ready() const noexcept {
    return word_.load(std::memory_order_acquire) == kReady;
  }

  void wait() const {
    while (!announce_waiter()) futex_wait(&word_, kWaiting);
  }

  // Returns true if ready by `deadline`.
  bool wait_until(absl::Time deadline) const {
    while (!announce_waiter()) {
      if (absl::Now() >= deadline) return is_ready();
      futex_wait(&word_, kWaiting, deadline);
    }
    return true;
  }

 protected:
  void publish() noexcept {
    if (word_.exchange(kReady, std::memory_order_acq_rel) == kWaiting) {
      futex_wake_all(&word_);
    }
  }

  std::exception_ptr error_;

 private:
  static constexpr uint32_t kEmpty = 0;
  static constexpr uint32_t kWaiting = 1;
  static constexpr uint32_t kReady = 2;

  // Returns true when the result is ready; otherwise marks the word kWaiting
  // so the completing thread knows to wake us.
  bool announce_waiter() const {
    uint32_t w = word_.load(std::memory_order_acquire);
    if (w == kReady) return true;
    if (w == kEmpty) {
      word_.compare_exchange_strong(w, kWaiting, std::memory_order_acq_rel,
                                    std::memory_order_acquire);
      if (w == kReady) return true;
    }
    return false;
  }

  mutable std::atomic<uint32_t> word_{kEmpty};
};

template <class T>
class SharedState : public SharedStateBase {
 public:
  template <class U>
  void set_value(U&& value) {
    value_.emplace(std::forward<U>(value));
    publish();
  }
  void set_exception(std::exception_ptr e) {
    error_ = std::move(e);
    publish();
  }
  T take() {
    wait();
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class SharedState<void> : public SharedStateBase {
 public:
  void set_value() { publish(); }
  void set_exception(std::exception_ptr e) {
    error_ = std::move(e);
    publish();
  }
  void take() {
    wait();
    if (error_) std::rethrow_exception(error_);
  }
};

}  // namespace internal

template <class T>
class Future {
 public:
  Future() = default;
  Future(Future&&) noexcept = default;
  Future& operator=(Future&&) noexcept = default;
  Future(const Future&) = delete;
  Future& operator=(const Future&) = delete;

  // True until get() consumed the result (or for a default-constructed one).
  bool valid() const noexcept { return state_ != nullptr; }

  // True when get() would not block. Requires valid().
  bool is_ready() const noexcept { return state_->is_ready(); }

  // Waits for the result and returns it, or rethrows the task's exception
  // (CancelledError if the task was discarded). Afterwards valid() is false.
  // Throws std::future_error(no_state) when !valid().
  T get() {
    if (!state_) throw std::future_error(std::future_errc::no_state);
    auto state = std::move(state_);
    return state->take();
  }

  // Blocks until the result is ready. Requires valid().
  void wait() const { state_->wait(); }

  template <class Rep, class Period>
  std::future_status wait_for(
      const std::chrono::duration<Rep, Period>& timeout) const {
    return state_->wait_until(absl::Now() + absl::FromChrono(timeout))
               ? std::future_status::ready
               : std::future_status::timeout;
  }

  template <class Clock, class Duration>
  std::future_status wait_until(
      const std::chrono::time_point<Clock, Duration>& deadline) const {
    return wait_for(deadline - Clock::now());
  }

 private:
  template <class>
  friend class Promise;
  explicit Future(std::shared_ptr<internal::SharedState<T>> s)
      : state_(std::move(s)) {}

  std::shared_ptr<internal::SharedState<T>> state_;
};

template <class T>
class Promise {
 public:
  Promise() : state_(std::make_shared<internal::SharedState<T>>()) {}
  Promise(Promise&&) noexcept = default;
  Promise& operator=(Promise&&) = delete;
  Promise(const Promise&) = delete;
  Promise& operator=(const Promise&) = delete;

  // An unfulfilled promise completes its future with CancelledError.
  ~Promise() {
    if (state_) {
      state_->set_exception(std::make_exception_ptr(CancelledError(
          "betapool: task was discarded before it ran")));
    }
  }

  // Call once, before any set_*.
  Future<T> get_future() { return Future<T>(state_); }

  template <class... U>
  void set_value(U&&... value) {
    auto state = std::move(state_);
    state->set_value(std::forward<U>(value)...);
  }
  void set_exception(std::exception_ptr e) {
    auto state = std::move(state_);
    state->set_exception(std::move(e));
  }

 private:
  std::shared_ptr<internal::SharedState<T>> state_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_FUTURE_H_

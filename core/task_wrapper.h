// File: core/task_wrapper.h
//
// Internal helpers that turn a user callable into a PoolTask: run it, put
// its value or exception into the promise or future state, and tell the pool
// whether it failed. Never throws — a task's exception must reach its future
// and never the worker.
//
// `TaskState<R, Fn>` fuses Executor::submit's two objects into one heap
// allocation: the future's shared state and the callable with its bound
// arguments. The queue holds a `TaskRef` (one pointer, stored inline in the
// PoolTask); the future holds the other reference. The callable is destroyed
// right after it runs (before the future is ready) or when the task is
// discarded, not when the future goes away.
//
// Example (what Executor::submit does):
//   auto* state = new internal::TaskState<int, Fn>(std::move(fn));
//   Future<int> f = internal::FutureAccess::adopt<int>(state);
//   pool.enqueue(internal::TaskRef<internal::TaskState<int, Fn>>(state));
#ifndef BETAPOOL_CORE_TASK_WRAPPER_H_
#define BETAPOOL_CORE_TASK_WRAPPER_H_

#include <exception>
#include <functional>
#include <future>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

#include "core/future.h"
#include "core/pool_task.h"

namespace betapool::internal {

// Call inside a catch block: marks `out` failed with the exception's text.
inline void note_current_exception(TaskOutcome& out) noexcept {
  out.ok = false;
  try {
    throw;
  } catch (const std::exception& e) {
    out.error = e.what();
  } catch (...) {
    out.error = "exception not derived from std::exception";
  }
}

template <class R, class PromiseT, class Fn>
void run_into(PromiseT& promise, TaskOutcome& out, Fn& fn) noexcept {
  try {
    if constexpr (std::is_void_v<R>) {
      fn();
      promise.set_value();
    } else {
      promise.set_value(fn());
    }
  } catch (...) {
    note_current_exception(out);
    try {
      promise.set_exception(std::current_exception());
    } catch (...) {
      // std::promise throws if already satisfied (a value whose move threw
      // after set): the future already holds something; nothing to add.
    }
  }
}

// Binds decay-copied arguments to a decay-copied callable; no tuple when
// there are no arguments.
template <class F, class... Args>
auto bind_call(F&& fn, Args&&... args) {
  if constexpr (sizeof...(Args) == 0) {
    return std::decay_t<F>(std::forward<F>(fn));
  } else {
    return [fn = std::forward<F>(fn),
            args = std::make_tuple(std::forward<Args>(args)...)]() mutable
           -> decltype(auto) { return std::apply(fn, args); };
  }
}

// The future's shared state plus the callable, in one allocation. Starts
// with two references: the Future and the TaskRef in the queue.
template <class R, class Fn>
class TaskState final : public SharedState<R> {
 public:
  template <class F>
  explicit TaskState(F&& fn) : SharedState<R>(2) {
    ::new (static_cast<void*>(&fn_storage_)) Fn(std::forward<F>(fn));
  }

  // run_into's promise interface: store only; run() publishes afterwards.
  template <class... U>
  void set_value(U&&... value) {
    this->store_value(std::forward<U>(value)...);
  }
  void set_exception(std::exception_ptr e) noexcept {
    this->store_exception(std::move(e));
  }

  // Runs the callable into the state, destroys the callable, then makes the
  // result visible and drops the queue's reference (the state may be gone
  // when this returns). Captures are destroyed before the future is ready.
  void run(TaskOutcome& out) noexcept {
    run_into<R>(*this, out, fn());
    destroy_fn();
    this->publish_and_release();
  }

  // Discarded before it ran (shutdown_now, a full discard_oldest queue):
  // the callable and its captures are destroyed now, not when the future
  // goes, and the future gets CancelledError (with `reason` if given);
  // drops the queue's reference.
  void discard(const char* reason = nullptr) noexcept {
    destroy_fn();
    this->store_cancelled(reason);
    this->publish_and_release();
  }

 private:
  ~TaskState() override { destroy_fn(); }
  Fn& fn() { return *std::launder(reinterpret_cast<Fn*>(&fn_storage_)); }
  void destroy_fn() noexcept {
    if (fn_alive_) {
      fn_alive_ = false;
      fn().~Fn();
    }
  }

  alignas(Fn) unsigned char fn_storage_[sizeof(Fn)];
  bool fn_alive_ = true;
};

// The queued half of a TaskState: one pointer, so PoolTask stores it inline.
// Running it runs the task; destroying it unrun cancels the future.
template <class State>
class TaskRef {
 public:
  explicit TaskRef(State* state) noexcept : state_(state) {}
  TaskRef(TaskRef&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  TaskRef& operator=(TaskRef&&) = delete;
  TaskRef(const TaskRef&) = delete;
  TaskRef& operator=(const TaskRef&) = delete;
  ~TaskRef() {
    if (state_ != nullptr) state_->discard();
  }

  void operator()(TaskOutcome& out) noexcept {
    std::exchange(state_, nullptr)->run(out);
  }

 private:
  State* state_;
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_TASK_WRAPPER_H_

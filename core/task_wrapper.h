// File: core/task_wrapper.h
//
// Internal helpers that turn a user callable into a PoolTask: run it, put
// its value or exception into the promise, and tell the pool whether it
// failed. Never throws — a task's exception must reach its future and never
// the worker.
#ifndef BETAPOOL_CORE_TASK_WRAPPER_H_
#define BETAPOOL_CORE_TASK_WRAPPER_H_

#include <exception>
#include <future>
#include <type_traits>
#include <utility>

#include "core/future.h"
#include "core/worker_pool.h"

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

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_TASK_WRAPPER_H_

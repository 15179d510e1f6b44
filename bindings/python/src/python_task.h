// File: bindings/python/src/python_task.h
//
// PythonTask: one submitted Python call waiting in the pool's queue — the
// callable, its arguments and the concurrent.futures.Future that will
// receive its result — as a move-only C++ callable for Executor::post.
//
// Running it (on a worker thread, without the GIL): takes the GIL through
// WorkerGil (timed: the GIL-wait signal), marks the future running (or
// skips a future the caller cancelled), calls fn(*args, **kwargs), stores
// the result or the exception in the future, drops every reference, and
// gives the GIL back. A task that raised is then reported to the pool as
// failed (a C++ exception carrying "TypeName: message"), so the executor's
// failure counts and task records see it.
//
// A task destroyed without running (shutdown with cancel_futures, or an
// executor torn down with work queued) cancels its future under the GIL.
//
// Example:
//   executor.post(PythonTask(future, fn, args, kwargs, counters));
//
// Thread safety: a task is used by one thread at a time; its constructor
// must run with the GIL held (it takes new references).
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_TASK_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_TASK_H_

#include <Python.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace betapool::python {

// Counts shared by an executor and its tasks. `finished` moves before the
// future completes, so a caller that waited for n futures reads >= n.
struct TaskCounters {
  std::atomic<int64_t> finished{0};
  std::atomic<int64_t> failed{0};
  std::atomic<int64_t> cancelled{0};
};

// Thrown on the worker (after the GIL is released) for a task that raised,
// so the pool counts it as failed. Never reaches Python.
class PythonTaskError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Interned method names, created once at module import (GIL held).
void init_python_task_names();

class PythonTask {
 public:
  // Takes new references to every object. `kwargs` may be null.
  PythonTask(PyObject* future, PyObject* fn, PyObject* args, PyObject* kwargs,
             std::shared_ptr<TaskCounters> counters);
  PythonTask(PythonTask&& other) noexcept;
  PythonTask& operator=(PythonTask&&) = delete;
  PythonTask(const PythonTask&) = delete;
  PythonTask& operator=(const PythonTask&) = delete;
  ~PythonTask();

  // Runs the call on the current (worker) thread. Throws PythonTaskError
  // after completing the future if the callable raised.
  void operator()();

 private:
  void clear_references() noexcept;  // GIL held

  PyObject* future_ = nullptr;
  PyObject* fn_ = nullptr;
  PyObject* args_ = nullptr;
  PyObject* kwargs_ = nullptr;
  std::shared_ptr<TaskCounters> counters_;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_TASK_H_

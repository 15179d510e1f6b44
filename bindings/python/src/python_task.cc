#include "bindings/python/src/python_task.h"

#include <string>
#include <utility>

#include "bindings/python/src/worker_gil.h"

namespace betapool::python {
namespace {

PyObject* g_set_running = nullptr;  // "set_running_or_notify_cancel"
PyObject* g_set_result = nullptr;   // "set_result"
PyObject* g_set_exception = nullptr;
PyObject* g_cancel = nullptr;

// "TypeName: message" of an exception object (GIL held; never raises).
std::string describe(PyObject* exc) {
  std::string text = Py_TYPE(exc)->tp_name;
  PyObject* s = PyObject_Str(exc);
  if (s != nullptr) {
    Py_ssize_t n = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(s, &n);
    if (utf8 != nullptr && n > 0) text.append(": ").append(utf8, n);
    Py_DECREF(s);
  }
  PyErr_Clear();
  return text;
}

// Calls future.<name>(arg) and reports (not raises) a failure: the future's
// owner may have completed it already, which must not kill the worker.
void call_future(PyObject* future, PyObject* name, PyObject* arg) {
  PyObject* argv[2] = {future, arg};
  PyObject* r = PyObject_VectorcallMethod(
      name, argv, (arg != nullptr ? 2 : 1) | PY_VECTORCALL_ARGUMENTS_OFFSET,
      nullptr);
  if (r == nullptr) {
    PyErr_WriteUnraisable(future);
  } else {
    Py_DECREF(r);
  }
}

}  // namespace

void init_python_task_names() {
  if (g_set_running != nullptr) return;
  g_set_running = PyUnicode_InternFromString("set_running_or_notify_cancel");
  g_set_result = PyUnicode_InternFromString("set_result");
  g_set_exception = PyUnicode_InternFromString("set_exception");
  g_cancel = PyUnicode_InternFromString("cancel");
}

PythonTask::PythonTask(PyObject* future, PyObject* fn, PyObject* args,
                       PyObject* kwargs, std::shared_ptr<TaskCounters> counters)
    : future_(future),
      fn_(fn),
      args_(args),
      kwargs_(kwargs),
      counters_(std::move(counters)) {
  Py_INCREF(future_);
  Py_INCREF(fn_);
  Py_INCREF(args_);
  Py_XINCREF(kwargs_);
}

PythonTask::PythonTask(PythonTask&& other) noexcept
    : future_(std::exchange(other.future_, nullptr)),
      fn_(std::exchange(other.fn_, nullptr)),
      args_(std::exchange(other.args_, nullptr)),
      kwargs_(std::exchange(other.kwargs_, nullptr)),
      counters_(std::move(other.counters_)) {}

PythonTask::~PythonTask() {
  if (future_ == nullptr) return;
  // Discarded before it ran. Without an interpreter there is nobody left to
  // tell and nothing safe to free: leak the references.
  ScopedGil gil;
  if (!gil.ok()) return;
  if (counters_) counters_->cancelled.fetch_add(1, std::memory_order_relaxed);
  // cancel() cannot fail for a pending future; a future already cancelled
  // by its owner is fine too. Either way waiters wake with CancelledError.
  call_future(future_, g_cancel, nullptr);
  clear_references();
}

void PythonTask::clear_references() noexcept {
  Py_CLEAR(future_);
  Py_CLEAR(fn_);
  Py_CLEAR(args_);
  Py_CLEAR(kwargs_);
}

void PythonTask::operator()() {
  WorkerGil& gil = WorkerGil::current();
  if (!gil.acquire()) {
    // The interpreter is finalizing: running Python is no longer possible
    // and touching the objects is not safe. Leak them.
    future_ = fn_ = args_ = kwargs_ = nullptr;
    return;
  }
  std::string failure;
  bool failed = false;

  PyObject* argv[1] = {future_};
  PyObject* run = PyObject_VectorcallMethod(
      g_set_running, argv, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET, nullptr);
  int should_run = 0;
  if (run == nullptr) {
    PyErr_WriteUnraisable(future_);  // not a usable future; drop the task
  } else {
    should_run = PyObject_IsTrue(run);
    Py_DECREF(run);
    if (should_run < 0) {
      PyErr_WriteUnraisable(future_);
      should_run = 0;
    }
  }

  if (should_run) {
    PyObject* result = PyObject_Call(fn_, args_, kwargs_);
    if (result != nullptr) {
      counters_->finished.fetch_add(1, std::memory_order_relaxed);
      call_future(future_, g_set_result, result);
      Py_DECREF(result);
    } else {
      PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
      PyErr_Fetch(&type, &value, &traceback);
      PyErr_NormalizeException(&type, &value, &traceback);
      if (value == nullptr) {  // cannot normally happen after normalizing
        value = Py_None;
        Py_INCREF(value);
      }
      if (traceback != nullptr) PyException_SetTraceback(value, traceback);
      failure = describe(value);
      failed = true;
      counters_->failed.fetch_add(1, std::memory_order_relaxed);
      counters_->finished.fetch_add(1, std::memory_order_relaxed);
      call_future(future_, g_set_exception, value);
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(traceback);
    }
  } else {
    counters_->cancelled.fetch_add(1, std::memory_order_relaxed);
  }
  // Drop the references while the GIL is held: the callable's arguments
  // may be large, and the pool frees the task later without the GIL.
  clear_references();
  gil.release();
  if (failed) throw PythonTaskError(failure);
}

}  // namespace betapool::python

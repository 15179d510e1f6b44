// File: bindings/python/src/worker_gil.h
//
// WorkerGil: how a betapool worker thread (a C++ thread the interpreter did
// not create) takes and gives back CPython's GIL around one Python call, and
// how the wait for it is measured.
//
// Each worker thread gets one PyThreadState, created on its first Python
// task and kept until the thread ends (creating one per task would cost
// microseconds and churn threading.local). Between tasks the thread holds no
// GIL: it waits for work, and does the pool's bookkeeping, without it.
//
// The signal: `acquire()` times how long the thread waits to take the GIL
// before running the callable and reports that time through the core's
// wait accounting (core/wait_accounting.h). The executor therefore records
// it as the task's lock_wait_time, sums it into the controller's interval
// lock-wait ratio and averages it in the window — "waiting for the GIL",
// kept apart from the off-CPU time of I/O that plain beta lumps together.
// Admission: at most one worker at a time waits inside CPython for the GIL
// at a task boundary; the others wait in front of it on a C++ condition
// variable (no timeouts, no drop requests). CPython's waiters each wake
// every switch interval (5 ms) to ask the holder to drop the GIL, so a
// thousand workers starting tasks at once would otherwise swamp two cores
// with wake-ups and forced switches. The measured wait includes the time
// spent in front of the interpreter.
//
// Waits *inside* the callable (after time.sleep returns, or at a forced
// switch every sys.getswitchinterval() in a long pure-Python loop) happen
// in the interpreter and are not seen here; docs/python.md says how much
// that misses on the lab's workloads.
//
// Example (inside a task running on a worker thread):
//   betapool::python::WorkerGil& gil = betapool::python::WorkerGil::current();
//   if (gil.acquire()) {       // false: the interpreter is shutting down
//     ... call Python ...
//     gil.release();
//   }
//
// Thread safety: thread-local; each thread uses its own instance.
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_WORKER_GIL_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_WORKER_GIL_H_

#include <Python.h>

namespace betapool::python {

// True while Python code may still run: the interpreter is initialized and
// not finalizing. A thread that is not Python's own must not try to take
// the GIL otherwise (CPython 3.11 ends such a thread inside the attempt).
bool interpreter_alive() noexcept;

// Turns the task-start admission queue (see above) on or off for every
// worker; on by default. For experiments (the lab's A/B), not for tuning.
void set_admission_queue(bool enabled) noexcept;

class WorkerGil {
 public:
  // The calling thread's instance.
  static WorkerGil& current();

  WorkerGil() = default;
  WorkerGil(const WorkerGil&) = delete;
  WorkerGil& operator=(const WorkerGil&) = delete;
  // At thread exit: deletes the thread state (takes the GIL briefly), unless
  // the interpreter is already gone, in which case it is left alone.
  ~WorkerGil();

  // Takes the GIL, timing the wait and reporting it through
  // betapool::report_lock_wait. Returns false (GIL not taken) when the
  // interpreter is finalizing. Must not be called while holding the GIL.
  bool acquire();
  // Gives the GIL back. Call once after each successful acquire().
  void release() noexcept;

 private:
  PyThreadState* tstate_ = nullptr;
  PyGILState_STATE gstate_ = PyGILState_UNLOCKED;
};

// Takes the GIL from any thread (creating a thread state if needed) for the
// scope, without timing; `ok()` is false and nothing is taken when the
// interpreter is finalizing. For rare paths: cancelling a discarded task,
// a Python policy's tick, the logging sink.
class ScopedGil {
 public:
  ScopedGil() noexcept;
  ScopedGil(const ScopedGil&) = delete;
  ScopedGil& operator=(const ScopedGil&) = delete;
  ~ScopedGil();
  bool ok() const noexcept { return ok_; }

 private:
  bool ok_ = false;
  PyGILState_STATE state_ = PyGILState_UNLOCKED;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_WORKER_GIL_H_

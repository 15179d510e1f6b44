#include "bindings/python/src/worker_gil.h"

#include <atomic>
#include <chrono>

#include "core/sync.h"
#include "core/wait_accounting.h"

namespace betapool::python {
namespace {

// Lets one worker at a time into CPython's take_gil (see the header).
class AdmissionQueue {
 public:
  void enter() {
    MutexLock lock(&mu_);
    while (busy_) free_.Wait(&mu_);
    busy_ = true;
  }
  void exit() {
    MutexLock lock(&mu_);
    busy_ = false;
    free_.Signal();
  }

 private:
  Mutex mu_;
  CondVar free_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
};

AdmissionQueue& admission_queue() {
  static AdmissionQueue* gate = new AdmissionQueue();  // never destroyed
  return *gate;
}

std::atomic<bool> g_admission_queue{true};

}  // namespace

void set_admission_queue(bool enabled) noexcept {
  g_admission_queue.store(enabled, std::memory_order_relaxed);
}

bool interpreter_alive() noexcept {
  return Py_IsInitialized() && !_Py_IsFinalizing();
}

WorkerGil& WorkerGil::current() {
  thread_local WorkerGil gil;
  return gil;
}

WorkerGil::~WorkerGil() {
  if (tstate_ == nullptr || !interpreter_alive()) return;
  PyEval_RestoreThread(tstate_);
  // Balances the PyGILState_Ensure of the first acquire(): clears and
  // deletes the thread state and gives the GIL back.
  PyGILState_Release(gstate_);
  tstate_ = nullptr;
}

bool WorkerGil::acquire() {
  if (!interpreter_alive()) return false;
  const auto start = std::chrono::steady_clock::now();
  AdmissionQueue* gate = g_admission_queue.load(std::memory_order_relaxed)
                           ? &admission_queue()
                           : nullptr;
  if (gate != nullptr) {
    gate->enter();
    if (!interpreter_alive()) {  // finalization began while queued
      gate->exit();
      return false;
    }
  }
  if (tstate_ == nullptr) {
    gstate_ = PyGILState_Ensure();  // creates this thread's state
    tstate_ = PyThreadState_Get();
  } else {
    PyEval_RestoreThread(tstate_);
  }
  if (gate != nullptr) gate->exit();
  report_lock_wait(std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count());
  return true;
}

void WorkerGil::release() noexcept { PyEval_SaveThread(); }

ScopedGil::ScopedGil() noexcept {
  if (!interpreter_alive()) return;
  state_ = PyGILState_Ensure();
  ok_ = true;
}

ScopedGil::~ScopedGil() {
  if (ok_) PyGILState_Release(state_);
}

}  // namespace betapool::python

// File: bindings/python/src/python_executor.h
//
// PythonExecutor: the C++ Executor as the Python module's engine
// (`betapool._core.Executor`). The Python classes AdaptiveThreadPoolExecutor
// and StaticThreadPoolExecutor (bindings/python/betapool/executor.py) wrap
// it with the seed's API.
//
// GIL rules, which keep every path deadlock-free:
//  - submit() holds the GIL (it builds the Future and takes references);
//    the queue lock it then takes is never held by anyone waiting for the
//    GIL, so holding both is safe;
//  - every call that may block or take the controller's lock (shutdown,
//    resize, metrics, logs, tick) releases the GIL first: the
//    controller may be inside a Python policy, or workers may need the GIL
//    to finish the tasks being waited for;
//  - workers take the GIL only around the Python call (PythonTask);
//  - destruction never blocks (ExecutorReaper).
//
// Example (Python, what executor.py does):
//   core = _core.Executor(min_workers=4, max_workers=64, policy="beta_veto")
//   fut = core.submit(fn, 1, 2, key=3)   # a concurrent.futures.Future
//   core.shutdown(True)
//
// Thread safety: every method may be called from any Python thread,
// including from inside a task running on this executor.
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_EXECUTOR_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_EXECUTOR_H_

#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bindings/python/src/python_task.h"
#include "core/controller_config.h"
#include "core/controller_snapshot.h"
#include "core/executor.h"

namespace betapool::python {

struct PythonExecutorOptions {
  int min_workers = 4;
  int max_workers = 64;
  std::optional<int> initial_workers;
  ControllerConfig config;
  // A registered policy name, or a Python object with decide(snapshot).
  pybind11::object policy;
  // A registered sensor name; nullopt: no CPU sensor. An empty name is an
  // unknown name, not "none".
  std::optional<std::string> sensor = "proc_stat";
  std::optional<double> record_spacing;  // seconds; see MetricsOptions
  bool manual_control = false;           // no controller thread (tests)
  bool enable_logging = false;           // decisions to logging, DEBUG
};

class PythonExecutor {
 public:
  // Builds the executor (GIL held). Throws std::invalid_argument with the
  // builder's message (a bad size, config field or unknown name).
  explicit PythonExecutor(PythonExecutorOptions options);
  PythonExecutor(const PythonExecutor&) = delete;
  PythonExecutor& operator=(const PythonExecutor&) = delete;
  // Never blocks: unless shutdown(true) already joined every thread, hands
  // the executor to ExecutorReaper (queued tasks still run, as with
  // concurrent.futures). See executor_reaper.h for why.
  ~PythonExecutor();

  // Queues fn(*args, **kwargs); returns its concurrent.futures.Future.
  // Throws RejectedError (RuntimeError in Python) after shutdown. GIL held.
  pybind11::object submit(pybind11::handle fn, pybind11::tuple args,
                          pybind11::object kwargs);
  // Queues the call into an existing pending `future` (for map batches and
  // Future subclasses). GIL held.
  void submit_into(pybind11::handle future, pybind11::handle fn,
                   pybind11::tuple args, pybind11::object kwargs);

  int thread_count() const { return executor_->thread_count(); }
  int target_thread_count() const { return executor_->target_thread_count(); }
  std::string policy_name() const { return policy_name_; }

  // The remaining methods release the GIL while the core works.
  ExecutorMetrics metrics() const;
  std::vector<ExperimentLogEntry> experiment_log() const;
  std::vector<DecisionRecord> decision_history() const;
  std::vector<TaskMetrics> task_log() const;
  ControllerSnapshot snapshot() const;
  DecisionRecord tick();  // one controller tick (manual_control executors)
  int resize(int threads);
  void shutdown(bool wait);
  std::size_t shutdown_now();

  const TaskCounters& counters() const { return *counters_; }

 private:
  std::unique_ptr<Executor> executor_;
  std::shared_ptr<TaskCounters> counters_;
  std::string policy_name_;
  pybind11::object future_type_;
  // shutdown(true) or shutdown_now() returned: no thread left to join.
  // Written and read with the GIL held.
  bool joined_ = false;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_EXECUTOR_H_

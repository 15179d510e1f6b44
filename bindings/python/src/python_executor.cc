#include "bindings/python/src/python_executor.h"

#include <stdexcept>
#include <utility>

#include "absl/time/time.h"
#include "betapool/executor_builder.h"
#include "bindings/python/src/executor_reaper.h"
#include "bindings/python/src/logging_sink.h"
#include "bindings/python/src/python_policy.h"
#include "bindings/python/src/worker_gil.h"

namespace py = pybind11;

namespace betapool::python {

PythonExecutor::PythonExecutor(PythonExecutorOptions options)
    : counters_(std::make_shared<TaskCounters>()),
      future_type_(py::module_::import("concurrent.futures").attr("Future")) {
  // Hold the registry for the duration of build(): the builder keeps a
  // pointer to it.
  std::shared_ptr<const ComponentRegistry> registry =
      PolicyRegistry::instance().registry();
  ExecutorBuilder builder(*registry);
  builder.min_workers(options.min_workers)
      .max_workers(options.max_workers)
      .config(options.config);
  if (options.initial_workers) builder.initial_workers(*options.initial_workers);
  if (options.policy.is_none()) {
    builder.policy("beta_veto");
  } else if (py::isinstance<py::str>(options.policy)) {
    builder.policy(options.policy.cast<std::string>());
  } else if (py::hasattr(options.policy, "decide")) {
    py::object name = py::getattr(options.policy, "name", py::none());
    std::string policy_name =
        name.is_none() || !py::isinstance<py::str>(name)
            ? std::string(py::str(py::type::of(options.policy).attr("__name__")))
            : name.cast<std::string>();
    builder.policy(std::make_unique<PythonPolicy>(options.policy,
                                                  std::move(policy_name)));
  } else {
    throw std::invalid_argument(
        "policy must be a registered name or an object with decide(snapshot); "
        "got " + std::string(py::str(py::type::of(options.policy))));
  }
  if (options.sensor) {
    builder.sensor(*options.sensor);
  } else {
    builder.no_sensor();
  }
  MetricsOptions metrics;
  if (options.record_spacing) {
    // The range is MetricsOptions' (its field table), not restated here.
    absl::Status s = set_field(
        metrics, *find_config_field<MetricsOptions>("record_spacing"),
        *options.record_spacing);
    if (!s.ok()) throw std::invalid_argument(std::string(s.message()));
  }
  builder.metrics_options(metrics);
  if (options.manual_control) builder.manual_control();
  if (options.enable_logging) {
    builder.sink(std::make_shared<LoggingSink>(
        py::module_::import("logging").attr("getLogger")("betapool")));
  }
  absl::StatusOr<std::unique_ptr<Executor>> built = builder.build();
  if (!built.ok()) {
    throw std::invalid_argument(std::string(built.status().message()));
  }
  executor_ = std::move(*built);
  policy_name_ = std::string(executor_->controller().policy().name());
}

PythonExecutor::~PythonExecutor() {
  if (executor_ == nullptr) return;
  // Without the GIL: stopping the controller joins its thread, which may be
  // waiting for the GIL inside a Python policy.
  std::optional<py::gil_scoped_release> release;
  if (PyGILState_Check()) release.emplace();
  if (joined_) {
    executor_.reset();  // nothing left to wait for
  } else {
    ExecutorReaper::instance().adopt(std::move(executor_));
  }
}

py::object PythonExecutor::submit(py::handle fn, py::tuple args,
                                  py::object kwargs) {
  py::object future = future_type_();
  submit_into(future, fn, std::move(args), std::move(kwargs));
  return future;
}

void PythonExecutor::submit_into(py::handle future, py::handle fn,
                                 py::tuple args, py::object kwargs) {
  if (!PyCallable_Check(fn.ptr())) {
    throw py::type_error("submit: fn must be callable, got " +
                         std::string(py::str(py::type::of(fn))));
  }
  PyObject* kw = kwargs.is_none() || py::len(kwargs) == 0 ? nullptr
                                                          : kwargs.ptr();
  executor_->post(
      PythonTask(future.ptr(), fn.ptr(), args.ptr(), kw, counters_));
}

ExecutorMetrics PythonExecutor::metrics() const {
  py::gil_scoped_release release;
  return executor_->metrics();
}

std::vector<ExperimentLogEntry> PythonExecutor::experiment_log() const {
  py::gil_scoped_release release;
  return executor_->experiment_log();
}

std::vector<DecisionRecord> PythonExecutor::decision_history() const {
  py::gil_scoped_release release;
  return executor_->decision_history();
}

std::vector<TaskMetrics> PythonExecutor::task_log() const {
  py::gil_scoped_release release;
  return executor_->task_log();
}

ControllerSnapshot PythonExecutor::snapshot() const {
  py::gil_scoped_release release;
  return executor_->controller().peek();
}

DecisionRecord PythonExecutor::tick() {
  py::gil_scoped_release release;
  return executor_->controller().tick();
}

int PythonExecutor::resize(int threads) {
  py::gil_scoped_release release;
  return executor_->resize(threads);
}

void PythonExecutor::shutdown(bool wait) {
  py::gil_scoped_release release;
  executor_->shutdown(wait);
  if (wait) joined_ = true;
}

std::size_t PythonExecutor::shutdown_now() {
  py::gil_scoped_release release;
  const std::size_t cancelled = executor_->shutdown_now();
  joined_ = true;
  return cancelled;
}

}  // namespace betapool::python

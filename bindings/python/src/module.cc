// The betapool._core extension module: the C++ executor, the records it
// produces, and policy registration, for the Python package in
// bindings/python/betapool/. See docs/python.md.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "betapool/builtins.h"
#include "bindings/python/src/executor_reaper.h"
#include "bindings/python/src/python_config.h"
#include "bindings/python/src/python_executor.h"
#include "bindings/python/src/python_policy.h"
#include "bindings/python/src/python_task.h"
#include "bindings/python/src/worker_gil.h"
#include "core/component_registry.h"
#include "core/controller_snapshot.h"
#include "core/echoed_text.h"
#include "core/errors.h"
#include "core/scaling_decision.h"
#include "core/task_metrics.h"

namespace py = pybind11;

namespace betapool::python {
namespace {

double seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// Burns CPU without the GIL (the seed's math loop): a stand-in for NumPy or
// any native library that releases the GIL around its work.
double native_cpu(long long iterations) {
  py::gil_scoped_release release;
  double acc = 0.0;
  for (long long i = 0; i < iterations; ++i) {
    const double x = static_cast<double>(i);
    acc += std::sin(x) * std::cos(x);
  }
  return acc;
}

template <class T, std::size_t N>
py::list field_names(const std::array<const char*, N>& names) {
  py::list out;
  for (const char* n : names) out.append(n);
  return out;
}

void bind_records(py::module_& m) {
  py::class_<ComponentContext>(m, "PolicyContext",
                               "What a policy factory may use: the config and "
                               "the pool's bounds.")
      .def_readonly("config", &ComponentContext::config)
      .def_readonly("min_workers", &ComponentContext::min_workers)
      .def_readonly("max_workers", &ComponentContext::max_workers)
      .def_readonly("initial_workers", &ComponentContext::initial_workers);

  py::class_<CpuReading>(m, "CpuReading",
                         "One CPU sensor reading; None means unavailable.")
      .def_readonly("system_percent", &CpuReading::system_percent)
      .def_readonly("process_percent", &CpuReading::process_percent)
      .def_readonly("pressure_some_percent", &CpuReading::pressure_some_percent)
      .def_readonly("throttled_percent", &CpuReading::throttled_percent)
      .def_readonly("effective_cpus", &CpuReading::effective_cpus)
      .def_readonly("status", &CpuReading::status);

  py::class_<IntervalMetrics>(
      m, "IntervalMetrics",
      "Exact pool totals since the previous tick (seconds). lock_wait_time "
      "is the time workers waited to acquire the GIL.")
      .def_property_readonly(
          "length", [](const IntervalMetrics& i) { return seconds(i.length); })
      .def_readonly("completed", &IntervalMetrics::completed)
      .def_readonly("failed", &IntervalMetrics::failed)
      .def_readonly("busy_wall_time", &IntervalMetrics::busy_wall_time)
      .def_readonly("cpu_time", &IntervalMetrics::cpu_time)
      .def_readonly("lock_wait_time", &IntervalMetrics::lock_wait_time)
      .def("throughput", &IntervalMetrics::throughput)
      .def("beta", &IntervalMetrics::beta)
      .def("lock_wait_ratio", &IntervalMetrics::lock_wait_ratio);

  py::class_<AggregatedMetrics>(
      m, "WindowMetrics",
      "The rolling window at a tick (the C++ AggregatedMetrics); "
      "task_count == 0 means no evidence.")
      .def_readonly("window_start", &AggregatedMetrics::window_start)
      .def_readonly("window_end", &AggregatedMetrics::window_end)
      .def_readonly("task_count", &AggregatedMetrics::task_count)
      .def_readonly("avg_blocking_ratio", &AggregatedMetrics::avg_blocking_ratio)
      .def_readonly("std_blocking_ratio", &AggregatedMetrics::std_blocking_ratio)
      .def_readonly("avg_wall_time", &AggregatedMetrics::avg_wall_time)
      .def_readonly("avg_cpu_time", &AggregatedMetrics::avg_cpu_time)
      .def_readonly("avg_lock_wait_ratio",
                    &AggregatedMetrics::avg_lock_wait_ratio)
      .def_readonly("throughput", &AggregatedMetrics::throughput)
      .def_readonly("p50_latency", &AggregatedMetrics::p50_latency)
      .def_readonly("p95_latency", &AggregatedMetrics::p95_latency)
      .def_readonly("p99_latency", &AggregatedMetrics::p99_latency)
      .def_readonly("error_count", &AggregatedMetrics::error_count);

  py::class_<ControllerSnapshot>(
      m, "ControllerSnapshot",
      "Everything a policy may know at one tick (times in seconds).")
      .def_property_readonly(
          "now", [](const ControllerSnapshot& s) { return seconds(s.now); })
      .def_readonly("current_workers", &ControllerSnapshot::current_workers)
      .def_readonly("min_workers", &ControllerSnapshot::min_workers)
      .def_readonly("max_workers", &ControllerSnapshot::max_workers)
      .def_readonly("busy_workers", &ControllerSnapshot::busy_workers)
      .def_readonly("queue_depth", &ControllerSnapshot::queue_depth)
      .def_readonly("total_completed", &ControllerSnapshot::total_completed)
      .def_readonly("interval", &ControllerSnapshot::interval)
      .def_readonly("window", &ControllerSnapshot::window)
      .def_readonly("cpu", &ControllerSnapshot::cpu);

  py::class_<TaskMetrics>(m, "TaskRecord", "One recorded task (C++ record).")
      .def_readonly("task_id", &TaskMetrics::task_id)
      .def_readonly("wall_time", &TaskMetrics::wall_time)
      .def_readonly("cpu_time", &TaskMetrics::cpu_time)
      .def_readonly("lock_wait_time", &TaskMetrics::lock_wait_time)
      .def_readonly("blocking_ratio", &TaskMetrics::blocking_ratio)
      .def_readonly("timestamp", &TaskMetrics::timestamp)
      .def_readonly("success", &TaskMetrics::success)
      .def_readonly("error_message", &TaskMetrics::error_message)
      .def_property_readonly_static("fields", [](py::object) {
        return field_names<TaskMetrics>(TaskMetrics::kFieldNames);
      });

  py::class_<DecisionRecord>(m, "DecisionRecord",
                             "One controller tick (NaN: unavailable).")
      .def_readonly("timestamp", &DecisionRecord::timestamp)
      .def_readonly("threads_before", &DecisionRecord::threads_before)
      .def_readonly("requested", &DecisionRecord::requested)
      .def_readonly("threads_after", &DecisionRecord::threads_after)
      .def_readonly("decision", &DecisionRecord::decision)
      .def_readonly("reason", &DecisionRecord::reason)
      .def_readonly("blocking_ratio", &DecisionRecord::blocking_ratio)
      .def_readonly("lock_wait_ratio", &DecisionRecord::lock_wait_ratio)
      .def_readonly("cpu_percent", &DecisionRecord::cpu_percent)
      .def_readonly("process_cpu_percent", &DecisionRecord::process_cpu_percent)
      .def_readonly("throughput", &DecisionRecord::throughput)
      .def_readonly("queue_depth", &DecisionRecord::queue_depth)
      .def_readonly("policy", &DecisionRecord::policy)
      .def_property_readonly_static("fields", [](py::object) {
        return field_names<DecisionRecord>(DecisionRecord::kFieldNames);
      });

  py::class_<ExperimentLogEntry>(m, "ExperimentLogEntry",
                                 "The seed's experiment-log row.")
      .def_readonly("timestamp", &ExperimentLogEntry::timestamp)
      .def_readonly("active_threads", &ExperimentLogEntry::active_threads)
      .def_readonly("blocking_ratio", &ExperimentLogEntry::blocking_ratio)
      .def_readonly("cpu_percent", &ExperimentLogEntry::cpu_percent)
      .def_readonly("throughput", &ExperimentLogEntry::throughput)
      .def_readonly("p50_latency", &ExperimentLogEntry::p50_latency)
      .def_readonly("p99_latency", &ExperimentLogEntry::p99_latency)
      .def_readonly("queue_depth", &ExperimentLogEntry::queue_depth)
      .def_property_readonly_static("fields", [](py::object) {
        return field_names<ExperimentLogEntry>(ExperimentLogEntry::kFieldNames);
      });

  py::class_<ExecutorMetrics>(m, "ExecutorMetrics",
                              "The executor's state (the core's metrics()).")
      .def_readonly("thread_count", &ExecutorMetrics::thread_count)
      .def_readonly("target_thread_count",
                    &ExecutorMetrics::target_thread_count)
      .def_readonly("min_workers", &ExecutorMetrics::min_workers)
      .def_readonly("max_workers", &ExecutorMetrics::max_workers)
      .def_readonly("busy_workers", &ExecutorMetrics::busy_workers)
      .def_readonly("queue_depth", &ExecutorMetrics::queue_depth)
      .def_readonly("tasks_submitted", &ExecutorMetrics::tasks_submitted)
      .def_readonly("tasks_completed", &ExecutorMetrics::tasks_completed)
      .def_readonly("window", &ExecutorMetrics::window)
      .def_readonly("since_last_tick", &ExecutorMetrics::since_last_tick)
      .def_readonly("cpu", &ExecutorMetrics::cpu)
      .def_readonly("ticks", &ExecutorMetrics::ticks)
      .def_readonly("policy_faults", &ExecutorMetrics::policy_faults)
      .def_readonly("policy", &ExecutorMetrics::policy);
}

void bind_executor(py::module_& m) {
  py::class_<PythonExecutor>(m, "Executor",
                             "The C++ executor (see betapool.executor).")
      .def(py::init([](py::object min_workers, py::object max_workers,
                       py::object config, py::object policy,
                       py::object sensor, py::object initial_workers,
                       py::object record_spacing, bool manual_control,
                       bool enable_logging) {
             // Objects, not typed parameters: pybind11's "incompatible
             // constructor arguments" would name no argument.
             PythonExecutorOptions o;
             o.min_workers =
                 worker_count_from_python("min_workers", min_workers);
             o.max_workers =
                 worker_count_from_python("max_workers", max_workers);
             o.config = config_from_python(config);
             o.policy = std::move(policy);
             if (!sensor.is_none()) {
               if (!py::isinstance<py::str>(sensor)) {
                 throw std::invalid_argument(
                     "sensor = " + echoed_text(std::string(py::repr(sensor))) +
                     ": must be a registered sensor name, or None for none");
               }
               o.sensor = sensor.cast<std::string>();
             }
             o.initial_workers = optional_worker_count_from_python(
                 "initial_workers", initial_workers);
             o.record_spacing =
                 optional_seconds_from_python("record_spacing", record_spacing);
             o.manual_control = manual_control;
             o.enable_logging = enable_logging;
             return std::make_unique<PythonExecutor>(std::move(o));
           }),
           py::arg("min_workers") = 4, py::arg("max_workers") = 64,
           py::arg("config") = py::none(), py::arg("policy") = py::none(),
           py::arg("sensor") = "proc_stat",
           py::arg("initial_workers") = py::none(),
           py::arg("record_spacing") = py::none(),
           py::arg("manual_control") = false,
           py::arg("enable_logging") = false)
      .def(
          "submit",
          [](PythonExecutor& self, py::handle fn, py::args args,
             py::kwargs kwargs) {
            return self.submit(fn, std::move(args), std::move(kwargs));
          },
          "submit(fn, *args, **kwargs) -> concurrent.futures.Future")
      .def("submit_into", &PythonExecutor::submit_into, py::arg("future"),
           py::arg("fn"), py::arg("args"), py::arg("kwargs") = py::none())
      .def("thread_count", &PythonExecutor::thread_count)
      .def("target_thread_count", &PythonExecutor::target_thread_count)
      .def_property_readonly("policy_name", &PythonExecutor::policy_name)
      .def("metrics", &PythonExecutor::metrics)
      .def("experiment_log", &PythonExecutor::experiment_log)
      .def("decision_history", &PythonExecutor::decision_history)
      .def("task_log", &PythonExecutor::task_log)
      .def("snapshot", &PythonExecutor::snapshot)
      .def("tick", &PythonExecutor::tick)
      .def("resize", &PythonExecutor::resize, py::arg("threads"))
      .def("shutdown", &PythonExecutor::shutdown, py::arg("wait") = true)
      .def("shutdown_now", &PythonExecutor::shutdown_now)
      .def_property_readonly(
          "tasks_finished",
          [](const PythonExecutor& e) { return e.counters().finished.load(); })
      .def_property_readonly(
          "tasks_failed",
          [](const PythonExecutor& e) { return e.counters().failed.load(); })
      .def_property_readonly("tasks_cancelled", [](const PythonExecutor& e) {
        return e.counters().cancelled.load();
      });
}

}  // namespace
}  // namespace betapool::python

PYBIND11_MODULE(_core, m) {
  using namespace betapool::python;
  m.doc() = "betapool's C++ core for Python (see the betapool package)";
  m.attr("version") = BETAPOOL_VERSION_STRING;
  init_python_task_names();
  py::register_exception<betapool::RejectedError>(m, "RejectedError",
                                                  PyExc_RuntimeError);
  bind_config(m);
  bind_records(m);
  bind_executor(m);
  m.def(
      "register_policy",
      [](const std::string& name, py::object factory) {
        PolicyRegistry::instance().add(name, std::move(factory));
      },
      py::arg("name"), py::arg("factory"),
      "Registers factory(ctx) -> object with decide(snapshot) under name.");
  m.def("policy_names", [] { return PolicyRegistry::instance().names(); });
  m.def("sensor_names",
        [] { return betapool::builtin_registry().sensor_names(); });
  m.def(
      "drain_dropped_executors",
      [] {
        py::gil_scoped_release release;
        ExecutorReaper::instance().drain();
      },
      "Waits until every executor Python dropped has finished its tasks.");
  m.def("_set_admission_queue", &set_admission_queue, py::arg("enabled"),
        "Experiments only: turn the task-start GIL admission queue on/off.");
  m.def("native_cpu", &native_cpu, py::arg("iterations"),
        "The seed's sin*cos loop in C++ with the GIL released.");
}

#include "bindings/python/src/logging_sink.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "bindings/python/src/worker_gil.h"

namespace py = pybind11;

namespace betapool::python {

LoggingSink::LoggingSink(py::object logger) : logger_(std::move(logger)) {}

LoggingSink::~LoggingSink() {
  ScopedGil gil;
  if (!gil.ok()) {
    logger_.release();
    return;
  }
  logger_ = py::object();
}

void LoggingSink::on_decision(const DecisionRecord& r) noexcept {
  ScopedGil gil;
  if (!gil.ok()) return;
  try {
    if (!logger_.attr("isEnabledFor")(10).cast<bool>()) return;  // DEBUG
    logger_.attr("debug")(absl::StrFormat(
        "Controller: threads=%d, beta=%.3f, gil_wait=%.3f, cpu=%.1f%%, "
        "throughput=%.1f, decision=%s (%s)",
        r.threads_after, r.blocking_ratio, r.lock_wait_ratio, r.cpu_percent,
        r.throughput, r.decision, r.reason));
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable("betapool logging sink");
  } catch (...) {
    // A sink must not fail the tick.
  }
}

}  // namespace betapool::python

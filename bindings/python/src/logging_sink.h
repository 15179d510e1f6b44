// File: bindings/python/src/logging_sink.h
//
// LoggingSink: a MetricsSink that writes each controller decision to a
// Python `logging.Logger` at DEBUG level — the seed's enable_logging=True.
// It takes the GIL once per tick, and only when that logger is enabled for
// DEBUG; executors built without enable_logging have no such sink and
// their controller never touches the interpreter.
//
// Example:
//   builder.sink(std::make_shared<LoggingSink>(
//       pybind11::module_::import("logging").attr("getLogger")("betapool")));
//
// Thread safety: called by the controller thread; takes the GIL itself.
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_LOGGING_SINK_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_LOGGING_SINK_H_

#include <pybind11/pybind11.h>

#include "core/metrics_sink.h"

namespace betapool::python {

class LoggingSink : public MetricsSink {
 public:
  // `logger` is a logging.Logger. GIL held.
  explicit LoggingSink(pybind11::object logger);
  ~LoggingSink() override;  // drops the reference under the GIL

  void on_decision(const DecisionRecord& record) noexcept override;

 private:
  pybind11::object logger_;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_LOGGING_SINK_H_

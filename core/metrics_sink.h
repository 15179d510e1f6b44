// File: core/metrics_sink.h
//
// MetricsSink: where task records, per-tick window aggregates and decisions
// go. The controller calls a sink from its tick (never from the per-task
// path), with records collected since the previous tick. Hooks have no-op
// defaults, so a sink overrides only what it needs. A hook may throw: the
// controller catches it, skips that call and records the fault once
// (ExecutorMetrics::sink_fault); overrides declared noexcept still compile.
//
// Example:
//   class PrintDecisions : public betapool::MetricsSink {
//    public:
//     void on_decision(const betapool::DecisionRecord& d) noexcept override {
//       std::printf("%s -> %d (%s)\n", d.decision.c_str(), d.threads_after,
//                   d.reason.c_str());
//     }
//   };
#ifndef BETAPOOL_CORE_METRICS_SINK_H_
#define BETAPOOL_CORE_METRICS_SINK_H_

#include "core/scaling_decision.h"
#include "core/task_metrics.h"

namespace betapool {

class MetricsSink {
 public:
  virtual ~MetricsSink() = default;

  // One recorded task (the executor records every task whose CPU time it
  // measured exactly; see MetricsOptions::record_spacing).
  virtual void on_task(const TaskMetrics&) {}
  // The window aggregate at a tick, as the seed's experiment log row.
  virtual void on_tick(const ExperimentLogEntry&) {}
  // The decision taken at a tick.
  virtual void on_decision(const DecisionRecord&) {}
  // End of a tick: a sink that buffers writes them out now.
  virtual void flush() {}
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_METRICS_SINK_H_

// File: collectors/prometheus_sink.h
//
// PrometheusSink: the pool's latest state in the Prometheus text exposition
// format (version 0.0.4), rendered on demand — from your HTTP handler's
// /metrics route, or written atomically to a file at every tick for
// node_exporter's textfile collector. It keeps only the latest tick and a
// few counters; it never touches the per-task path.
//
// Metrics (every sample carries the label pool="<options.pool>"):
//   betapool_threads                         gauge    workers after the last decision
//   betapool_queue_depth                     gauge    tasks submitted, not started
//   betapool_tasks_completed_total           counter  since the executor started
//   betapool_blocking_ratio                  gauge    window mean beta, 0-1
//   betapool_lock_wait_ratio                 gauge    share of busy time in lock waits
//   betapool_throughput_tasks_per_second     gauge    over the last tick interval
//   betapool_task_latency_seconds            summary  quantile 0.5/0.95/0.99 of task
//                                                     run time over the collector's
//                                                     window (no _sum/_count: the
//                                                     window is sampled)
//   betapool_cpu_utilization_ratio           gauge    sensor's system_percent / 100
//   betapool_process_cpu_utilization_ratio   gauge    sensor's process_percent / 100
//   betapool_cpu_pressure_some_ratio         gauge    PSI some avg10 / 100
//   betapool_cpu_throttled_periods_ratio     gauge    share of throttled CFS periods
//   betapool_effective_cpus                  gauge    CPUs the process may use
//   betapool_uptime_seconds                  gauge    executor time of the last tick
//   betapool_decisions_total{kind=...}       counter  hold / scale_up / scale_down
// Ratios follow Prometheus' base-unit convention (0-1, not percent). A value
// the sensor could not measure is NaN. Before the first tick only the
// decision counters (all 0) are rendered.
//
// Not registered by name: a sink built by the registry could be neither
// rendered nor pointed at a file. Keep a handle instead:
//
// Example:
//   auto prom = std::make_shared<betapool::PrometheusSink>(
//       betapool::PrometheusSinkOptions{.pool = "ingest"});
//   auto ex = betapool::ExecutorBuilder().sink(prom).build();
//   ... in the /metrics handler: reply(prom->render());
//
// Thread safety: all methods are safe from any thread.
#ifndef BETAPOOL_COLLECTORS_PROMETHEUS_SINK_H_
#define BETAPOOL_COLLECTORS_PROMETHEUS_SINK_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "collectors/sink_stream.h"
#include "core/metrics_sink.h"
#include "core/sync.h"

namespace betapool {

struct PrometheusSinkOptions {
  // Value of the "pool" label, to tell several executors apart.
  std::string pool = "default";
  // When not empty, flush() (every tick) rewrites this file atomically
  // (write to "<path>.tmp", then rename), e.g. a *.prom file in
  // node_exporter's --collector.textfile.directory.
  std::string textfile_path;
  // Called once with the first textfile error; default: one line on stderr.
  SinkErrorCallback on_error;
};

class PrometheusSink : public MetricsSink {
 public:
  explicit PrometheusSink(PrometheusSinkOptions options = {});

  void on_tick(const ExperimentLogEntry& e) noexcept override;
  void on_decision(const DecisionRecord& d) noexcept override;
  // Writes the textfile, if one is configured.
  void flush() noexcept override;

  // The exposition text (ends with a newline). Never fails.
  std::string render() const;
  // Writes render() to `path` atomically. Errors: UNAVAILABLE naming the
  // path and the errno text.
  absl::Status write_file(const std::string& path) const;
  // OK, or the first textfile error (later ticks keep trying: each write
  // replaces the whole file, so a transient failure heals).
  absl::Status error() const;

 private:
  const PrometheusSinkOptions options_;
  const SinkErrorCallback on_error_;
  mutable Mutex mu_;
  std::optional<ExperimentLogEntry> tick_ ABSL_GUARDED_BY(mu_);
  std::optional<DecisionRecord> decision_ ABSL_GUARDED_BY(mu_);
  int64_t holds_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t scale_ups_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t scale_downs_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_PROMETHEUS_SINK_H_

// File: core/in_memory_sink.h
//
// InMemorySink: keeps the seed's experiment log (one ExperimentLogEntry per
// tick) and decision history (one DecisionRecord per tick) in bounded ring
// buffers — the Python reference's lists grew forever. Every executor has one
// behind experiment_log() and decision_history(); add more as sinks if you
// want copies of your own.
//
// Example:
//   auto sink = std::make_shared<betapool::InMemorySink>(1000, 1000);
//   builder.sink(sink);
//   ... for (const auto& d : sink->decisions()) ...
//
// Thread safety: all methods are safe from any thread.
#ifndef BETAPOOL_CORE_IN_MEMORY_SINK_H_
#define BETAPOOL_CORE_IN_MEMORY_SINK_H_

#include <cstddef>
#include <deque>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "core/metrics_sink.h"
#include "core/sync.h"

namespace betapool {

class InMemorySink : public MetricsSink {
 public:
  explicit InMemorySink(std::size_t experiment_log_limit = 10000,
                        std::size_t decision_history_limit = 10000);

  void on_tick(const ExperimentLogEntry& entry) noexcept override;
  void on_decision(const DecisionRecord& record) noexcept override;

  // Oldest first; at most the configured limit (the newest are kept).
  std::vector<ExperimentLogEntry> experiment_log() const;
  std::vector<DecisionRecord> decisions() const;
  // Entries dropped because the buffers were full.
  std::size_t dropped() const;

 private:
  const std::size_t log_limit_;
  const std::size_t decision_limit_;
  mutable Mutex mu_;
  std::deque<ExperimentLogEntry> log_ ABSL_GUARDED_BY(mu_);
  std::deque<DecisionRecord> decisions_ ABSL_GUARDED_BY(mu_);
  std::size_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_IN_MEMORY_SINK_H_

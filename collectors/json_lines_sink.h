// File: collectors/json_lines_sink.h
//
// JsonLinesSink: writes task records, per-tick experiment-log rows and
// decision records as JSON lines (one object per line) to one file or
// stream. The first key says the kind, the rest are the record's
// kFieldNames (collectors/record_fields.h; NaN is null):
//
//   {"type":"task","task_id":7,"wall_time":0.0102,...}
//   {"type":"tick","timestamp":12.5,"active_threads":6,...}
//   {"type":"decision","timestamp":12.5,"threads_before":4,...}
//
// Calls come from the controller's tick; the stream is flushed at the end of
// each tick. The first failure (cannot open, disk full, closed pipe) is
// reported once — to `on_error`, by default one line on stderr — and kept
// in error(); further lines are dropped and the executor is unaffected.
//
// Registered as "json_lines": ticks and decisions (not tasks) to stderr, the
// one destination that needs no argument. For a file use the typed builder.
//
// Example:
//   auto ex = betapool::ExecutorBuilder()
//                 .sink<betapool::JsonLinesSink>("/var/log/pool.jsonl")
//                 .build();
//   // or by name, to stderr:  builder.apply_spec("sink=json_lines");
//
// Thread safety: all methods are safe from any thread.
#ifndef BETAPOOL_COLLECTORS_JSON_LINES_SINK_H_
#define BETAPOOL_COLLECTORS_JSON_LINES_SINK_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "collectors/sink_stream.h"
#include "core/metrics_sink.h"
#include "core/sync.h"

namespace betapool {

class ComponentRegistryBuilder;

struct JsonLinesSinkOptions {
  // Which record kinds to write.
  bool tasks = true;
  bool ticks = true;
  bool decisions = true;
  // Called once with the first error; default: one line on stderr.
  SinkErrorCallback on_error;
};

class JsonLinesSink : public MetricsSink {
 public:
  // Creates (truncates) `path`. A failure to open is reported like a write
  // failure: see error().
  explicit JsonLinesSink(const std::string& path,
                         JsonLinesSinkOptions options = {});
  // Writes to a caller-owned stream that must outlive the sink.
  explicit JsonLinesSink(std::ostream& stream,
                         JsonLinesSinkOptions options = {});

  void on_task(const TaskMetrics& m) noexcept override;
  void on_tick(const ExperimentLogEntry& e) noexcept override;
  void on_decision(const DecisionRecord& d) noexcept override;
  // Flushes the stream (called at the end of each tick).
  void flush() noexcept override;

  // OK, or the first failure (UNAVAILABLE, naming the file or stream).
  absl::Status error() const;
  // Lines written, and dropped after a failure.
  int64_t lines_written() const;
  int64_t lines_dropped() const;

 private:
  template <class Record>
  void write_line(const Record& record, const char* type);
  // Records the stream's first failure and returns it once, to be reported
  // outside the lock (the callback may query the sink).
  absl::Status take_report_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const JsonLinesSinkOptions options_;
  const SinkErrorCallback on_error_;
  mutable Mutex mu_;
  internal::SinkStream out_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool reported_ ABSL_GUARDED_BY(mu_) = false;
  int64_t lines_written_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t lines_dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

// Registers "json_lines": ticks and decisions as JSON lines on stderr.
void register_json_lines_sink(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_JSON_LINES_SINK_H_

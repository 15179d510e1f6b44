// File: collectors/csv_sink.h
//
// CsvSink: writes task records, per-tick experiment-log rows and decision
// records as CSV (one file or stream per kind, since their columns differ),
// each with a header row of the record's kFieldNames. Rows are written
// through Boost.PFR (collectors/record_fields.h): NaN is an empty cell.
//
// Calls come from the controller's tick, never from the per-task path; rows
// are buffered by the stream and flushed at the end of each tick. If a
// stream fails (cannot open, disk full), the first error is reported once —
// to `on_error`, by default one line on stderr — and kept in error(); the
// sink then drops further rows and the executor carries on unaffected.
//
// Not registered by name: it needs a path. Use the typed builder:
//
// Example:
//   auto ex = betapool::ExecutorBuilder()
//                 .sink<betapool::CsvSink>("/var/log/pool/run1-")  // run1-tasks.csv, ...
//                 .build();
//   // or keep a handle:
//   auto sink = std::make_shared<betapool::CsvSink>(&tasks, &ticks, &decisions);
//   builder.sink(sink);  ... if (!sink->error().ok()) ...
//
// Thread safety: all methods are safe from any thread.
#ifndef BETAPOOL_COLLECTORS_CSV_SINK_H_
#define BETAPOOL_COLLECTORS_CSV_SINK_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "collectors/sink_stream.h"
#include "core/metrics_sink.h"
#include "core/sync.h"

namespace betapool {

struct CsvSinkOptions {
  // Which record kinds to write (a path-prefix sink creates only these files).
  bool tasks = true;
  bool ticks = true;
  bool decisions = true;
  // Called once with the first error; default: one line on stderr.
  SinkErrorCallback on_error;
};

class CsvSink : public MetricsSink {
 public:
  // File names under a path prefix.
  static constexpr const char* kTasksFile = "tasks.csv";
  static constexpr const char* kTicksFile = "experiment_log.csv";
  static constexpr const char* kDecisionsFile = "decisions.csv";

  // Creates (truncates) "<prefix>tasks.csv", "<prefix>experiment_log.csv"
  // and "<prefix>decisions.csv" ("/tmp/run1-" or a directory "/tmp/run1/"
  // that exists). A file that cannot be opened is reported like a write
  // failure: see error().
  explicit CsvSink(const std::string& path_prefix, CsvSinkOptions options = {});
  // Writes to caller-owned streams that must outlive the sink; a null
  // stream skips that kind.
  CsvSink(std::ostream* tasks, std::ostream* ticks, std::ostream* decisions,
          CsvSinkOptions options = {});

  void on_task(const TaskMetrics& m) noexcept override;
  void on_tick(const ExperimentLogEntry& e) noexcept override;
  void on_decision(const DecisionRecord& d) noexcept override;
  // Flushes every stream (called at the end of each tick).
  void flush() noexcept override;

  // OK, or the first failure (UNAVAILABLE, naming the file or stream).
  absl::Status error() const;
  // Data rows written (headers excluded) and dropped after a failure.
  int64_t rows_written() const;
  int64_t rows_dropped() const;

 private:
  void write_headers_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  template <class Record>
  void write_row(internal::SinkStream& stream, const Record& record);
  // Records the stream's first failure as the sink's error.
  void check_locked(const internal::SinkStream& stream)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The error to hand to on_error_ (once), which runs outside the lock so
  // it may query the sink.
  absl::Status take_report_locked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SinkErrorCallback on_error_;
  mutable Mutex mu_;
  internal::SinkStream tasks_ ABSL_GUARDED_BY(mu_);
  internal::SinkStream ticks_ ABSL_GUARDED_BY(mu_);
  internal::SinkStream decisions_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  int64_t rows_written_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t rows_dropped_ ABSL_GUARDED_BY(mu_) = 0;
  bool report_pending_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_CSV_SINK_H_

#include "collectors/csv_sink.h"

#include <utility>

#include "collectors/record_fields.h"

namespace betapool {

CsvSink::CsvSink(const std::string& path_prefix, CsvSinkOptions options)
    : on_error_(options.on_error ? std::move(options.on_error)
                                 : internal::report_sink_error_to_stderr) {
  const auto open = [&](const char* name) {
    const std::string path = path_prefix + name;
    return internal::SinkStream::open_file(path, "csv sink " + path);
  };
  absl::Status report;
  {
    MutexLock lock(&mu_);
    if (options.tasks) tasks_ = open(kTasksFile);
    if (options.ticks) ticks_ = open(kTicksFile);
    if (options.decisions) decisions_ = open(kDecisionsFile);
    write_headers_locked();
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

CsvSink::CsvSink(std::ostream* tasks, std::ostream* ticks,
                 std::ostream* decisions, CsvSinkOptions options)
    : on_error_(options.on_error ? std::move(options.on_error)
                                 : internal::report_sink_error_to_stderr) {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    if (tasks != nullptr && options.tasks) {
      tasks_ = internal::SinkStream::borrow(*tasks, "csv sink (task stream)");
    }
    if (ticks != nullptr && options.ticks) {
      ticks_ = internal::SinkStream::borrow(*ticks, "csv sink (tick stream)");
    }
    if (decisions != nullptr && options.decisions) {
      decisions_ = internal::SinkStream::borrow(*decisions,
                                                "csv sink (decision stream)");
    }
    write_headers_locked();
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

void CsvSink::write_headers_locked() {
  // Headers go out with the first flush, like any row; they are not counted
  // as data rows.
  std::string header;
  append_csv_header<TaskMetrics>(header);
  if (tasks_.enabled()) tasks_.write(header);
  header.clear();
  append_csv_header<ExperimentLogEntry>(header);
  if (ticks_.enabled()) ticks_.write(header);
  header.clear();
  append_csv_header<DecisionRecord>(header);
  if (decisions_.enabled()) decisions_.write(header);
  for (const internal::SinkStream* s : {&tasks_, &ticks_, &decisions_}) {
    check_locked(*s);
  }
}

void CsvSink::check_locked(const internal::SinkStream& stream) {
  if (stream.failed() && error_.ok()) {
    error_ = stream.status();
    report_pending_ = true;
  }
}

absl::Status CsvSink::take_report_locked() {
  if (!report_pending_) return absl::OkStatus();
  report_pending_ = false;
  return error_;
}

template <class Record>
void CsvSink::write_row(internal::SinkStream& stream, const Record& record) {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    if (!stream.enabled()) return;
    try {
      std::string row;
      append_csv_row(row, record);
      if (stream.write(row)) {
        ++rows_written_;
      } else {
        ++rows_dropped_;
      }
    } catch (...) {  // out of memory: drop the row, never the executor
      ++rows_dropped_;
    }
    check_locked(stream);
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

void CsvSink::on_task(const TaskMetrics& m) noexcept { write_row(tasks_, m); }

void CsvSink::on_tick(const ExperimentLogEntry& e) noexcept {
  write_row(ticks_, e);
}

void CsvSink::on_decision(const DecisionRecord& d) noexcept {
  write_row(decisions_, d);
}

void CsvSink::flush() noexcept {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    for (internal::SinkStream* s : {&tasks_, &ticks_, &decisions_}) {
      if (!s->enabled()) continue;
      s->flush();
      check_locked(*s);
    }
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

absl::Status CsvSink::error() const {
  MutexLock lock(&mu_);
  return error_;
}

int64_t CsvSink::rows_written() const {
  MutexLock lock(&mu_);
  return rows_written_;
}

int64_t CsvSink::rows_dropped() const {
  MutexLock lock(&mu_);
  return rows_dropped_;
}

}  // namespace betapool

#include "collectors/json_lines_sink.h"

#include <iostream>
#include <memory>
#include <utility>

#include "collectors/record_fields.h"
#include "core/component_registry.h"

namespace betapool {
namespace {

SinkErrorCallback or_stderr(const SinkErrorCallback& f) {
  return f ? f : SinkErrorCallback(internal::report_sink_error_to_stderr);
}

}  // namespace

JsonLinesSink::JsonLinesSink(const std::string& path,
                             JsonLinesSinkOptions options)
    : options_(std::move(options)), on_error_(or_stderr(options_.on_error)) {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    out_ = internal::SinkStream::open_file(path, "json-lines sink " + path);
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

JsonLinesSink::JsonLinesSink(std::ostream& stream, JsonLinesSinkOptions options)
    : options_(std::move(options)), on_error_(or_stderr(options_.on_error)) {
  MutexLock lock(&mu_);
  out_ = internal::SinkStream::borrow(stream, "json-lines sink (stream)");
}

absl::Status JsonLinesSink::take_report_locked() {
  if (!out_.failed() || reported_) return absl::OkStatus();
  reported_ = true;
  error_ = out_.status();
  return error_;
}

template <class Record>
void JsonLinesSink::write_line(const Record& record, const char* type) {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    try {
      std::string line;
      append_json_object(line, record, type);
      line.push_back('\n');
      if (out_.write(line)) {
        ++lines_written_;
      } else {
        ++lines_dropped_;
      }
    } catch (...) {  // out of memory: drop the line, never the executor
      ++lines_dropped_;
    }
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

void JsonLinesSink::on_task(const TaskMetrics& m) noexcept {
  if (options_.tasks) write_line(m, "task");
}

void JsonLinesSink::on_tick(const ExperimentLogEntry& e) noexcept {
  if (options_.ticks) write_line(e, "tick");
}

void JsonLinesSink::on_decision(const DecisionRecord& d) noexcept {
  if (options_.decisions) write_line(d, "decision");
}

void JsonLinesSink::flush() noexcept {
  absl::Status report;
  {
    MutexLock lock(&mu_);
    out_.flush();
    report = take_report_locked();
  }
  if (!report.ok()) on_error_(report);
}

absl::Status JsonLinesSink::error() const {
  MutexLock lock(&mu_);
  return error_;
}

int64_t JsonLinesSink::lines_written() const {
  MutexLock lock(&mu_);
  return lines_written_;
}

int64_t JsonLinesSink::lines_dropped() const {
  MutexLock lock(&mu_);
  return lines_dropped_;
}

void register_json_lines_sink(ComponentRegistryBuilder& builder) {
  builder.add_sink("json_lines", [](const ComponentContext&) {
    JsonLinesSinkOptions options;
    options.tasks = false;  // one line per task would flood a terminal
    return std::make_unique<JsonLinesSink>(std::cerr, std::move(options));
  });
}

}  // namespace betapool

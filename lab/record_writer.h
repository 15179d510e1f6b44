// File: lab/record_writer.h
//
// Writes flat record structs as CSV or JSON lines, one row per record,
// through Boost.PFR: the fields are read from the struct itself, and the
// header names from its `kFieldNames` list, whose length is checked against
// boost::pfr::tuple_size_v at compile time so the two cannot drift apart
// (Boost 1.81's PFR has no field names of its own). A `Tagged<Tags, Record>`
// row (collectors/record_fields.h) writes its tags' columns, then its
// record's.
//
// Values are formatted by collectors/record_fields.h, the same rules as the
// executor's metrics sinks (NaN: an empty CSV cell / JSON null; strings
// quoted and escaped as needed).
//
// Example:
//   struct Row {
//     int threads = 0;
//     double throughput = 0.0;
//     static constexpr std::array<const char*, 2> kFieldNames{"threads", "throughput"};
//   };
//   absl::Status s = betapool::write_records("out/sweep.csv",
//       betapool::RecordFormat::kCsv, rows);
//
// Errors: write_records returns an error naming the path when the file
// cannot be opened or written.
// Thread safety: the functions share no state.
#ifndef BETAPOOL_LAB_RECORD_WRITER_H_
#define BETAPOOL_LAB_RECORD_WRITER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "collectors/record_fields.h"

namespace betapool {

enum class RecordFormat { kCsv, kJsonLines };

// "csv" or "jsonl".
const char* file_extension(RecordFormat format);

namespace internal {
// Writes `text` to `path` (replacing it); error names the path.
absl::Status write_text_file(const std::string& path, const std::string& text);
}  // namespace internal

// The CSV header line (no newline).
template <WritableRecord T>
std::string csv_header() {
  std::string out;
  append_csv_header<T>(out);
  out.pop_back();
  return out;
}

// One record as a CSV row or a JSON object (no newline).
template <WritableRecord T>
std::string format_record(const T& record, RecordFormat format) {
  std::string out;
  if (format == RecordFormat::kCsv) {
    append_csv_row(out, record);
    out.pop_back();
  } else {
    append_json_object(out, record);
  }
  return out;
}

// Writes every record (CSV with a header line) to `path`.
template <WritableRecord T>
absl::Status write_records(const std::string& path, RecordFormat format,
                           const std::vector<T>& records) {
  std::string text;
  if (format == RecordFormat::kCsv) append_csv_header<T>(text);
  for (const T& r : records) {
    if (format == RecordFormat::kCsv) {
      append_csv_row(text, r);
    } else {
      append_json_object(text, r);
      text.push_back('\n');
    }
  }
  return internal::write_text_file(path, text);
}

}  // namespace betapool

#endif  // BETAPOOL_LAB_RECORD_WRITER_H_

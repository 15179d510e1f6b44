// File: lab/record_writer.h
//
// Writes flat record structs as CSV or JSON lines, one row per record,
// through Boost.PFR: the fields are read from the struct itself, and the
// header names from its `kFieldNames` list, whose length is checked against
// boost::pfr::tuple_size_v at compile time so the two cannot drift apart
// (Boost 1.81's PFR has no field names of its own).
//
// Field types: integers, bool, floating point (NaN and infinities are
// written as an empty CSV cell / JSON null) and std::string.
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

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/pfr/core.hpp"
#include "boost/pfr/tuple_size.hpp"

namespace betapool {

enum class RecordFormat { kCsv, kJsonLines };

// "csv" or "jsonl".
const char* file_extension(RecordFormat format);

namespace internal {

std::string csv_quote(std::string_view s);
std::string json_quote(std::string_view s);
// Writes `text` to `path` (replacing it); error names the path.
absl::Status write_text_file(const std::string& path, const std::string& text);

template <class T>
constexpr void check_field_names() {
  static_assert(std::tuple_size_v<std::remove_cvref_t<decltype(T::kFieldNames)>> ==
                    boost::pfr::tuple_size_v<T>,
                "kFieldNames must name every field of the record");
}

template <class V>
std::string format_value(const V& v, RecordFormat format) {
  using U = std::remove_cvref_t<V>;
  if constexpr (std::is_same_v<U, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_floating_point_v<U>) {
    if (!std::isfinite(v)) return format == RecordFormat::kCsv ? "" : "null";
    return absl::StrFormat("%.9g", static_cast<double>(v));
  } else if constexpr (std::is_integral_v<U>) {
    return absl::StrCat(v);
  } else {
    static_assert(std::is_convertible_v<const U&, std::string_view>,
                  "record fields must be numbers, bool or strings");
    return format == RecordFormat::kCsv ? csv_quote(v) : json_quote(v);
  }
}

}  // namespace internal

// The CSV header line (no newline).
template <class T>
std::string csv_header() {
  internal::check_field_names<T>();
  std::string out;
  for (std::size_t i = 0; i < T::kFieldNames.size(); ++i) {
    if (i > 0) out += ',';
    out += T::kFieldNames[i];
  }
  return out;
}

// One record as a CSV row or a JSON object (no newline).
template <class T>
std::string format_record(const T& record, RecordFormat format) {
  internal::check_field_names<T>();
  std::string out = format == RecordFormat::kJsonLines ? "{" : "";
  std::size_t i = 0;
  boost::pfr::for_each_field(record, [&](const auto& field) {
    if (i > 0) out += ',';
    if (format == RecordFormat::kJsonLines) {
      absl::StrAppend(&out, "\"", T::kFieldNames[i], "\":");
    }
    out += internal::format_value(field, format);
    ++i;
  });
  if (format == RecordFormat::kJsonLines) out += '}';
  return out;
}

// Writes every record (CSV with a header line) to `path`.
template <class T>
absl::Status write_records(const std::string& path, RecordFormat format,
                           const std::vector<T>& records) {
  std::string text;
  if (format == RecordFormat::kCsv) absl::StrAppend(&text, csv_header<T>(), "\n");
  for (const T& r : records) absl::StrAppend(&text, format_record(r, format), "\n");
  return internal::write_text_file(path, text);
}

}  // namespace betapool

#endif  // BETAPOOL_LAB_RECORD_WRITER_H_

// File: collectors/record_fields.h
//
// Writes any record struct that carries `kFieldNames` (TaskMetrics,
// AggregatedMetrics, ExperimentLogEntry, DecisionRecord, or a user's own) as
// a CSV header/row or a JSON object, through Boost.PFR, so a field added to a
// record shows up in every sink without touching the sinks. Boost 1.81's PFR
// has no field names, hence `kFieldNames`; `record_field_count<T>()`
// static_asserts that the list and the struct agree, so they cannot drift.
//
// Value rules (the same for every record):
//  - double: shortest text that reads back to the same value (std::to_chars);
//    NaN ("unavailable") is an empty CSV cell and JSON null; +-infinity is
//    "inf"/"-inf" in CSV and null in JSON (JSON has no infinity).
//  - integers: decimal; bool: true/false.
//  - strings: CSV cells are quoted (RFC 4180: "" for a quote) when they hold
//    a comma, quote, CR or LF; JSON strings escape quote, backslash and
//    control characters, and replace invalid UTF-8 with U+FFFD so every line
//    is valid JSON.
// Rows are appended to a std::string so a sink writes a row whole or not at
// all.
//
// Example:
//   std::string out;
//   betapool::append_csv_header<betapool::DecisionRecord>(out);
//   betapool::append_csv_row(out, record);
//   betapool::append_json_object(out, record, "decision");  // {"type":"decision",...}
//
// Thread safety: stateless functions; safe from any thread.
#ifndef BETAPOOL_COLLECTORS_RECORD_FIELDS_H_
#define BETAPOOL_COLLECTORS_RECORD_FIELDS_H_

#include <boost/pfr.hpp>

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace betapool {

// A flat aggregate with a `kFieldNames` array naming its fields in order.
template <class T>
concept FieldNamedRecord = std::is_aggregate_v<T> && requires {
  { T::kFieldNames.size() } -> std::convertible_to<std::size_t>;
};

// Number of fields; fails to compile when kFieldNames and the struct differ.
template <FieldNamedRecord T>
constexpr std::size_t record_field_count() {
  static_assert(T::kFieldNames.size() == boost::pfr::tuple_size_v<T>,
                "kFieldNames must name every field of the record, in order");
  return T::kFieldNames.size();
}

namespace internal {

// CSV cell text for one value (see the file comment).
void append_csv_value(std::string& out, double v);
void append_csv_value(std::string& out, bool v);
void append_csv_value(std::string& out, long long v);
void append_csv_value(std::string& out, unsigned long long v);
void append_csv_value(std::string& out, std::string_view v);

// JSON text for one value (see the file comment).
void append_json_value(std::string& out, double v);
void append_json_value(std::string& out, bool v);
void append_json_value(std::string& out, long long v);
void append_json_value(std::string& out, unsigned long long v);
void append_json_value(std::string& out, std::string_view v);

// Routes a record field to the overload above.
template <class V>
void append_field(std::string& out, const V& v, bool json) {
  if constexpr (std::is_same_v<V, bool>) {
    json ? append_json_value(out, v) : append_csv_value(out, v);
  } else if constexpr (std::is_floating_point_v<V>) {
    const double d = static_cast<double>(v);
    json ? append_json_value(out, d) : append_csv_value(out, d);
  } else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>) {
    const long long i = v;
    json ? append_json_value(out, i) : append_csv_value(out, i);
  } else if constexpr (std::is_integral_v<V>) {
    const unsigned long long u = v;
    json ? append_json_value(out, u) : append_csv_value(out, u);
  } else if constexpr (std::is_enum_v<V>) {
    append_field(out, static_cast<std::underlying_type_t<V>>(v), json);
  } else {
    static_assert(std::is_convertible_v<const V&, std::string_view>,
                  "record fields must be arithmetic, enum or string-like");
    const std::string_view s = v;
    json ? append_json_value(out, s) : append_csv_value(out, s);
  }
}

}  // namespace internal

// Appends "name1,name2,...\n".
template <FieldNamedRecord T>
void append_csv_header(std::string& out) {
  constexpr std::size_t n = record_field_count<T>();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back(',');
    internal::append_csv_value(out, std::string_view(T::kFieldNames[i]));
  }
  out.push_back('\n');
}

// Appends one CSV line for `record`, columns in kFieldNames order.
template <FieldNamedRecord T>
void append_csv_row(std::string& out, const T& record) {
  record_field_count<T>();
  boost::pfr::for_each_field(record, [&](const auto& value, std::size_t i) {
    if (i > 0) out.push_back(',');
    internal::append_field(out, value, /*json=*/false);
  });
  out.push_back('\n');
}

// Appends one JSON object (no newline). When `type` is not empty it comes
// first as "type":"<type>", so records of several kinds can share a stream.
template <FieldNamedRecord T>
void append_json_object(std::string& out, const T& record,
                        std::string_view type = {}) {
  record_field_count<T>();
  out.push_back('{');
  bool first = true;
  if (!type.empty()) {
    out += "\"type\":";
    internal::append_json_value(out, type);
    first = false;
  }
  boost::pfr::for_each_field(record, [&](const auto& value, std::size_t i) {
    if (!first) out.push_back(',');
    first = false;
    internal::append_json_value(out, std::string_view(T::kFieldNames[i]));
    out.push_back(':');
    internal::append_field(out, value, /*json=*/true);
  });
  out.push_back('}');
}

}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_RECORD_FIELDS_H_

// File: collectors/record_fields.h
//
// Writes any record struct that carries `kFieldNames` (TaskMetrics,
// AggregatedMetrics, ExperimentLogEntry, DecisionRecord, or a user's own) as
// a CSV header/row or a JSON object, through Boost.PFR, so a field added to a
// record shows up in every sink without touching the sinks. Boost 1.81's PFR
// has no field names, hence `kFieldNames`; `record_field_count<T>()`
// static_asserts that the list and the struct agree, so they cannot drift.
//
// `Tagged<Tags, Record>` writes a record with context columns in front of it
// (a run's workload and round before each DecisionRecord) without restating
// the record's fields: its columns are Tags' names then Record's names, each
// part checked against Boost.PFR on its own, and a name used by both parts
// fails to compile (a JSON object cannot hold a key twice).
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
//   struct RunTags {
//     std::string workload;
//     static constexpr std::array<const char*, 1> kFieldNames{"workload"};
//   };
//   betapool::append_csv_header<betapool::Tagged<RunTags, DecisionRecord>>(out);
//   // workload,timestamp,threads_before,...
//   betapool::append_csv_row(out, betapool::Tagged<RunTags, DecisionRecord>{
//                                     {"mixed"}, record});
//
// Thread safety: stateless functions; safe from any thread.
#ifndef BETAPOOL_COLLECTORS_RECORD_FIELDS_H_
#define BETAPOOL_COLLECTORS_RECORD_FIELDS_H_

#include <boost/pfr.hpp>

#include <array>
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

// A record written after its tags: `tags`' fields first, then `record`'s.
// Record may itself be a Tagged, so tags can be layered.
template <FieldNamedRecord Tags, class Record>
struct Tagged {
  Tags tags;
  Record record;
};

namespace internal {
template <class T>
inline constexpr bool kIsTagged = false;
template <class Tags, class Record>
inline constexpr bool kIsTagged<Tagged<Tags, Record>> = true;
}  // namespace internal

// What the functions below write: a FieldNamedRecord or a Tagged of them.
template <class T>
concept WritableRecord = FieldNamedRecord<T> || internal::kIsTagged<T>;

namespace internal {

// `a` followed by `b`.
template <std::size_t N, std::size_t M>
constexpr std::array<std::string_view, N + M> concat_names(
    const std::array<std::string_view, N>& a,
    const std::array<std::string_view, M>& b) {
  std::array<std::string_view, N + M> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = a[i];
  for (std::size_t i = 0; i < M; ++i) out[N + i] = b[i];
  return out;
}

// True when no name appears twice.
template <std::size_t N>
constexpr bool distinct_names(const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    for (std::size_t j = i + 1; j < N; ++j) {
      if (names[i] == names[j]) return false;
    }
  }
  return true;
}

}  // namespace internal

// The column names of T in order (for a Tagged: the tags', then the
// record's); fails to compile when a part's kFieldNames and struct differ or
// when the tags and the record share a name.
template <WritableRecord T>
constexpr auto record_field_names() {
  if constexpr (FieldNamedRecord<T>) {
    std::array<std::string_view, record_field_count<T>()> names{};
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = T::kFieldNames[i];
    return names;
  } else {
    using Record = decltype(T::record);
    static_assert(WritableRecord<Record>,
                  "a Tagged record must carry kFieldNames or be Tagged itself");
    constexpr auto names = internal::concat_names(
        record_field_names<decltype(T::tags)>(), record_field_names<Record>());
    static_assert(internal::distinct_names(names),
                  "a tag must not share a name with a field of the record");
    return names;
  }
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

// Calls f(value) for each field of `row`, in column order.
template <WritableRecord T, class F>
void for_each_value(const T& row, F& f) {
  if constexpr (FieldNamedRecord<T>) {
    boost::pfr::for_each_field(row, [&](const auto& value) { f(value); });
  } else {
    for_each_value(row.tags, f);
    for_each_value(row.record, f);
  }
}

}  // namespace internal

// Appends "name1,name2,...\n".
template <WritableRecord T>
void append_csv_header(std::string& out) {
  constexpr auto names = record_field_names<T>();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    internal::append_csv_value(out, names[i]);
  }
  out.push_back('\n');
}

// Appends one CSV line for `record`, columns in record_field_names order.
template <WritableRecord T>
void append_csv_row(std::string& out, const T& record) {
  record_field_names<T>();
  bool first = true;
  auto cell = [&](const auto& value) {
    if (!first) out.push_back(',');
    first = false;
    internal::append_field(out, value, /*json=*/false);
  };
  internal::for_each_value(record, cell);
  out.push_back('\n');
}

// Appends one JSON object (no newline). When `type` is not empty it comes
// first as "type":"<type>", so records of several kinds can share a stream.
template <WritableRecord T>
void append_json_object(std::string& out, const T& record,
                        std::string_view type = {}) {
  constexpr auto names = record_field_names<T>();
  out.push_back('{');
  if (!type.empty()) {
    out += "\"type\":";
    internal::append_json_value(out, type);
  }
  std::size_t i = 0;
  auto member = [&](const auto& value) {
    if (i > 0 || !type.empty()) out.push_back(',');
    internal::append_json_value(out, names[i++]);
    out.push_back(':');
    internal::append_field(out, value, /*json=*/true);
  };
  internal::for_each_value(record, member);
  out.push_back('}');
}

}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_RECORD_FIELDS_H_

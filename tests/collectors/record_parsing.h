// File: tests/collectors/record_parsing.h
//
// Test helpers that read sink output back into records, independently of
// the writers: an RFC 4180 CSV reader, a JSON reader (Boost.JSON), a
// PFR-driven "cells/object -> record" conversion, and a NaN-aware
// field-by-field comparison. Used by the sink round-trip tests.
//
// Example:
//   std::vector<std::vector<std::string>> rows = parse_csv(text);
//   DecisionRecord back = record_from_cells<DecisionRecord>(rows[1]);
//   expect_same_record(original, back);
#ifndef BETAPOOL_TESTS_COLLECTORS_RECORD_PARSING_H_
#define BETAPOOL_TESTS_COLLECTORS_RECORD_PARSING_H_

#include <boost/json.hpp>
#include <boost/pfr.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace betapool::fixture {

// Parses RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line
// breaks. Fails the test on a malformed quote.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, cell_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      if (!cell.empty()) ADD_FAILURE() << "quote inside an unquoted cell";
      quoted = true;
      cell_started = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      cell_started = true;
    } else if (c == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      cell_started = false;
    } else {
      cell.push_back(c);
      cell_started = true;
    }
  }
  if (quoted) ADD_FAILURE() << "unterminated quoted cell";
  if (cell_started || !row.empty()) {
    ADD_FAILURE() << "last row has no line end";
  }
  return rows;
}

inline void parse_cell(const std::string& s, double& out) {
  if (s.empty()) {
    out = std::numeric_limits<double>::quiet_NaN();
  } else if (s == "inf" || s == "-inf") {
    out = s[0] == '-' ? -std::numeric_limits<double>::infinity()
                      : std::numeric_limits<double>::infinity();
  } else {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    EXPECT_TRUE(r.ec == std::errc() && r.ptr == s.data() + s.size())
        << "not a number: '" << s << "'";
  }
}
inline void parse_cell(const std::string& s, bool& out) {
  EXPECT_TRUE(s == "true" || s == "false") << "not a bool: '" << s << "'";
  out = s == "true";
}
inline void parse_cell(const std::string& s, std::string& out) { out = s; }
template <class I>
  requires std::is_integral_v<I>
void parse_cell(const std::string& s, I& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  EXPECT_TRUE(r.ec == std::errc() && r.ptr == s.data() + s.size())
      << "not an integer: '" << s << "'";
}

// Builds a record from one CSV row, cells in kFieldNames order.
template <class T>
T record_from_cells(const std::vector<std::string>& cells) {
  T r{};
  EXPECT_EQ(cells.size(), T::kFieldNames.size());
  if (cells.size() != T::kFieldNames.size()) return r;
  boost::pfr::for_each_field(
      r, [&](auto& field, std::size_t i) { parse_cell(cells[i], field); });
  return r;
}

inline void json_to(const boost::json::value& v, double& out) {
  if (v.is_null()) {
    out = std::numeric_limits<double>::quiet_NaN();
  } else {
    EXPECT_TRUE(v.is_number()) << v;
    out = v.is_number() ? v.to_number<double>() : 0.0;
  }
}
inline void json_to(const boost::json::value& v, bool& out) {
  EXPECT_TRUE(v.is_bool()) << v;
  out = v.is_bool() && v.get_bool();
}
inline void json_to(const boost::json::value& v, std::string& out) {
  EXPECT_TRUE(v.is_string()) << v;
  if (v.is_string()) out = std::string(v.get_string());
}
template <class I>
  requires std::is_integral_v<I>
void json_to(const boost::json::value& v, I& out) {
  EXPECT_TRUE(v.is_int64() || v.is_uint64()) << v;
  out = v.to_number<I>();
}

// Builds a record from a JSON object keyed by kFieldNames; fails the test on
// a missing key.
template <class T>
T record_from_json(const boost::json::object& o) {
  T r{};
  boost::pfr::for_each_field(r, [&](auto& field, std::size_t i) {
    const boost::json::value* v = o.if_contains(T::kFieldNames[i]);
    EXPECT_NE(v, nullptr) << "missing key " << T::kFieldNames[i];
    if (v != nullptr) json_to(*v, field);
  });
  return r;
}

// How exactly doubles must match. Text written by std::to_chars reads back
// exactly with std::from_chars (the CSV path); Boost 1.81's JSON parser is
// not correctly rounded and may land one ULP away (fixed in Boost 1.83's
// precise mode), so JSON round trips allow that one ULP.
enum class DoubleMatch { kExact, kWithinOneUlp };

template <class V>
void expect_same_value(const V& a, const V& b, const char* name,
                       DoubleMatch match) {
  if constexpr (std::is_floating_point_v<V>) {
    if (std::isnan(a)) {
      EXPECT_TRUE(std::isnan(b)) << name << ": " << b << " is not NaN";
      return;
    }
    if (match == DoubleMatch::kWithinOneUlp && a != b) {
      EXPECT_TRUE(std::nextafter(a, b) == b)
          << name << ": " << a << " vs " << b << " differ by more than 1 ULP";
      return;
    }
  }
  EXPECT_EQ(a, b) << name;
}

template <class T, std::size_t... I>
void expect_same_record_impl(const T& a, const T& b, DoubleMatch match,
                             std::index_sequence<I...>) {
  (expect_same_value(boost::pfr::get<I>(a), boost::pfr::get<I>(b),
                     T::kFieldNames[I], match),
   ...);
}

// Every field equal (NaN equals NaN), with the field name on failure.
template <class T>
void expect_same_record(const T& a, const T& b,
                        DoubleMatch match = DoubleMatch::kExact) {
  expect_same_record_impl(
      a, b, match, std::make_index_sequence<boost::pfr::tuple_size_v<T>>());
}

}  // namespace betapool::fixture

#endif  // BETAPOOL_TESTS_COLLECTORS_RECORD_PARSING_H_

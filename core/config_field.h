// File: core/config_field.h
//
// ConfigField<C>: one row of a configuration struct's field table — the
// field's name, which member it is (hence its type), its valid range and a
// one-line meaning. A struct that lists its fields this way
// (ControllerConfig, MetricsOptions: core/controller_config.h) gets, from the
// one table, range checks with messages that name the field and value,
// parsing from text (config strings, flags) and setting from a number (the
// Python binding), so no caller restates a field's name or range.
//
// Units: durations are read and written as seconds (double); ranges of
// durations are in seconds too. Integer fields accept only integral values.
//
// Example:
//   template <> struct ConfigFields<MyConfig> {
//     static constexpr absl::string_view kName = "MyConfig";
//     static constexpr std::array<ConfigField<MyConfig>, 1> kFields{{
//         {"steps", &MyConfig::steps, 1, 100, "how many"}}};
//   };
//   absl::Status s = check_field_ranges(config);  // "MyConfig.steps = 0: ..."
//
// Thread safety: stateless functions over the caller's struct.
#ifndef BETAPOOL_CORE_CONFIG_FIELD_H_
#define BETAPOOL_CORE_CONFIG_FIELD_H_

#include <boost/pfr.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/echoed_text.h"

namespace betapool {

template <class C>
struct ConfigField {
  using Member = std::variant<int C::*, std::size_t C::*, double C::*,
                              absl::Duration C::*>;
  absl::string_view name;
  Member member;
  double min;  // inclusive; seconds for a duration
  double max;  // inclusive; finite, so sums and products of fields stay small
  absl::string_view meaning;

  bool is_integral() const {
    return std::holds_alternative<int C::*>(member) ||
           std::holds_alternative<std::size_t C::*>(member);
  }
  bool is_duration() const {
    return std::holds_alternative<absl::Duration C::*>(member);
  }
  // "integer", "number" or "seconds": what a caller must supply.
  absl::string_view unit() const {
    return is_integral() ? "integer" : is_duration() ? "seconds" : "number";
  }
};

// Specialised next to each configuration struct: kName and kFields, one row
// per field in declaration order.
template <class C>
struct ConfigFields;

// The table of C, checked against the struct: it must have one row per
// field (Boost.PFR counts them; tests check the rows' order).
template <class C>
constexpr const auto& config_fields() {
  static_assert(ConfigFields<C>::kFields.size() == boost::pfr::tuple_size_v<C>,
                "the field table must list every field of the struct");
  return ConfigFields<C>::kFields;
}

// The row named `name`, or nullptr.
template <class C>
const ConfigField<C>* find_config_field(absl::string_view name) {
  for (const ConfigField<C>& f : config_fields<C>()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The field's value as a double (durations in seconds; NaN and infinities
// of a double pass through, an infinite duration is +-inf).
template <class C>
double field_value(const C& c, const ConfigField<C>& f) {
  return std::visit(
      [&](auto member) -> double {
        const auto& v = c.*member;
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, absl::Duration>) {
          return absl::ToDoubleSeconds(v);
        } else {
          return static_cast<double>(v);
        }
      },
      f.member);
}

// The field's value as text: integers in decimal, doubles as StrCat writes
// them ("nan", "inf"), durations as absl::FormatDuration ("500ms").
template <class C>
std::string field_text(const C& c, const ConfigField<C>& f) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& v = c.*member;
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, absl::Duration>) {
          return absl::FormatDuration(v);
        } else {
          return absl::StrCat(v);
        }
      },
      f.member);
}

// The field's value in a default-constructed C: the struct's initialisers
// are the one place defaults are written.
template <class C>
double field_default(const ConfigField<C>& f) {
  return field_value(C{}, f);
}

namespace internal {

// Integral values as integers ("2147483647", not "2.14748e+09"); others as
// StrCat writes a double ("0.25", "nan", "inf").
inline std::string number_text(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e18) {
    return absl::StrCat(static_cast<long long>(v));
  }
  return absl::StrCat(v);
}

// "C.name = text: must be within [min, max]" (the range in the field's unit).
template <class C>
absl::Status field_out_of_range(const ConfigField<C>& f, absl::string_view text) {
  const absl::string_view secs = f.is_duration() ? " seconds" : "";
  return absl::InvalidArgumentError(
      absl::StrCat(ConfigFields<C>::kName, ".", f.name, " = ", text,
                   ": must be within [", number_text(f.min), ", ",
                   number_text(f.max), "]", secs));
}

template <class C>
bool in_field_range(const ConfigField<C>& f, double v) {
  return v >= f.min && v <= f.max;  // false for NaN
}

}  // namespace internal

// OK, or InvalidArgument for the first field (in table order) outside its
// range: "ControllerConfig.scale_up_step = 2147483647: must be within
// [1, 1024]". NaN is out of every range and is written "nan".
template <class C>
absl::Status check_field_ranges(const C& c) {
  for (const ConfigField<C>& f : config_fields<C>()) {
    if (!internal::in_field_range(f, field_value(c, f))) {
      return internal::field_out_of_range(f, field_text(c, f));
    }
  }
  return absl::OkStatus();
}

// Sets the field from `v` (seconds for a duration). Returns InvalidArgument,
// leaving `c` unchanged, when `v` is outside the field's range (NaN always
// is) or not integral for an integer field.
template <class C>
absl::Status set_field(C& c, const ConfigField<C>& f, double v) {
  if (!internal::in_field_range(f, v)) {
    return internal::field_out_of_range(f, internal::number_text(v));
  }
  if (f.is_integral() && v != std::floor(v)) {
    return absl::InvalidArgumentError(absl::StrCat(
        ConfigFields<C>::kName, ".", f.name, " = ", internal::number_text(v),
        ": must be an integer"));
  }
  std::visit(
      [&](auto member) {
        auto& out = c.*member;
        using T = std::decay_t<decltype(out)>;
        if constexpr (std::is_same_v<T, absl::Duration>) {
          out = absl::Seconds(v);
        } else {
          out = static_cast<T>(v);  // in range, so exact
        }
      },
      f.member);
  return absl::OkStatus();
}

// Parses `text` (an integer for an integer field, otherwise a number;
// seconds for a duration) and sets the field as set_field does. Returns
// InvalidArgument "<name>='<text>' is not an integer" (or "a number",
// "a number of seconds"; a long text is echoed only in part, see
// core/echoed_text.h), or set_field's range error.
template <class C>
absl::Status parse_field(C& c, const ConfigField<C>& f,
                         absl::string_view text) {
  double v = 0;
  if (f.is_integral()) {
    long long i = 0;
    if (!absl::SimpleAtoi(text, &i)) {
      return absl::InvalidArgumentError(
          absl::StrCat(f.name, "='", echoed_text(text), "' is not an integer"));
    }
    v = static_cast<double>(i);
  } else if (!absl::SimpleAtod(text, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(
        f.name, "='", echoed_text(text), "' is not a number",
        f.is_duration() ? " of seconds" : ""));
  }
  return set_field(c, f, v);
}

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONFIG_FIELD_H_

#include "bindings/python/src/python_config.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/echoed_text.h"

namespace py = pybind11;

namespace betapool::python {
namespace {

using Field = ConfigField<ControllerConfig>;

// The seed's Python name of a field: durations are "<name>_sec" seconds.
std::string python_name(const Field& f) {
  return f.is_duration() ? absl::StrCat(f.name, "_sec") : std::string(f.name);
}

py::object to_python(double v, const Field& f) {
  if (f.is_integral()) return py::int_(static_cast<long long>(v));
  return py::float_(v);
}

// Python's repr of a user's value, echoed in part: it may be huge.
std::string repr_of(const py::handle& v) {
  return echoed_text(std::string(py::repr(v)));
}

// `value` as a double if it is an int (not a bool: True is no step size)
// or, unless `integral`, a float; nullopt for any other type. A huge int
// becomes +-inf (out of every range), never an overflow.
std::optional<double> number_of(const py::handle& value, bool integral) {
  const bool is_int =
      py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value);
  if (!is_int) {
    if (integral || !py::isinstance<py::float_>(value)) return std::nullopt;
    return value.cast<double>();
  }
  // Through Python's own int -> float: exact in every field's range.
  const double v = PyLong_AsDouble(value.ptr());
  if (v == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    return value.cast<py::int_>() > py::int_(0) ? HUGE_VAL : -HUGE_VAL;
  }
  return v;
}

// The value of Python attribute `name` = `value` into field `f` of `c`.
void set_from_python(ControllerConfig& c, const Field& f,
                     const std::string& name, const py::handle& value) {
  const std::optional<double> number = number_of(value, f.is_integral());
  if (!number) {
    throw std::invalid_argument(absl::StrCat(
        "config.", name, " = ", repr_of(value), ": must be ",
        f.is_integral() ? "an int" : "an int or a float",
        f.is_duration() ? " (seconds)" : ""));
  }
  const double v = *number;
  if (absl::Status s = set_field(c, f, v); !s.ok()) {
    // set_field says "ControllerConfig.<name> = <v>: <rule>"; name the
    // attribute the user wrote, and its value, instead.
    const absl::string_view m = s.message();
    const std::size_t rule = m.find(": ");
    throw std::invalid_argument(absl::StrCat(
        "config.", name, " = ", repr_of(value), ": ",
        rule == absl::string_view::npos ? m : m.substr(rule + 2)));
  }
}

}  // namespace

ControllerConfig config_from_python(const py::handle& obj) {
  ControllerConfig c;
  if (obj.is_none()) return c;
  if (py::isinstance<ControllerConfig>(obj)) return obj.cast<ControllerConfig>();
  if (!py::hasattr(obj, "__dict__") || py::isinstance<py::type>(obj)) {
    throw std::invalid_argument(absl::StrCat(
        "config = ", repr_of(obj),
        ": must be a betapool.ControllerConfig (or an object with its "
        "fields as attributes), or None"));
  }
  std::vector<std::string> known;
  for (const Field& f : config_fields<ControllerConfig>()) {
    known.push_back(python_name(f));
  }
  // Every public attribute the object shows, wherever Python keeps it (the
  // instance, its class, a property): a value set on the class is the
  // user's value as much as one set on the instance.
  for (const py::handle key : py::list(py::module_::import("builtins")
                                           .attr("dir")(obj))) {
    const std::string name = py::str(key);
    if (name.rfind('_', 0) == 0) continue;  // private state of the object
    const py::object value = obj.attr(key);
    const Field* field = nullptr;
    for (const Field& f : config_fields<ControllerConfig>()) {
      if (python_name(f) == name) field = &f;
    }
    // Methods are no fields.
    if (field == nullptr && PyCallable_Check(value.ptr())) continue;
    if (field == nullptr) {
      throw std::invalid_argument(absl::StrCat(
          "config.", echoed_text(name), " = ", repr_of(value),
          ": unknown field; known fields: ", absl::StrJoin(known, ", ")));
    }
    set_from_python(c, *field, name, value);
  }
  return c;
}

int worker_count_from_python(const char* name, const py::handle& value) {
  const std::optional<double> v = number_of(value, /*integral=*/true);
  if (!v) {
    throw py::type_error(
        absl::StrCat(name, " = ", repr_of(value), ": must be an int"));
  }
  // The builder checks the bounds; an int it cannot hold is out of them.
  if (*v < std::numeric_limits<int>::min() ||
      *v > std::numeric_limits<int>::max()) {
    throw std::invalid_argument(absl::StrCat(name, " = ", repr_of(value),
                                             ": must be within [1, ",
                                             kMaxWorkerCount, "]"));
  }
  return static_cast<int>(*v);
}

std::optional<int> optional_worker_count_from_python(const char* name,
                                                     const py::handle& value) {
  if (value.is_none()) return std::nullopt;
  if (!number_of(value, /*integral=*/true)) {
    throw py::type_error(
        absl::StrCat(name, " = ", repr_of(value), ": must be an int or None"));
  }
  return worker_count_from_python(name, value);
}

std::optional<double> optional_seconds_from_python(const char* name,
                                                   const py::handle& value) {
  if (value.is_none()) return std::nullopt;
  const std::optional<double> v = number_of(value, /*integral=*/false);
  if (!v) {
    throw py::type_error(absl::StrCat(
        name, " = ", repr_of(value),
        ": must be an int or a float (seconds) or None"));
  }
  return v;
}

void bind_config(py::module_& m) {
  m.def(
      "config_fields",
      [] {
        py::list out;
        for (const Field& f : config_fields<ControllerConfig>()) {
          py::dict d;
          d["name"] = python_name(f);
          d["type"] = f.is_integral() ? py::type::of(py::int_())
                                      : py::type::of(py::float_());
          d["default"] = to_python(field_default(f), f);
          d["min"] = to_python(f.min, f);
          d["max"] = to_python(f.max, f);
          d["doc"] = std::string(f.meaning);
          out.append(d);
        }
        return out;
      },
      "ControllerConfig's fields, in order: dicts of name, type, default, "
      "min, max (inclusive; seconds for *_sec) and doc.");

  py::class_<ControllerConfig> core_config(
      m, "CoreConfig",
      "The controller configuration in force (read only), with the seed's "
      "field names.");
  for (const Field& f : config_fields<ControllerConfig>()) {
    const Field* field = &f;  // the table is static
    core_config.def_property_readonly(
        python_name(f).c_str(), [field](const ControllerConfig& c) {
          return to_python(field_value(c, *field), *field);
        });
  }
}

}  // namespace betapool::python

// File: bindings/python/src/python_config.h
//
// ControllerConfig in Python, driven by its field table
// (core/controller_config.h), so no field is named here: `_core.config_fields()`
// describes each field to executor.py (which builds the seed's
// ControllerConfig dataclass from it), `_core.CoreConfig` is the read-only
// config in force, and config_from_python() turns the user's `config=`
// argument into a ControllerConfig.
//
// Python names: a duration field carries the seed's "_sec" suffix and is a
// float of seconds (monitor_interval -> monitor_interval_sec).
//
// Example (Python):
//   [f["name"] for f in _core.config_fields()]  # "monitor_interval_sec", ...
//
// Thread safety: call with the GIL held.
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_CONFIG_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_CONFIG_H_

#include <pybind11/pybind11.h>

#include <optional>

#include "core/controller_config.h"

namespace betapool::python {

// Defines config_fields() and CoreConfig in `m`.
void bind_config(pybind11::module_& m);

// None: the defaults. Otherwise an object whose public attributes (on the
// instance or its class; methods aside) are all fields of the table
// (missing ones keep their defaults), or a CoreConfig.
// Throws std::invalid_argument (ValueError) naming the field and value for
// an unknown attribute, a value of the wrong type (an int field takes an
// int, not a bool or float; others take an int or float) or out of its
// range, and for anything that is not such an object (a dict, a number, a
// string).
ControllerConfig config_from_python(const pybind11::handle& obj);

// The executor's own arguments, named `name` in messages. A worker count
// is an int (not a bool), None where optional; record_spacing is seconds,
// an int or a float, or None. Throws TypeError naming the argument and
// value for another type, ValueError for an int no C++ int holds; the
// builder checks the ranges.
int worker_count_from_python(const char* name, const pybind11::handle& value);
std::optional<int> optional_worker_count_from_python(
    const char* name, const pybind11::handle& value);
std::optional<double> optional_seconds_from_python(
    const char* name, const pybind11::handle& value);

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_CONFIG_H_

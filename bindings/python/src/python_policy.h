// File: bindings/python/src/python_policy.h
//
// PythonPolicy: a ScalingPolicy whose decide() is a Python object's
// `decide(snapshot)`; and PolicyRegistry: the names of policies written in
// Python, added to a ComponentRegistry beside betapool's built-ins so that
// every policy — C++ or Python — is chosen by name the same way.
//
// A Python policy is the one place where the controller thread takes the
// GIL: once per tick (every monitor_interval), for the duration of decide().
// Built-in policies never touch the interpreter.
//
// decide(snapshot) may return an int (the target), a (target, reason)
// tuple, or any object with a `target` attribute and optionally `reason`.
// A Python exception, or anything else, becomes a C++ exception that the
// controller counts as a policy fault (it holds the size for that tick).
//
// Example (Python):
//   class Eight:
//       def decide(self, snapshot):
//           return 8, "always eight"
//   betapool.register_policy("eight", lambda ctx: Eight())
//   AdaptiveThreadPoolExecutor(2, 16, policy="eight")
//
// Thread safety: PolicyRegistry methods need the GIL (they are called from
// Python); a PythonPolicy takes the GIL itself.
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_POLICY_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_POLICY_H_

#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/component_registry.h"
#include "core/scaling_policy.h"

namespace betapool::python {

class PythonPolicy : public ScalingPolicy {
 public:
  // `impl` has a decide(snapshot) method. GIL held.
  PythonPolicy(pybind11::object impl, std::string name);
  // Drops the reference under the GIL (leaks it if the interpreter is gone).
  ~PythonPolicy() override;

  std::string_view name() const noexcept override { return name_; }
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

 private:
  pybind11::object impl_;
  std::string name_;
};

class PolicyRegistry {
 public:
  // The process-wide registry of Python policies.
  static PolicyRegistry& instance();

  // Adds `factory` (called as factory(ctx) -> policy object) under `name`.
  // Throws std::invalid_argument if the name is empty or already taken by a
  // built-in or a registered policy.
  void add(const std::string& name, pybind11::object factory);

  // Every policy name: built-ins and Python ones, sorted.
  std::vector<std::string> names() const;

  // A registry with the built-ins and every Python policy registered so far
  // (rebuilt after each add). The result stays valid while held.
  std::shared_ptr<const ComponentRegistry> registry();

  // Drops the factories (at interpreter exit, while Python still runs).
  void clear();

 private:
  PolicyRegistry() = default;

  std::vector<std::pair<std::string, pybind11::object>> factories_;
  std::shared_ptr<const ComponentRegistry> cached_;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_PYTHON_POLICY_H_

#include "bindings/python/src/python_policy.h"

#include <algorithm>
#include <stdexcept>

#include "betapool/builtins.h"
#include "bindings/python/src/worker_gil.h"

namespace py = pybind11;

namespace betapool::python {
namespace {

// Reads decide()'s answer (GIL held). Throws std::runtime_error naming what
// was wrong.
ScalingDecision parse_decision(const py::handle& r, int current) {
  ScalingDecision d;
  auto to_target = [](const py::handle& v) {
    if (!py::isinstance<py::int_>(v)) {
      throw std::runtime_error("decide() target must be an int, got " +
                               std::string(py::str(py::type::of(v))));
    }
    const long long t = v.cast<long long>();
    // The controller clamps; keep the value representable.
    return static_cast<int>(std::clamp<long long>(t, -1'000'000, 1'000'000));
  };
  if (py::isinstance<py::int_>(r) && !py::isinstance<py::bool_>(r)) {
    d.target = to_target(r);
  } else if (py::isinstance<py::tuple>(r) && py::len(r) == 2) {
    d.target = to_target(r[py::int_(0)]);
    d.reason = py::str(r[py::int_(1)]).cast<std::string>();
  } else if (py::hasattr(r, "target")) {
    d.target = to_target(r.attr("target"));
    if (py::hasattr(r, "reason")) {
      d.reason = py::str(r.attr("reason")).cast<std::string>();
    }
  } else {
    throw std::runtime_error(
        "decide() must return an int, (target, reason) or an object with "
        ".target; got " +
        std::string(py::str(py::type::of(r))));
  }
  d.kind = d.target > current   ? DecisionKind::kScaleUp
           : d.target < current ? DecisionKind::kScaleDown
                                : DecisionKind::kHold;
  return d;
}

}  // namespace

PythonPolicy::PythonPolicy(py::object impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {}

PythonPolicy::~PythonPolicy() {
  ScopedGil gil;
  if (!gil.ok()) {
    impl_.release();  // no interpreter left to free it in
    return;
  }
  impl_ = py::object();
}

ScalingDecision PythonPolicy::decide(const ControllerSnapshot& snapshot) {
  ScopedGil gil;
  if (!gil.ok()) {
    return ScalingDecision::hold(snapshot.current_workers,
                                 "interpreter is shutting down");
  }
  // Convert Python errors to C++ ones while the GIL is held, so nothing
  // Python-owned outlives this scope.
  std::string error;
  try {
    py::object r = impl_.attr("decide")(snapshot);
    return parse_decision(r, snapshot.current_workers);
  } catch (py::error_already_set& e) {
    error = std::string("Python policy '") + name_ + "' raised: " + e.what();
  } catch (const std::exception& e) {
    error = std::string("Python policy '") + name_ + "': " + e.what();
  }
  throw std::runtime_error(error);
}

PolicyRegistry& PolicyRegistry::instance() {
  // Never destroyed: its Python references must not be dropped after the
  // interpreter has finalized.
  static PolicyRegistry* registry = new PolicyRegistry();
  return *registry;
}

std::vector<std::string> PolicyRegistry::names() const {
  std::vector<std::string> out = builtin_registry().policy_names();
  for (const auto& [name, factory] : factories_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

void PolicyRegistry::add(const std::string& name, py::object factory) {
  if (name.empty()) {
    throw std::invalid_argument("register_policy: name must not be empty");
  }
  if (!PyCallable_Check(factory.ptr())) {
    throw std::invalid_argument("register_policy('" + name +
                                "'): factory must be callable");
  }
  const std::vector<std::string> known = names();
  if (std::find(known.begin(), known.end(), name) != known.end()) {
    throw std::invalid_argument("register_policy: a policy named '" + name +
                                "' is already registered");
  }
  factories_.emplace_back(name, std::move(factory));
  cached_.reset();
}

std::shared_ptr<const ComponentRegistry> PolicyRegistry::registry() {
  if (cached_) return cached_;
  ComponentRegistryBuilder builder;
  register_builtins(builder);
  for (const auto& [name, factory] : factories_) {
    // The registry may copy and destroy its factories without the GIL: keep
    // a borrowed pointer (factories_ owns the reference and is never freed).
    PyObject* borrowed = factory.ptr();
    std::string policy_name = name;
    builder.add_policy(name, [borrowed, policy_name](
                                 const ComponentContext& ctx)
                                 -> std::unique_ptr<ScalingPolicy> {
      ScopedGil gil;
      if (!gil.ok()) throw std::runtime_error("interpreter is shutting down");
      std::string error;
      try {
        py::object impl = py::reinterpret_borrow<py::object>(borrowed)(ctx);
        if (!py::hasattr(impl, "decide")) {
          throw std::invalid_argument("policy factory for '" + policy_name +
                                      "' returned an object without decide()");
        }
        return std::make_unique<PythonPolicy>(std::move(impl), policy_name);
      } catch (py::error_already_set& e) {
        error = "policy factory for '" + policy_name + "' raised: " + e.what();
      }
      throw std::invalid_argument(error);
    });
  }
  absl::StatusOr<ComponentRegistry> built = std::move(builder).build();
  if (!built.ok()) {
    throw std::invalid_argument(std::string(built.status().message()));
  }
  cached_ = std::make_shared<const ComponentRegistry>(std::move(*built));
  return cached_;
}

}  // namespace betapool::python

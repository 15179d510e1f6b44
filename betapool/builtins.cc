#include "betapool/builtins.h"

#include "collectors/json_lines_sink.h"
#include "core/component_registry.h"
#include "policies/beta_veto_policy.h"
#include "policies/bottleneck_policy.h"
#include "policies/gil_wait_veto_policy.h"
#include "policies/hill_climbing_policy.h"
#include "policies/static_policy.h"
#include "sensors/cgroup_cpu_sensor.h"
#include "sensors/pressure_sensor.h"
#include "sensors/proc_stat_sensor.h"
#include "sensors/thread_cpu_clock.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace betapool {

void register_builtins(ComponentRegistryBuilder& builder) {
  // Policies.
  register_beta_veto_policy(builder);
  register_static_policy(builder);
  register_hill_climbing_policy(builder);
  register_bottleneck_policy(builder);
  register_gil_wait_veto_policy(builder);
  // Sensors.
  register_proc_stat_sensor(builder);
  register_cgroup_cpu_sensor(builder);
  register_pressure_sensor(builder);
  // Clocks.
  register_thread_cpu_clock(builder);
  // Sinks.
  register_json_lines_sink(builder);
}

const ComponentRegistry& builtin_registry() {
  static const ComponentRegistry* const registry = [] {
    ComponentRegistryBuilder b;
    register_builtins(b);
    absl::StatusOr<ComponentRegistry> r = std::move(b).build();
    // Built-in names are fixed at compile time; a clash is a bug in betapool
    // caught by its own tests, so failing loudly here is right.
    if (!r.ok()) {
      throw std::logic_error(std::string(r.status().message()));
    }
    return new ComponentRegistry(*std::move(r));
  }();
  return *registry;
}

}  // namespace betapool

// File: core/component_registry.h
//
// ComponentRegistry: factories for policies, sensors, clocks and sinks by
// name, so an executor can be assembled from a config string or flags
// (`ExecutorBuilder::policy("beta_veto")`) as well as from types.
//
// Modelled on gRPC's LB-policy registry: a ComponentRegistryBuilder is used
// at start-up only; each component's file ends with an explicit
// `register_xxx(ComponentRegistryBuilder&)`, and `register_builtins` (in
// the assembly layer, betapool/builtins.h) calls them all — no static initialisers, so nothing is
// silently dropped by the linker. Duplicate names are an error at build();
// the built registry is immutable. Unknown names fail with the known list.
//
// Example:
//   betapool::ComponentRegistryBuilder b;
//   betapool::register_builtins(b);
//   b.add_policy("my_policy", [](const betapool::ComponentContext& ctx) {
//     return std::make_unique<MyPolicy>(ctx.config);
//   });
//   absl::StatusOr<betapool::ComponentRegistry> registry = std::move(b).build();
//
// Thread safety: a built registry is immutable and safe to share.
#ifndef BETAPOOL_CORE_COMPONENT_REGISTRY_H_
#define BETAPOOL_CORE_COMPONENT_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/controller_config.h"
#include "core/cpu_sensor.h"
#include "core/metrics_sink.h"
#include "core/scaling_policy.h"
#include "core/task_clock.h"

namespace betapool {

// What a factory may use to build its component.
struct ComponentContext {
  ControllerConfig config;
  int min_workers = 1;
  int max_workers = 1;
  int initial_workers = 1;
};

template <class Interface>
using ComponentFactory =
    std::function<std::unique_ptr<Interface>(const ComponentContext&)>;

class ComponentRegistry;

class ComponentRegistryBuilder {
 public:
  // Each adds a factory under `name`. A duplicate name (or an empty name or
  // factory) makes build() fail naming it.
  ComponentRegistryBuilder& add_policy(std::string name,
                                       ComponentFactory<ScalingPolicy> f);
  ComponentRegistryBuilder& add_sensor(std::string name,
                                       ComponentFactory<CpuSensor> f);
  ComponentRegistryBuilder& add_clock(std::string name,
                                      ComponentFactory<TaskClock> f);
  ComponentRegistryBuilder& add_sink(std::string name,
                                     ComponentFactory<MetricsSink> f);

  // Returns the registry, or InvalidArgument for the first bad registration.
  absl::StatusOr<ComponentRegistry> build() &&;

 private:
  template <class I>
  void add(std::map<std::string, ComponentFactory<I>, std::less<>>& table,
           const char* kind, std::string name, ComponentFactory<I> f);

  std::map<std::string, ComponentFactory<ScalingPolicy>, std::less<>> policies_;
  std::map<std::string, ComponentFactory<CpuSensor>, std::less<>> sensors_;
  std::map<std::string, ComponentFactory<TaskClock>, std::less<>> clocks_;
  std::map<std::string, ComponentFactory<MetricsSink>, std::less<>> sinks_;
  absl::Status error_;
};

class ComponentRegistry {
 public:
  // Each returns the new component, or NotFound("unknown policy 'x'; known
  // policies: a, b, c").
  absl::StatusOr<std::unique_ptr<ScalingPolicy>> create_policy(
      std::string_view name, const ComponentContext& ctx) const;
  absl::StatusOr<std::unique_ptr<CpuSensor>> create_sensor(
      std::string_view name, const ComponentContext& ctx) const;
  absl::StatusOr<std::unique_ptr<TaskClock>> create_clock(
      std::string_view name, const ComponentContext& ctx) const;
  absl::StatusOr<std::unique_ptr<MetricsSink>> create_sink(
      std::string_view name, const ComponentContext& ctx) const;

  // Registered names, sorted.
  std::vector<std::string> policy_names() const;
  std::vector<std::string> sensor_names() const;
  std::vector<std::string> clock_names() const;
  std::vector<std::string> sink_names() const;

 private:
  friend class ComponentRegistryBuilder;
  ComponentRegistry() = default;

  std::map<std::string, ComponentFactory<ScalingPolicy>, std::less<>> policies_;
  std::map<std::string, ComponentFactory<CpuSensor>, std::less<>> sensors_;
  std::map<std::string, ComponentFactory<TaskClock>, std::less<>> clocks_;
  std::map<std::string, ComponentFactory<MetricsSink>, std::less<>> sinks_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_COMPONENT_REGISTRY_H_

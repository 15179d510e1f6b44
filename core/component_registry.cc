#include "core/component_registry.h"

#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/echoed_text.h"

namespace betapool {
namespace {

template <class Table>
std::vector<std::string> names_of(const Table& table) {
  std::vector<std::string> out;
  out.reserve(table.size());
  for (const auto& [name, factory] : table) out.push_back(name);
  return out;
}

template <class I, class Table>
absl::StatusOr<std::unique_ptr<I>> create_from(const Table& table,
                                               const char* kind,
                                               std::string_view name,
                                               const ComponentContext& ctx) {
  auto it = table.find(name);
  if (it == table.end()) {
    return absl::NotFoundError(absl::StrCat(
        "unknown ", kind, " '",
        echoed_text(absl::string_view(name.data(), name.size())), "'; known ",
        std::string(kind) == "policy" ? "policies" : std::string(kind) + "s", ": ",
        table.empty() ? "(none)" : absl::StrJoin(names_of(table), ", ")));
  }
  std::unique_ptr<I> component = it->second(ctx);
  if (component == nullptr) {
    return absl::InternalError(
        absl::StrCat("the factory of ", kind, " '", std::string(name),
                     "' returned null"));
  }
  return component;
}

}  // namespace

template <class I>
void ComponentRegistryBuilder::add(
    std::map<std::string, ComponentFactory<I>, std::less<>>& table,
    const char* kind, std::string name, ComponentFactory<I> f) {
  if (!error_.ok()) return;
  if (name.empty()) {
    error_ = absl::InvalidArgumentError(
        absl::StrCat("a ", kind, " was registered with an empty name"));
  } else if (!f) {
    error_ = absl::InvalidArgumentError(
        absl::StrCat(kind, " '", name, "' was registered without a factory"));
  } else if (!table.emplace(name, std::move(f)).second) {
    error_ = absl::AlreadyExistsError(
        absl::StrCat("duplicate ", kind, " name '", name, "'"));
  }
}

ComponentRegistryBuilder& ComponentRegistryBuilder::add_policy(
    std::string name, ComponentFactory<ScalingPolicy> f) {
  add(policies_, "policy", std::move(name), std::move(f));
  return *this;
}
ComponentRegistryBuilder& ComponentRegistryBuilder::add_sensor(
    std::string name, ComponentFactory<CpuSensor> f) {
  add(sensors_, "sensor", std::move(name), std::move(f));
  return *this;
}
ComponentRegistryBuilder& ComponentRegistryBuilder::add_clock(
    std::string name, ComponentFactory<TaskClock> f) {
  add(clocks_, "clock", std::move(name), std::move(f));
  return *this;
}
ComponentRegistryBuilder& ComponentRegistryBuilder::add_sink(
    std::string name, ComponentFactory<MetricsSink> f) {
  add(sinks_, "sink", std::move(name), std::move(f));
  return *this;
}

absl::StatusOr<ComponentRegistry> ComponentRegistryBuilder::build() && {
  if (!error_.ok()) return error_;
  ComponentRegistry r;
  r.policies_ = std::move(policies_);
  r.sensors_ = std::move(sensors_);
  r.clocks_ = std::move(clocks_);
  r.sinks_ = std::move(sinks_);
  return r;
}

absl::StatusOr<std::unique_ptr<ScalingPolicy>> ComponentRegistry::create_policy(
    std::string_view name, const ComponentContext& ctx) const {
  return create_from<ScalingPolicy>(policies_, "policy", name, ctx);
}
absl::StatusOr<std::unique_ptr<CpuSensor>> ComponentRegistry::create_sensor(
    std::string_view name, const ComponentContext& ctx) const {
  return create_from<CpuSensor>(sensors_, "sensor", name, ctx);
}
absl::StatusOr<std::unique_ptr<TaskClock>> ComponentRegistry::create_clock(
    std::string_view name, const ComponentContext& ctx) const {
  return create_from<TaskClock>(clocks_, "clock", name, ctx);
}
absl::StatusOr<std::unique_ptr<MetricsSink>> ComponentRegistry::create_sink(
    std::string_view name, const ComponentContext& ctx) const {
  return create_from<MetricsSink>(sinks_, "sink", name, ctx);
}

std::vector<std::string> ComponentRegistry::policy_names() const {
  return names_of(policies_);
}
std::vector<std::string> ComponentRegistry::sensor_names() const {
  return names_of(sensors_);
}
std::vector<std::string> ComponentRegistry::clock_names() const {
  return names_of(clocks_);
}
std::vector<std::string> ComponentRegistry::sink_names() const {
  return names_of(sinks_);
}

}  // namespace betapool

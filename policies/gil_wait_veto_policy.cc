// File: policies/gil_wait_veto_policy.cc
//
// GilWaitVetoPolicy's decision flow (see the header) and its registration.
// The flow, thresholds, steps and reasons are those of the Python-written
// GilWaitVetoPolicy (bindings/python/betapool/policies.py).
#include "policies/gil_wait_veto_policy.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "core/component_registry.h"

namespace betapool {

namespace {

constexpr std::string_view kName = "gil_wait_veto";

}  // namespace

GilWaitVetoPolicy::GilWaitVetoPolicy(ControllerConfig config, Options options)
    : config_(config), options_(options) {}

std::string_view GilWaitVetoPolicy::name() const noexcept { return kName; }

ScalingDecision GilWaitVetoPolicy::decide(const ControllerSnapshot& s) {
  const int current = s.current_workers;
  const IntervalMetrics& iv = s.interval;
  if (s.now - last_change_ < config_.stabilization_window) {
    return ScalingDecision::hold(current, "stabilizing");
  }
  if (s.total_completed < config_.warmup_task_count) {
    return ScalingDecision::hold(current, "warming up");
  }
  // `!(x > 0)` rather than `x <= 0`: a NaN total is no evidence either.
  if (iv.completed == 0 || !(iv.busy_wall_time > 0.0) ||
      iv.length <= absl::ZeroDuration()) {
    return ScalingDecision::hold(current, "no tasks finished this interval");
  }
  const double gil = iv.lock_wait_ratio().value_or(0.0);
  // std::max(0.0, NaN) is 0.0, as Python's max(0.0, nan).
  const double other = std::max(
      0.0, 1.0 - (iv.cpu_time + iv.lock_wait_time) / iv.busy_wall_time);
  const double gil_load = iv.cpu_time / absl::ToDoubleSeconds(iv.length);
  const std::optional<double>& process_cpu = s.cpu.process_percent;

  int64_t step = 0;  // +up, -down or 0, before the worker bounds
  std::string reason;
  if (gil > options_.gil_high) {
    step = -std::max<int64_t>(config_.scale_down_step, current / 8);
    reason = absl::StrFormat("GIL wait %.2f > %.2f", gil, options_.gil_high);
  } else if (gil > options_.gil_low && gil_load >= options_.saturated_cores) {
    reason = absl::StrFormat("GIL saturated: wait %.2f, pool CPU %.2f cores",
                             gil, gil_load);
  } else if (other > config_.beta_high_threshold &&
             (!process_cpu || *process_cpu < config_.cpu_upper_threshold)) {
    step = std::max<int64_t>(config_.scale_up_step, current / 4);
    reason = absl::StrFormat("blocked %.2f > %.2f, GIL wait %.2f", other,
                             config_.beta_high_threshold, gil);
  } else {
    reason = absl::StrFormat("hold: blocked %.2f, GIL wait %.2f, pool CPU %.2f",
                             other, gil, gil_load);
  }

  const int target = s.bounded(int64_t{current} + step);
  ScalingDecision d{target, DecisionKind::kHold, std::move(reason)};
  if (target > current) d.kind = DecisionKind::kScaleUp;
  if (target < current) d.kind = DecisionKind::kScaleDown;
  if (target != current) last_change_ = s.now;
  return d;
}

void register_gil_wait_veto_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy(std::string(kName), [](const ComponentContext& ctx) {
    return std::make_unique<GilWaitVetoPolicy>(ctx.config);
  });
}

}  // namespace betapool

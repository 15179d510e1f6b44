#include "policies/beta_veto_policy.h"

#include <memory>
#include <optional>

#include "absl/strings/str_format.h"
#include "core/component_registry.h"

namespace betapool {

BetaVetoPolicy::BetaVetoPolicy(ControllerConfig config, Options options)
    : config_(config), options_(options) {}

void BetaVetoPolicy::veto_growth(const CpuReading& cpu, int& step,
                                 std::string& reason) const {
  const auto check = [&](const std::optional<double>& limit,
                         const std::optional<double>& value,
                         const char* what) {
    if (!limit || step == 0) return;
    if (!value) {
      reason += absl::StrFormat(" (%s unavailable)", what);
    } else if (*value > *limit) {
      step = 0;
      reason = absl::StrFormat("%s but %s %.1f%% > %.1f%%: growth vetoed",
                               reason, what, *value, *limit);
    }
  };
  check(options_.max_pressure_some_percent, cpu.pressure_some_percent,
        "cpu pressure");
  check(options_.max_throttled_percent, cpu.throttled_percent,
        "quota throttling");
}

ScalingDecision BetaVetoPolicy::decide(const ControllerSnapshot& s) {
  const int current = s.current_workers;
  const absl::Duration since_change = s.now - last_change_;
  if (since_change < config_.stabilization_window) {
    return ScalingDecision::hold(
        current, absl::StrFormat("stabilizing: %.2fs since last change",
                                 absl::ToDoubleSeconds(since_change)));
  }
  if (s.total_completed < config_.warmup_task_count) {
    return ScalingDecision::hold(
        current, absl::StrFormat("warm-up: %d of %d tasks", s.total_completed,
                                 config_.warmup_task_count));
  }
  if (s.window.task_count == 0) {
    return ScalingDecision::hold(current, "no recent tasks: no evidence");
  }

  const double beta = s.window.avg_blocking_ratio;
  const std::optional<double> cpu = options_.cpu_signal == CpuSignal::kSystem
                                        ? s.cpu.system_percent
                                        : s.cpu.process_percent;
  const std::string cpu_text =
      cpu ? absl::StrFormat("%.0f%%", *cpu) : std::string("unavailable");

  int step = 0;  // +up, -down or 0, before the worker bounds
  std::string reason;
  if (beta > config_.beta_high_threshold) {
    if (cpu && *cpu < config_.cpu_upper_threshold) {
      step = config_.scale_up_step;
      reason = absl::StrFormat("beta %.2f > %.2f and cpu %s < %.0f%%", beta,
                               config_.beta_high_threshold, cpu_text,
                               config_.cpu_upper_threshold);
      // The optional vetoes only ever turn this scale-up into a hold.
      veto_growth(s.cpu, step, reason);
    } else {
      reason = absl::StrFormat("beta %.2f > %.2f but cpu %s", beta,
                               config_.beta_high_threshold, cpu_text);
    }
  } else if (beta < config_.beta_low_threshold) {
    step = -config_.scale_down_step;
    reason = absl::StrFormat("GIL safety veto: beta %.2f < %.2f", beta,
                             config_.beta_low_threshold);
  } else if (cpu && *cpu > config_.cpu_upper_threshold) {
    step = -config_.scale_down_step;
    reason = absl::StrFormat("cpu %s > %.0f%% (beta %.2f)", cpu_text,
                             config_.cpu_upper_threshold, beta);
  } else {
    reason = absl::StrFormat("beta %.2f within [%.2f, %.2f], cpu %s", beta,
                             config_.beta_low_threshold,
                             config_.beta_high_threshold, cpu_text);
  }

  // Within the bounds: a step the controller would clamp away is a hold,
  // says so, and does not restart the stabilization window.
  const int target = s.bounded(int64_t{current} + step);
  if (step != 0 && target == current) {
    reason += step > 0 ? " (at max_workers)" : " (at min_workers)";
  }
  ScalingDecision d{target, DecisionKind::kHold, std::move(reason)};
  if (target > current) d.kind = DecisionKind::kScaleUp;
  if (target < current) d.kind = DecisionKind::kScaleDown;
  if (d.kind != DecisionKind::kHold) last_change_ = s.now;
  return d;
}

void register_beta_veto_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy("beta_veto", [](const ComponentContext& ctx) {
    return std::make_unique<BetaVetoPolicy>(ctx.config);
  });
}

}  // namespace betapool

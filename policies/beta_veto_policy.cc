// File: policies/beta_veto_policy.cc
//
// BetaVetoPolicy's decision flow (see the header) and the registration of
// its two named configurations.
#include "policies/beta_veto_policy.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_format.h"
#include "core/component_registry.h"

namespace betapool {

namespace {

constexpr std::string_view kName = "beta_veto";
constexpr std::string_view kLockCorrectedName = "beta_veto_lock_corrected";

BetaVetoOptions lock_corrected() {
  BetaVetoOptions o;
  o.lock_wait_correction = true;
  return o;
}

}  // namespace

BetaVetoPolicy::BetaVetoPolicy(ControllerConfig config, Options options)
    : config_(config), options_(options) {}

std::string_view BetaVetoPolicy::name() const noexcept {
  return options_.lock_wait_correction ? kLockCorrectedName : kName;
}

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

  // The beta the thresholds see, and how the reasons name it: the seed's
  // window mean, or with the opt-in correction that mean minus the window's
  // lock-wait share. No share (0, or NaN from a hostile snapshot) is no
  // evidence of lock waiting, so nothing is subtracted and the text is the
  // seed's.
  double beta = s.window.avg_blocking_ratio;
  std::string beta_text = absl::StrFormat("beta %.2f", beta);
  const double lock_wait = s.window.avg_lock_wait_ratio;
  if (options_.lock_wait_correction && lock_wait > 0.0) {
    const double share = lock_wait > 1.0 ? 1.0 : lock_wait;
    // std::clamp keeps a NaN beta NaN (no threshold then fires, as in the
    // seed's flow); fmin/fmax would turn it into a number.
    const double corrected = std::clamp(beta - share, 0.0, 1.0);
    beta_text = absl::StrFormat("beta %.2f - lock wait %.2f = %.2f", beta,
                                share, corrected);
    beta = corrected;
  }
  const std::optional<double> cpu = options_.cpu_signal == CpuSignal::kSystem
                                        ? s.cpu.system_percent
                                        : s.cpu.process_percent;
  const std::string cpu_text =
      cpu ? absl::StrFormat("%.0f%%", *cpu) : std::string("unavailable");

  // A step is a size: a config built by hand skips validate(), and a
  // negative step must not reverse a decision (nor INT_MIN overflow -step).
  const int up_step = std::max(0, config_.scale_up_step);
  const int down_step = std::max(0, config_.scale_down_step);
  int step = 0;  // +up, -down or 0, before the worker bounds
  std::string reason;
  if (beta > config_.beta_high_threshold) {
    if (cpu && *cpu < config_.cpu_upper_threshold) {
      step = up_step;
      reason = absl::StrFormat("%s > %.2f and cpu %s < %.0f%%", beta_text,
                               config_.beta_high_threshold, cpu_text,
                               config_.cpu_upper_threshold);
      // The optional vetoes only ever turn this scale-up into a hold.
      veto_growth(s.cpu, step, reason);
    } else {
      reason = absl::StrFormat("%s > %.2f but cpu %s", beta_text,
                               config_.beta_high_threshold, cpu_text);
    }
  } else if (beta < config_.beta_low_threshold) {
    step = -down_step;
    reason = absl::StrFormat("GIL safety veto: %s < %.2f", beta_text,
                             config_.beta_low_threshold);
  } else if (cpu && *cpu > config_.cpu_upper_threshold) {
    step = -down_step;
    reason = absl::StrFormat("cpu %s > %.0f%% (%s)", cpu_text,
                             config_.cpu_upper_threshold, beta_text);
  } else {
    reason = absl::StrFormat("%s within [%.2f, %.2f], cpu %s", beta_text,
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
  builder.add_policy(std::string(kName), [](const ComponentContext& ctx) {
    return std::make_unique<BetaVetoPolicy>(ctx.config);
  });
  builder.add_policy(std::string(kLockCorrectedName),
                     [](const ComponentContext& ctx) {
                       return std::make_unique<BetaVetoPolicy>(
                           ctx.config, lock_corrected());
                     });
}

}  // namespace betapool

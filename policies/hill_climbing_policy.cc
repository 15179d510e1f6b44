#include "policies/hill_climbing_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/component_registry.h"

namespace betapool {
namespace {

bool at_or_above(const std::optional<double>& v, double threshold) {
  return v && std::isfinite(*v) && *v >= threshold;
}

}  // namespace

void HillClimbingPolicy::Level::add_interval(int64_t interval_completed,
                                             double seconds,
                                             int64_t min_completed) {
  if (!(seconds > 0.0) || !std::isfinite(seconds) || interval_completed < 0) {
    return;
  }
  pending_completed += interval_completed;
  pending_seconds += seconds;
  if (pending_completed >= std::max<int64_t>(1, min_completed)) {
    const double x = static_cast<double>(pending_completed) / pending_seconds;
    ++samples;
    sum += x;
    sum_sq += x * x;
    completed += pending_completed;
    pending_completed = 0;
    pending_seconds = 0.0;
  }
}

HillClimbingPolicy::HillClimbingPolicy(Options options)
    : options_(options), step_fraction_(options.initial_step_fraction) {
  // Sanitize so a bad option degrades to a sensible climber, not a crash.
  options_.settle_ticks = std::max(0, options_.settle_ticks);
  options_.samples_per_level = std::max(1, options_.samples_per_level);
  options_.max_step = std::max(1, options_.max_step);
  options_.max_hold_ticks = std::max(1, options_.max_hold_ticks);
  if (!(options_.initial_step_fraction > 0.0)) options_.initial_step_fraction = 0.25;
  if (!(options_.max_step_fraction >= options_.initial_step_fraction)) {
    options_.max_step_fraction = options_.initial_step_fraction;
  }
  if (!(options_.noise_smoothing > 0.0 && options_.noise_smoothing <= 1.0)) {
    options_.noise_smoothing = 0.3;
  }
  step_fraction_ = options_.initial_step_fraction;
}

int HillClimbingPolicy::step_for(int workers) const {
  const double raw = std::round(step_fraction_ * static_cast<double>(workers));
  return static_cast<int>(std::clamp(raw, 1.0, static_cast<double>(options_.max_step)));
}

void HillClimbingPolicy::update_noise(const Level& level) {
  if (level.samples < 2) return;
  const double k = static_cast<double>(level.samples);
  const double mean = level.sum / k;
  if (!(mean > 0.0)) return;
  const double var = std::max(0.0, (level.sum_sq - level.sum * level.sum / k) / (k - 1.0));
  const double rel = std::sqrt(var) / mean;
  if (!std::isfinite(rel)) return;
  noise_ = noise_ < 0.0 ? rel
                        : (1.0 - options_.noise_smoothing) * noise_ +
                              options_.noise_smoothing * rel;
}

ScalingDecision HillClimbingPolicy::move_to(int target,
                                            const ControllerSnapshot& s,
                                            std::string reason) {
  expected_workers_ = target;
  settle_left_ = options_.settle_ticks;
  ScalingDecision d{target, DecisionKind::kHold, std::move(reason)};
  if (target > s.current_workers) d.kind = DecisionKind::kScaleUp;
  if (target < s.current_workers) d.kind = DecisionKind::kScaleDown;
  return d;
}

void HillClimbingPolicy::enter_hold() {
  hold_reference_ = base_.mean();
  // In 64 bits: options near INT_MAX must saturate at max_hold_ticks, not
  // wrap to a negative hold.
  const int64_t wanted =
      hold_ticks_ == 0
          ? 2 * (int64_t{options_.samples_per_level} + options_.settle_ticks)
          : 2 * int64_t{hold_ticks_};
  hold_ticks_ = static_cast<int>(
      std::min<int64_t>(options_.max_hold_ticks, wanted));
  hold_left_ = hold_ticks_;
  phase_ = Phase::kHold;
  base_ = Level{base_.workers};
}

ScalingDecision HillClimbingPolicy::start_probe(const ControllerSnapshot& s,
                                                bool cpu_saturated) {
  const int n = base_.workers;
  const int step = step_for(n);
  int dir = direction_;
  if (dir > 0 && cpu_saturated) dir = -1;
  // Probing needs the bounds: a probe the controller would clamp away
  // measures nothing, so the policy turns round at a bound instead.
  int target = s.bounded(int64_t{n} + dir * step);
  if (target == n) {
    dir = -dir;
    target = (dir > 0 && cpu_saturated) ? n : s.bounded(int64_t{n} + dir * step);
  }
  if (target == n) {
    enter_hold();
    return ScalingDecision::hold(
        n, absl::StrFormat("no probe possible from %d (%s); holding %d ticks", n,
                           cpu_saturated ? "cpu saturated" : "at bounds",
                           hold_left_));
  }
  direction_ = dir;
  probe_ = Level{target};
  phase_ = Phase::kMeasureProbe;
  return move_to(target, s,
                 absl::StrFormat("probe %d -> %d (base %.1f tasks/s)", n, target,
                                 base_.mean()));
}

ScalingDecision HillClimbingPolicy::judge_probe(const ControllerSnapshot& s,
                                                bool cpu_saturated) {
  update_noise(base_);
  update_noise(probe_);
  const bool probe_is_higher = probe_.workers > base_.workers;
  const Level& high = probe_is_higher ? probe_ : base_;
  const Level& low = probe_is_higher ? base_ : probe_;
  const double x_high = high.mean();
  const double x_low = low.mean();
  const double rel_threads = static_cast<double>(high.workers) /
                                 static_cast<double>(std::max(1, low.workers)) -
                             1.0;
  double gain = 0.0;
  if (x_low > 0.0) {
    gain = x_high / x_low - 1.0;
  } else if (x_high > 0.0) {
    gain = 1.0;  // from nothing to something: a real gain
  }
  // Before any noise is measured, assume counting noise of the samples.
  double noise = noise_;
  if (noise < 0.0) {
    const double per_sample =
        static_cast<double>(high.completed + low.completed) /
        static_cast<double>(std::max(1, high.samples + low.samples));
    noise = 1.0 / std::sqrt(std::max(1.0, per_sample));
  }
  const double se =
      noise * std::sqrt(1.0 / std::max(1, high.samples) + 1.0 / std::max(1, low.samples));
  // The larger count must pay `bias` per unit of relative thread increase;
  // whichever side of that line the measurement falls decides the winner,
  // and how far (in standard errors) decides how boldly to continue.
  const double margin = gain - options_.bias * rel_threads;
  const bool higher_wins = margin > 0.0;
  const bool confident = std::abs(margin) > options_.significance * se;
  const bool probe_wins = higher_wins == probe_is_higher;
  const std::string verdict = absl::StrFormat(
      "%d: %.1f/s vs %d: %.1f/s (gain %+.1f%% for %+.0f%% threads, se %.1f%%%s)",
      high.workers, x_high, low.workers, x_low, 100 * gain, 100 * rel_threads,
      100 * se, confident ? "" : ", not significant");

  if (probe_wins) {
    if (confident) {
      step_fraction_ = std::min(options_.max_step_fraction, 2.0 * step_fraction_);
    }
    hold_ticks_ = 0;
    base_ = probe_;
    phase_ = Phase::kMeasureBase;
    ScalingDecision next = start_probe(s, cpu_saturated);
    next.reason = absl::StrCat("kept ", base_.workers, " (", verdict, "); ",
                               next.reason);
    return next;
  }
  const int lost_step = std::abs(probe_.workers - base_.workers);
  direction_ = -direction_;
  step_fraction_ = std::max(0.5 / std::max(1, base_.workers), step_fraction_ / 2.0);
  const int back = base_.workers;
  if (lost_step <= std::max(1.0, options_.converge_share * back)) {
    enter_hold();
    return move_to(back, s,
                   absl::StrFormat("back to %d (%s); converged, holding %d ticks",
                                   back, verdict, hold_left_));
  }
  base_ = Level{back};
  phase_ = Phase::kMeasureBase;
  return move_to(back, s, absl::StrFormat("back to %d (%s)", back, verdict));
}

ScalingDecision HillClimbingPolicy::decide(const ControllerSnapshot& s) {
  ScalingDecision d = climb(s);
  // Bounds may change between ticks; the answer is always within them.
  if (const int bounded = s.bounded(d.target); bounded != d.target) {
    d.target = bounded;
    expected_workers_ = bounded;
  }
  d.kind = d.target > s.current_workers   ? DecisionKind::kScaleUp
           : d.target < s.current_workers ? DecisionKind::kScaleDown
                                          : DecisionKind::kHold;
  return d;
}

ScalingDecision HillClimbingPolicy::climb(const ControllerSnapshot& s) {
  const int n = s.bounded(s.current_workers);
  if (n != expected_workers_) {
    // First tick, or the pool was resized by someone else (or clamped):
    // start over from what is really running.
    settle_left_ = expected_workers_ < 0 ? 0 : options_.settle_ticks;
    expected_workers_ = n;
    phase_ = Phase::kMeasureBase;
    base_ = Level{n};
    probe_ = Level{};
  }
  const bool cpu_saturated =
      at_or_above(s.cpu.system_percent, options_.cpu_saturated_percent) ||
      at_or_above(s.cpu.process_percent, options_.cpu_saturated_percent);

  Level& measuring = phase_ == Phase::kMeasureProbe ? probe_ : base_;
  if (settle_left_ > 0) {
    --settle_left_;
  } else {
    measuring.add_interval(s.interval.completed,
                           absl::ToDoubleSeconds(s.interval.length),
                           options_.min_completions_per_sample);
  }

  switch (phase_) {
    case Phase::kHold: {
      if (hold_reference_ > 0.0 && base_.samples >= options_.samples_per_level &&
          std::abs(base_.mean() / hold_reference_ - 1.0) >
              options_.change_threshold) {
        // The workload changed under us: climb again with a full step.
        const double was = hold_reference_;
        step_fraction_ = options_.initial_step_fraction;
        hold_ticks_ = 0;
        phase_ = Phase::kMeasureBase;
        ScalingDecision d = start_probe(s, cpu_saturated);
        d.reason = absl::StrFormat("throughput moved %.1f -> %.1f/s; %s", was,
                                   base_.mean(), d.reason);
        return d;
      }
      if (--hold_left_ > 0) {
        return ScalingDecision::hold(
            n, absl::StrFormat("converged at %d; next probe in %d ticks", n,
                               hold_left_));
      }
      phase_ = Phase::kMeasureBase;
      [[fallthrough]];
    }
    case Phase::kMeasureBase:
      if (base_.samples < options_.samples_per_level) {
        return ScalingDecision::hold(
            n, absl::StrFormat("measuring %d: %d of %d samples", n, base_.samples,
                               options_.samples_per_level));
      }
      return start_probe(s, cpu_saturated);
    case Phase::kMeasureProbe:
      if (cpu_saturated && probe_.workers > base_.workers) {
        // Never sit above the base while the CPU is saturated.
        direction_ = -1;
        const int back = base_.workers;
        base_ = Level{back};
        phase_ = Phase::kMeasureBase;
        return move_to(back, s,
                       absl::StrFormat("cpu saturated during probe; back to %d", back));
      }
      if (probe_.samples < options_.samples_per_level) {
        return ScalingDecision::hold(
            n, absl::StrFormat("probing %d: %d of %d samples", n, probe_.samples,
                               options_.samples_per_level));
      }
      return judge_probe(s, cpu_saturated);
  }
  return ScalingDecision::hold(n, "unreachable");
}

void register_hill_climbing_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy("hill_climbing", [](const ComponentContext&) {
    return std::make_unique<HillClimbingPolicy>();
  });
}

}  // namespace betapool

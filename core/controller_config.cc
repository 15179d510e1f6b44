#include "core/controller_config.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

absl::Status bad(const char* field, const auto& value, const char* rule) {
  return absl::InvalidArgumentError(
      absl::StrCat("ControllerConfig.", field, " = ", value, ": ", rule));
}

bool in_range(double v, double lo, double hi) {
  return std::isfinite(v) && v >= lo && v <= hi;
}

}  // namespace

absl::Status validate(const ControllerConfig& c) {
  if (c.monitor_interval <= absl::ZeroDuration() ||
      c.monitor_interval == absl::InfiniteDuration()) {
    return bad("monitor_interval", absl::FormatDuration(c.monitor_interval),
               "must be positive and finite");
  }
  if (!in_range(c.beta_high_threshold, 0, 1)) {
    return bad("beta_high_threshold", c.beta_high_threshold,
               "must be within [0, 1]");
  }
  if (!in_range(c.beta_low_threshold, 0, 1)) {
    return bad("beta_low_threshold", c.beta_low_threshold,
               "must be within [0, 1]");
  }
  if (c.beta_low_threshold >= c.beta_high_threshold) {
    return bad("beta_low_threshold", c.beta_low_threshold,
               absl::StrCat("must be below beta_high_threshold (",
                            c.beta_high_threshold, ")")
                   .c_str());
  }
  if (c.scale_up_step < 1) {
    return bad("scale_up_step", c.scale_up_step, "must be at least 1");
  }
  if (c.scale_down_step < 1) {
    return bad("scale_down_step", c.scale_down_step, "must be at least 1");
  }
  if (!in_range(c.cpu_upper_threshold, 0, 100)) {
    return bad("cpu_upper_threshold", c.cpu_upper_threshold,
               "must be within [0, 100]");
  }
  if (!in_range(c.cpu_lower_threshold, 0, 100)) {
    return bad("cpu_lower_threshold", c.cpu_lower_threshold,
               "must be within [0, 100]");
  }
  if (c.cpu_lower_threshold > c.cpu_upper_threshold) {
    return bad("cpu_lower_threshold", c.cpu_lower_threshold,
               absl::StrCat("must not exceed cpu_upper_threshold (",
                            c.cpu_upper_threshold, ")")
                   .c_str());
  }
  if (c.stabilization_window < absl::ZeroDuration() ||
      c.stabilization_window == absl::InfiniteDuration()) {
    return bad("stabilization_window",
               absl::FormatDuration(c.stabilization_window),
               "must be non-negative and finite");
  }
  if (c.warmup_task_count < 0) {
    return bad("warmup_task_count", c.warmup_task_count,
               "must not be negative");
  }
  return absl::OkStatus();
}

absl::Status validate(const MetricsOptions& o) {
  auto bad_option = [](const char* field, const auto& value,
                       const char* rule) {
    return absl::InvalidArgumentError(
        absl::StrCat("MetricsOptions.", field, " = ", value, ": ", rule));
  };
  if (o.window_size < 1) {
    return bad_option("window_size", o.window_size, "must be at least 1");
  }
  if (o.window_max_age <= absl::ZeroDuration()) {
    return bad_option("window_max_age", absl::FormatDuration(o.window_max_age),
                      "must be positive");
  }
  if (o.max_history < o.window_size) {
    return bad_option("max_history", o.max_history,
                      "must be at least window_size");
  }
  if (o.decision_history_limit < 1) {
    return bad_option("decision_history_limit", o.decision_history_limit,
                      "must be at least 1");
  }
  if (o.experiment_log_limit < 1) {
    return bad_option("experiment_log_limit", o.experiment_log_limit,
                      "must be at least 1");
  }
  if (o.record_spacing < absl::ZeroDuration()) {
    return bad_option("record_spacing", absl::FormatDuration(o.record_spacing),
                      "must not be negative");
  }
  return absl::OkStatus();
}

}  // namespace betapool

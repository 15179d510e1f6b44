// File: core/controller_config.h
//
// ControllerConfig: the seed's nine controller parameters with the seed's
// defaults, and MetricsOptions: how much the executor measures and keeps.
//
// Example:
//   betapool::ControllerConfig config;
//   config.monitor_interval = absl::Milliseconds(100);
//   if (absl::Status s = betapool::validate(config); !s.ok()) ...
#ifndef BETAPOOL_CORE_CONTROLLER_CONFIG_H_
#define BETAPOOL_CORE_CONTROLLER_CONFIG_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace betapool {

struct ControllerConfig {
  absl::Duration monitor_interval = absl::Milliseconds(500);
  double beta_high_threshold = 0.7;   // scale up above this beta...
  double beta_low_threshold = 0.3;    // ...veto (scale down) below this
  int scale_up_step = 2;
  int scale_down_step = 1;
  double cpu_upper_threshold = 85.0;  // percent; no scale-up at or above
  double cpu_lower_threshold = 50.0;  // percent; kept for the seed's API
  absl::Duration stabilization_window = absl::Seconds(2);
  int warmup_task_count = 10;
};

// Returns OK, or InvalidArgument naming the first bad field and its value:
// interval and window must be positive / non-negative, thresholds within
// [0, 1] with low < high, CPU thresholds within [0, 100] with lower <= upper,
// steps >= 1, warm-up >= 0.
absl::Status validate(const ControllerConfig& config);

struct MetricsOptions {
  // The seed's rolling window: the last `window_size` recorded tasks...
  std::size_t window_size = 100;
  // ...that completed no longer than `window_max_age` ago. Older tasks are no
  // evidence about the present: an idle pool has an empty window.
  absl::Duration window_max_age = absl::Seconds(2);
  // Task records kept for export (the seed's max_history).
  std::size_t max_history = 10000;
  // Bounds of the in-memory decision history and experiment log.
  std::size_t decision_history_limit = 10000;
  std::size_t experiment_log_limit = 10000;
  // A worker measures a task's CPU time exactly (two thread-CPU clock reads,
  // about 3 us here) and records it when at least this much wall time passed
  // since its previous recorded task started. Zero records every task.
  // Tasks not recorded still count in the exact interval totals.
  absl::Duration record_spacing = absl::Milliseconds(1);
};

// Returns OK or InvalidArgument naming the bad field and value.
absl::Status validate(const MetricsOptions& options);

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROLLER_CONFIG_H_

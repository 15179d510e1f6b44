// File: core/controller_config.h
//
// ControllerConfig: the seed's nine controller parameters with the seed's
// defaults, and MetricsOptions: how much the executor measures and keeps.
// Each struct's initialisers are its defaults; the field table after it
// (ConfigFields<...>, see core/config_field.h) gives every field's valid
// range and meaning, and is what validation, the builder's config strings
// and the Python binding read, so none of them lists the fields again.
//
// Example:
//   betapool::ControllerConfig config;
//   config.monitor_interval = absl::Milliseconds(100);
//   if (absl::Status s = betapool::validate(config); !s.ok()) ...
#ifndef BETAPOOL_CORE_CONTROLLER_CONFIG_H_
#define BETAPOOL_CORE_CONTROLLER_CONFIG_H_

#include <array>
#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "core/config_field.h"

namespace betapool {

struct ControllerConfig {  // meanings and ranges: ConfigFields below
  absl::Duration monitor_interval = absl::Milliseconds(500);
  double beta_high_threshold = 0.7;
  double beta_low_threshold = 0.3;
  int scale_up_step = 2;
  int scale_down_step = 1;
  double cpu_upper_threshold = 85.0;
  double cpu_lower_threshold = 50.0;
  absl::Duration stabilization_window = absl::Seconds(2);
  int warmup_task_count = 10;
};

// The largest scale step and, in the builder, the largest pool: far above
// any useful thread count, and small enough that current + step, or a step
// times a small factor, cannot overflow an int.
inline constexpr int kMaxWorkerCount = 1 << 16;

template <>
struct ConfigFields<ControllerConfig> {
  static constexpr absl::string_view kName = "ControllerConfig";
  // At least 1 ms between ticks: a tick drains every worker and reads the
  // sensor, so a shorter interval makes an idle executor burn a core.
  static constexpr std::array<ConfigField<ControllerConfig>, 9> kFields{{
      {"monitor_interval", &ControllerConfig::monitor_interval, 0.001, 3600,
       "time between controller ticks"},
      {"beta_high_threshold", &ControllerConfig::beta_high_threshold, 0, 1,
       "scale up while the blocking ratio is above this"},
      {"beta_low_threshold", &ControllerConfig::beta_low_threshold, 0, 1,
       "GIL safety veto: scale down while beta is below this"},
      {"scale_up_step", &ControllerConfig::scale_up_step, 1, kMaxWorkerCount,
       "threads added per scale-up"},
      {"scale_down_step", &ControllerConfig::scale_down_step, 1,
       kMaxWorkerCount, "threads removed per scale-down"},
      {"cpu_upper_threshold", &ControllerConfig::cpu_upper_threshold, 0, 100,
       "percent CPU at or above which the pool does not grow"},
      {"cpu_lower_threshold", &ControllerConfig::cpu_lower_threshold, 0, 100,
       "percent CPU; kept for the seed's API"},
      {"stabilization_window", &ControllerConfig::stabilization_window, 0,
       86400, "minimum time between two resizes"},
      {"warmup_task_count", &ControllerConfig::warmup_task_count, 0, 1e9,
       "completed tasks before the first decision"},
  }};
};

// Returns OK, or InvalidArgument naming the first bad field and its value
// ("ControllerConfig.scale_up_step = 0: must be within [1, 65536]"): each
// field within its table range, and beta_low_threshold < beta_high_threshold,
// cpu_lower_threshold <= cpu_upper_threshold.
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

template <>
struct ConfigFields<MetricsOptions> {
  static constexpr absl::string_view kName = "MetricsOptions";
  static constexpr std::size_t kMaxRecords = std::size_t{1} << 24;
  static constexpr std::array<ConfigField<MetricsOptions>, 6> kFields{{
      {"window_size", &MetricsOptions::window_size, 1, kMaxRecords,
       "recorded tasks in the rolling window"},
      {"window_max_age", &MetricsOptions::window_max_age, 1e-9, 86400,
       "oldest task completion the window keeps"},
      {"max_history", &MetricsOptions::max_history, 1, kMaxRecords,
       "task records kept for export"},
      {"decision_history_limit", &MetricsOptions::decision_history_limit, 1,
       kMaxRecords, "decisions kept in memory"},
      {"experiment_log_limit", &MetricsOptions::experiment_log_limit, 1,
       kMaxRecords, "experiment log entries kept in memory"},
      {"record_spacing", &MetricsOptions::record_spacing, 0, 3600,
       "least time between two recorded tasks of one worker"},
  }};
};

// Returns OK or InvalidArgument naming the bad field and value: each field
// within its table range, and max_history >= window_size.
absl::Status validate(const MetricsOptions& options);

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROLLER_CONFIG_H_

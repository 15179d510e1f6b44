// File: lab/sim/simulator.cc
//
// simulate(): validates a run's scenario and options and runs the engine
// (lab/sim/sim_engine.h).
#include "lab/sim/simulator.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lab/sim/sim_engine.h"

namespace betapool {

absl::StatusOr<SimResult> simulate(const Scenario& scenario,
                                   ScalingPolicy& policy,
                                   const SimOptions& options) {
  if (absl::Status s = validate(scenario); !s.ok()) return s;
  if (absl::Status s = validate(options.metrics); !s.ok()) return s;
  if (options.controller.monitor_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("controller.monitor_interval must be positive, got ",
                     absl::FormatDuration(options.controller.monitor_interval)));
  }
  const absl::Duration duration = options.duration.value_or(scenario.duration);
  if (duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "duration must be positive, got ", absl::FormatDuration(duration)));
  }
  if (options.initial_workers &&
      (*options.initial_workers < scenario.min_workers ||
       *options.initial_workers > scenario.max_workers)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "initial_workers must be within [", scenario.min_workers, ", ",
        scenario.max_workers, "], got ", *options.initial_workers));
  }
  internal::Engine engine(scenario, policy, options);
  return engine.run();
}

}  // namespace betapool

// File: tests/policies/beta_veto_snapshots.h
//
// The snapshot BetaVetoPolicy's tests start from: past warm-up and the
// stabilization window, 8 workers in [2, 16], a full window of beta `beta`.
// Each test then sets the readings it is about (CPU, pressure, lock wait).
#ifndef BETAPOOL_TESTS_POLICIES_BETA_VETO_SNAPSHOTS_H_
#define BETAPOOL_TESTS_POLICIES_BETA_VETO_SNAPSHOTS_H_

#include "absl/time/time.h"
#include "core/controller_snapshot.h"

namespace betapool::testing_support {

inline ControllerSnapshot steady_beta_veto_snapshot(double beta) {
  ControllerSnapshot s;
  s.now = absl::Seconds(10);
  s.current_workers = 8;
  s.min_workers = 2;
  s.max_workers = 16;
  s.total_completed = 500;
  s.window.task_count = 100;
  s.window.avg_blocking_ratio = beta;
  return s;
}

}  // namespace betapool::testing_support

#endif  // BETAPOOL_TESTS_POLICIES_BETA_VETO_SNAPSHOTS_H_

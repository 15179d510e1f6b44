// File: core/scaling_policy.h
//
// ScalingPolicy: given a snapshot of the pool, what thread count next, and
// why. A policy is a decision function over ControllerSnapshot plus its own
// state: it never reads a clock, a sensor or /proc, never sleeps and never
// starts a thread — time arrives in `snapshot.now`. That is why the same
// policy runs under the live controller, the lab's virtual-time simulator and
// a unit test with a hand-built snapshot.
//
// Example:
//   class AlwaysEight : public betapool::ScalingPolicy {
//    public:
//     std::string_view name() const noexcept override { return "eight"; }
//     betapool::ScalingDecision decide(
//         const betapool::ControllerSnapshot& s) override {
//       return {8, 8 > s.current_workers ? betapool::DecisionKind::kScaleUp
//                                        : betapool::DecisionKind::kHold,
//               "always eight"};
//     }
//   };
//
// Conformance: testing/scaling_policy_contract.h (target betapool::testing)
// is a typed test suite every policy (ours and yours) can instantiate.
#ifndef BETAPOOL_CORE_SCALING_POLICY_H_
#define BETAPOOL_CORE_SCALING_POLICY_H_

#include <string_view>

#include "core/controller_snapshot.h"
#include "core/scaling_decision.h"

namespace betapool {

class ScalingPolicy {
 public:
  virtual ~ScalingPolicy() = default;

  // The policy's registered name ("beta_veto", "static", ...).
  virtual std::string_view name() const noexcept = 0;

  // Returns the next target, why, and its kind (target vs
  // snapshot.current_workers). `target` may be any int: the controller owns
  // the bounds — it clamps the target into [snapshot.min_workers,
  // snapshot.max_workers] before applying it, records both the requested and
  // the applied size, and derives the recorded kind from the applied one.
  // So a policy need not restate the clamp to be safe. A policy clamps only
  // where the bounds change its own reasoning, through
  // snapshot.bounded(target), the controller's rule: a step clamped away is a
  // hold and should say so (BetaVetoPolicy), a probe cannot cross a bound
  // (HillClimbingPolicy). The conformance suite expects the shipped
  // policies' answers within the bounds, so that their own kind and reason
  // describe what will happen. Called from one thread at a time.
  virtual ScalingDecision decide(const ControllerSnapshot& snapshot) = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_SCALING_POLICY_H_

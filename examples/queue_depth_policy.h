// File: examples/queue_depth_policy.h
//
// QueueDepthPolicy: the example's own ScalingPolicy — grows `step` threads
// per tick while tasks are queued, shrinks one when workers are idle, always
// within the snapshot's bounds (the ScalingPolicy contract asks for that;
// examples/custom_policy_contract_test.cc runs it).
//
// Example:
//   auto ex = betapool::ExecutorBuilder().policy<QueueDepthPolicy>(2).build();
#ifndef BETAPOOL_EXAMPLES_QUEUE_DEPTH_POLICY_H_
#define BETAPOOL_EXAMPLES_QUEUE_DEPTH_POLICY_H_

#include <algorithm>
#include <string_view>

#include "betapool/betapool.h"

class QueueDepthPolicy : public betapool::ScalingPolicy {
 public:
  explicit QueueDepthPolicy(int step = 1) : step_(step) {}

  std::string_view name() const noexcept override { return "queue_depth"; }

  betapool::ScalingDecision decide(
      const betapool::ControllerSnapshot& s) override {
    const int n = s.current_workers;
    if (s.queue_depth > 0 && n < s.max_workers) {
      return {std::min(n + step_, s.max_workers),
              betapool::DecisionKind::kScaleUp, "tasks are waiting"};
    }
    if (s.busy_workers < n && n > s.min_workers) {
      return {n - 1, betapool::DecisionKind::kScaleDown, "idle workers"};
    }
    return betapool::ScalingDecision::hold(n, "balanced");
  }

 private:
  int step_;
};

#endif  // BETAPOOL_EXAMPLES_QUEUE_DEPTH_POLICY_H_

// File: policies/static_policy.h
//
// StaticPolicy: a fixed pool size — the baseline every adaptive policy is
// compared against, and the policy behind StaticThreadPoolExecutor.
//
// Example:
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::StaticPolicy>(8)
//                       .min_workers(1).max_workers(64)
//                       .build();
//
// Thread safety: decide() is stateless.
#ifndef BETAPOOL_POLICIES_STATIC_POLICY_H_
#define BETAPOOL_POLICIES_STATIC_POLICY_H_

#include "core/scaling_policy.h"

namespace betapool {

class ComponentRegistryBuilder;

class StaticPolicy : public ScalingPolicy {
 public:
  // Keeps the pool at `size` threads (clamped to the executor's bounds).
  explicit StaticPolicy(int size) : size_(size) {}

  std::string_view name() const noexcept override { return "static"; }
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

  int size() const { return size_; }

 private:
  int size_;
};

// Registers "static", sized to the builder's initial worker count.
void register_static_policy(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_POLICIES_STATIC_POLICY_H_

// Runs the ScalingPolicy contract (testing/scaling_policy_contract.h) on
// every built-in policy: typed, and through the registry so a policy
// registered later is checked without editing this file.
#include <memory>
#include <string>

#include "betapool/builtins.h"
#include "core/component_registry.h"
#include "gtest/gtest.h"
#include "policies/beta_veto_policy.h"
#include "policies/bottleneck_policy.h"
#include "policies/gil_wait_veto_policy.h"
#include "policies/hill_climbing_policy.h"
#include "policies/static_policy.h"
#include "testing/scaling_policy_contract.h"

namespace {

struct MakeStatic8 {
  static std::unique_ptr<betapool::ScalingPolicy> make() {
    return std::make_unique<betapool::StaticPolicy>(8);
  }
};

using BuiltinPolicies =
    ::testing::Types<betapool::testing::DefaultMaker<betapool::BetaVetoPolicy>,
                     betapool::testing::DefaultMaker<betapool::HillClimbingPolicy>,
                     betapool::testing::DefaultMaker<betapool::BottleneckPolicy>,
                     betapool::testing::DefaultMaker<betapool::GilWaitVetoPolicy>>;
INSTANTIATE_TYPED_TEST_SUITE_P(BuiltinPolicyContract, ScalingPolicyContract, BuiltinPolicies);

INSTANTIATE_TYPED_TEST_SUITE_P(StaticPolicyContract, ScalingPolicyContract,
                               ::testing::Types<MakeStatic8>);

TEST(PolicyContractTest, EveryRegisteredPolicyKeepsTheContract) {
  const betapool::ComponentRegistry& registry =
      betapool::builtin_registry();
  betapool::ComponentContext ctx;
  ctx.min_workers = 4;
  ctx.max_workers = 64;
  ctx.initial_workers = 4;
  int checked = 0;
  for (const std::string& name : registry.policy_names()) {
    const betapool::testing::PolicyFactory make = [&registry, &ctx, name]() {
      auto p = registry.create_policy(name, ctx);
      return p.ok() ? *std::move(p) : nullptr;
    };
    EXPECT_TRUE(betapool::testing::check_bounds_and_kinds(make, 11)) << name;
    EXPECT_TRUE(betapool::testing::check_deterministic(make, 12)) << name;
    ++checked;
  }
  // beta_veto, bottleneck, gil_wait_veto, hill_climbing, static at least.
  EXPECT_GE(checked, 5);
}

}  // namespace

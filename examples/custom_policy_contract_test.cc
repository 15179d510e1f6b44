// Runs betapool's ScalingPolicy contract on the example's own policy
// (queue_depth_policy.h, used by custom_policy.cc): targets within bounds on
// hostile snapshots, decision kinds that agree with them, no exceptions,
// deterministic answers, a name. Do the same for your policy.
//
// Build: link betapool::testing and GTest::gtest_main (see CMakeLists.txt).
#include <memory>

#include "gtest/gtest.h"
#include "queue_depth_policy.h"  // beside this file: examples also build alone
#include "testing/scaling_policy_contract.h"

namespace {

// One maker per configuration worth checking; make() returns a fresh policy.
struct MakeQueueDepth {
  static std::unique_ptr<betapool::ScalingPolicy> make() {
    return std::make_unique<QueueDepthPolicy>();
  }
};
struct MakeQueueDepthStep4 {
  static std::unique_ptr<betapool::ScalingPolicy> make() {
    return std::make_unique<QueueDepthPolicy>(4);
  }
};

using QueueDepthMakers = ::testing::Types<MakeQueueDepth, MakeQueueDepthStep4>;
INSTANTIATE_TYPED_TEST_SUITE_P(QueueDepthPolicyContract, ScalingPolicyContract, QueueDepthMakers);

}  // namespace

#include "policies/static_policy.h"

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(StaticPolicyTest, AlwaysAsksForItsSize) {
  StaticPolicy p(6);
  ControllerSnapshot s;
  s.min_workers = 1;
  s.max_workers = 64;
  for (int current : {1, 6, 40}) {
    s.current_workers = current;
    const ScalingDecision d = p.decide(s);
    EXPECT_EQ(d.target, 6);
    EXPECT_EQ(d.kind, current < 6   ? DecisionKind::kScaleUp
                      : current > 6 ? DecisionKind::kScaleDown
                                    : DecisionKind::kHold);
  }
  EXPECT_EQ(p.name(), "static");
}

TEST(StaticPolicyTest, AnswersWithinTheBounds) {
  StaticPolicy p(100);
  ControllerSnapshot s;
  s.min_workers = 2;
  s.max_workers = 16;
  s.current_workers = 16;
  EXPECT_EQ(p.decide(s).target, 16);
  EXPECT_EQ(p.decide(s).kind, DecisionKind::kHold);
  StaticPolicy q(1);
  EXPECT_EQ(q.decide(s).target, 2);
}

}  // namespace
}  // namespace betapool

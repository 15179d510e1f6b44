// File: testing/scaling_policy_contract.h
//
// The ScalingPolicy contract (core/scaling_policy.h) as a typed GoogleTest
// suite that every policy — betapool's and yours — can run. A policy must, on
// any valid snapshot, including NaN readings, an empty window ("no
// evidence"), a CPU sensor that is unavailable, a zero-length interval and
// bounds that change between ticks:
//   - answer a target within [min_workers, max_workers];
//   - report a DecisionKind that agrees with target vs current_workers;
//   - never throw;
//   - be deterministic: two fresh instances fed the same snapshots answer
//     the same targets, kinds and reasons (a policy reads no clock, sensor
//     or /proc: everything arrives in the snapshot);
//   - have a non-empty name().
// Snapshots are drawn from a fixed-seed generator, so failures reproduce.
//
// Example (your test .cc; link betapool::testing and GTest::gtest_main):
//   #include "testing/scaling_policy_contract.h"
//   struct MakeMine {
//     std::unique_ptr<betapool::ScalingPolicy> make() {
//       return std::make_unique<MyPolicy>(/*your options*/);
//     }
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Mine, ScalingPolicyContract,
//                                  ::testing::Types<MakeMine>);
//   // or, for a default-constructible policy:
//   //   ::testing::Types<betapool::testing::DefaultMaker<MyPolicy>>
//
// A maker is a default-constructible type whose make() (static or not)
// returns a fresh policy each call. The same checks are available as
// functions over any factory (check_bounds_and_kinds, check_deterministic)
// for registry-driven tests.
#ifndef BETAPOOL_TESTING_SCALING_POLICY_CONTRACT_H_
#define BETAPOOL_TESTING_SCALING_POLICY_CONTRACT_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "core/scaling_policy.h"
#include "gtest/gtest.h"

namespace betapool::testing {

// A maker for default-constructible policies.
template <class P>
struct DefaultMaker {
  static std::unique_ptr<ScalingPolicy> make() { return std::make_unique<P>(); }
};

using PolicyFactory = std::function<std::unique_ptr<ScalingPolicy>()>;

// Snapshots each check feeds a policy.
inline constexpr int kContractTicks = 3000;

// Targets within bounds, kinds agreeing with targets, no exceptions, over
// kContractTicks snapshots drawn from `seed`. The pool size follows the
// policy's previous answer (clamped, as the controller applies it), with
// occasional outside resizes and bound changes.
::testing::AssertionResult check_bounds_and_kinds(const PolicyFactory& make,
                                                  uint64_t seed);

// Two fresh instances, the same snapshots: the same targets, kinds, reasons.
::testing::AssertionResult check_deterministic(const PolicyFactory& make,
                                               uint64_t seed);

}  // namespace betapool::testing

// The typed suite: instantiate with makers (see the file comment).
template <class Maker>
class ScalingPolicyContract : public ::testing::Test {
 protected:
  betapool::testing::PolicyFactory factory() {
    return [this] { return maker_.make(); };
  }

  Maker maker_;
};

TYPED_TEST_SUITE_P(ScalingPolicyContract);

TYPED_TEST_P(ScalingPolicyContract, NameIsNonEmpty) {
  std::unique_ptr<betapool::ScalingPolicy> policy = this->maker_.make();
  ASSERT_NE(policy, nullptr);
  EXPECT_FALSE(policy->name().empty());
}

TYPED_TEST_P(ScalingPolicyContract, TargetWithinBoundsKindAgreesAndNeverThrows) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    EXPECT_TRUE(betapool::testing::check_bounds_and_kinds(this->factory(), seed))
        << "seed " << seed;
  }
}

TYPED_TEST_P(ScalingPolicyContract, DeterministicForEqualInputs) {
  for (uint64_t seed : {4u, 5u}) {
    EXPECT_TRUE(betapool::testing::check_deterministic(this->factory(), seed))
        << "seed " << seed;
  }
}

REGISTER_TYPED_TEST_SUITE_P(ScalingPolicyContract, NameIsNonEmpty,
                            TargetWithinBoundsKindAgreesAndNeverThrows,
                            DeterministicForEqualInputs);

#endif  // BETAPOOL_TESTING_SCALING_POLICY_CONTRACT_H_

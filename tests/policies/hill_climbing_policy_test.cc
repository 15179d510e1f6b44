#include "betapool/builtins.h"
#include "policies/hill_climbing_policy.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/component_registry.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

// A noise-free pool whose throughput is `rate(n)` tasks/s at n threads, fed
// to the policy as the controller would: every 0.5 s, the size is what the
// policy asked for last (clamped to the bounds).
struct Plant {
  std::function<double(int)> rate;
  int min_workers = 1;
  int max_workers = 64;
  double cpu_percent = 20.0;
};

std::vector<int> drive(HillClimbingPolicy& policy, const Plant& plant, int start,
                       int ticks) {
  std::vector<int> sizes;
  int n = start;
  int64_t total = 0;
  for (int i = 1; i <= ticks; ++i) {
    ControllerSnapshot s;
    s.now = absl::Milliseconds(500 * i);
    s.current_workers = n;
    s.min_workers = plant.min_workers;
    s.max_workers = plant.max_workers;
    s.busy_workers = n;
    s.queue_depth = 100;
    s.interval.length = absl::Milliseconds(500);
    s.interval.completed = std::llround(plant.rate(n) * 0.5);
    total += s.interval.completed;
    s.total_completed = total;
    s.cpu.system_percent = plant.cpu_percent;
    s.cpu.process_percent = plant.cpu_percent;
    const ScalingDecision d = policy.decide(s);
    n = std::clamp(d.target, plant.min_workers, plant.max_workers);
    sizes.push_back(n);
  }
  return sizes;
}

TEST(HillClimbingPolicyTest, RegisteredAsHillClimbing) {
  ComponentContext ctx;
  auto p = builtin_registry().create_policy("hill_climbing", ctx);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->name(), "hill_climbing");
}

TEST(HillClimbingPolicyTest, ClimbsToTheKneeOfALinearThenFlatCurve) {
  // Throughput grows with threads up to 20, then stays flat: 20 threads is
  // the smallest count with the best throughput.
  HillClimbingPolicy policy;
  Plant plant{[](int n) { return 100.0 * std::min(n, 20); }};
  const std::vector<int> sizes = drive(policy, plant, 4, 400);
  // Climbing is fast with doubling steps: well before a minute (120 ticks).
  const auto first_at_knee = std::find(sizes.begin(), sizes.end(), 20);
  ASSERT_NE(first_at_knee, sizes.end());
  EXPECT_LT(first_at_knee - sizes.begin(), 120);
  // Converged: the last 200 ticks stay within one probe step of the knee.
  for (std::size_t i = sizes.size() - 200; i < sizes.size(); ++i) {
    EXPECT_GE(sizes[i], 19) << "tick " << i;
    EXPECT_LE(sizes[i], 21) << "tick " << i;
  }
  EXPECT_EQ(sizes.back(), 20);
}

TEST(HillClimbingPolicyTest, PrefersFewerThreadsWhenTheGainIsBelowTheBias) {
  // Each extra thread adds 0.1 %: far below the 15 % elasticity bias, so the
  // climber walks down to the minimum.
  HillClimbingPolicy policy;
  Plant plant{[](int n) { return 1000.0 * (1.0 + 0.001 * n); }, 4, 64};
  const std::vector<int> sizes = drive(policy, plant, 48, 400);
  EXPECT_LE(sizes.back(), 5);
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()), 48 + 16)
      << "a step is bounded by max_step";
}

TEST(HillClimbingPolicyTest, NeverProbesUpwardWhileTheCpuIsSaturated) {
  HillClimbingPolicy policy;
  Plant plant{[](int n) { return 100.0 * n; }, 1, 64, /*cpu_percent=*/99.0};
  // More threads would pay (throughput is linear), but the CPU reads 99 %:
  // the climber may probe smaller pools and come back, never go above 8.
  const std::vector<int> sizes = drive(policy, plant, 8, 200);
  for (int n : sizes) EXPECT_LE(n, 8);
  EXPECT_LT(*std::min_element(sizes.begin(), sizes.end()), 8)
      << "it still probes downward";
}

TEST(HillClimbingPolicyTest, StepsAreBoundedPerTick) {
  HillClimbingOptions o;
  o.max_step = 3;
  HillClimbingPolicy policy(o);
  Plant plant{[](int n) { return 100.0 * n; }, 1, 200};
  const std::vector<int> sizes = drive(policy, plant, 4, 300);
  int previous = 4;
  for (int n : sizes) {
    EXPECT_LE(std::abs(n - previous), 3);
    previous = n;
  }
  EXPECT_GT(sizes.back(), 40) << "it still climbs a linear curve";
}

TEST(HillClimbingPolicyTest, ClimbsAgainWhenTheWorkloadChanges) {
  HillClimbingPolicy policy;
  bool changed = false;
  Plant plant{[&changed](int n) { return 100.0 * std::min(n, changed ? 40 : 10); }};
  std::vector<int> before = drive(policy, plant, 4, 300);
  ASSERT_LE(before.back(), 11);
  // The knee moves to 40. Throughput at the held count does not change, so
  // only the climber's periodic probes can find out that more threads pay.
  changed = true;
  std::vector<int> after = drive(policy, plant, before.back(), 600);
  EXPECT_GE(after.back(), 36);
}

TEST(HillClimbingPolicyTest, HoldsWhenMinEqualsMax) {
  HillClimbingPolicy policy;
  Plant plant{[](int n) { return 100.0 * n; }, 8, 8};
  for (int n : drive(policy, plant, 8, 100)) EXPECT_EQ(n, 8);
}

TEST(HillClimbingPolicyTest, NonsenseOptionsAreSanitized) {
  HillClimbingOptions o;
  o.samples_per_level = -3;
  o.max_step = 0;
  o.initial_step_fraction = -1;
  o.noise_smoothing = 7;
  HillClimbingPolicy policy(o);
  Plant plant{[](int n) { return 100.0 * std::min(n, 12); }};
  const std::vector<int> sizes = drive(policy, plant, 4, 300);
  EXPECT_GE(sizes.back(), 8);
  EXPECT_LE(sizes.back(), 16);
}

// Hold lengths near INT_MAX saturate instead of wrapping (a wrapped hold
// would be negative, and the climber would probe at once, every tick).
TEST(HillClimbingPolicyTest, HugeHoldOptionsSaturate) {
  HillClimbingOptions o;
  o.samples_per_level = 1;
  o.settle_ticks = std::numeric_limits<int>::max();
  o.max_hold_ticks = std::numeric_limits<int>::max();
  HillClimbingPolicy policy(o);
  ControllerSnapshot s;
  s.current_workers = 8;
  s.min_workers = 8;
  s.max_workers = 8;
  s.interval.length = absl::Milliseconds(500);
  s.interval.completed = 50;
  s.cpu.system_percent = 20.0;
  bool held = false;
  for (int i = 1; i <= 10 && !held; ++i) {
    s.now = absl::Milliseconds(500 * i);
    s.total_completed += 50;
    const ScalingDecision d = policy.decide(s);
    if (d.reason.find("holding") != std::string::npos) {
      held = true;
      EXPECT_NE(d.reason.find("holding 2147483647 ticks"), std::string::npos)
          << d.reason;
    }
  }
  EXPECT_TRUE(held);
}

}  // namespace
}  // namespace betapool

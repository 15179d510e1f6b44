// Comparing your own scaling policy with betapool's default (the paper's
// BetaVetoPolicy) in the lab's virtual-time simulator, as an ordinary test.
// Ten simulated minutes take a fraction of a second and the same seed gives
// the same numbers every time, so the comparison can guard a CI build.
//
// Build: link betapool::lab (the lab library) and GTest::gtest_main.
#include <iostream>
#include <memory>

#include "betapool/betapool.h"
#include "gtest/gtest.h"
#include "lab/sim/ab_comparison.h"
#include "lab/sim/scenarios.h"

// The paper's rule with one change: time spent waiting for a lock (the GIL)
// is not counted as I/O. `io_share` = 1 - cpu/wall - lock wait/wall.
class IoShareBetaPolicy : public betapool::ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "io_share_beta"; }

  betapool::ScalingDecision decide(const betapool::ControllerSnapshot& s) override {
    const int n = s.current_workers;
    if (s.window.task_count == 0) {
      return betapool::ScalingDecision::hold(n, "no evidence");
    }
    const double io_share =
        s.window.avg_blocking_ratio - s.window.avg_lock_wait_ratio;
    const bool cpu_ok = s.cpu.system_percent && *s.cpu.system_percent < 85.0;
    int target = n;
    if (io_share > 0.7 && cpu_ok) target = n + 4;
    if (io_share < 0.3) target = n - 1;
    target = std::clamp(target, s.min_workers, std::max(s.min_workers, s.max_workers));
    return {target,
            target > n   ? betapool::DecisionKind::kScaleUp
            : target < n ? betapool::DecisionKind::kScaleDown
                         : betapool::DecisionKind::kHold,
            "io share"};
  }
};

betapool::AbTable compare(const betapool::Scenario& scenario) {
  betapool::AbOptions options;
  options.seeds = {1, 2};
  options.duration = absl::Seconds(90);
  absl::StatusOr<betapool::AbTable> table = betapool::compare_policies(
      scenario,
      {betapool::AbCandidate::registered("beta_veto"),
       betapool::AbCandidate::of<IoShareBetaPolicy>("mine")},
      options);
  EXPECT_TRUE(table.ok()) << table.status();
  std::cout << table->to_markdown() << "\n";
  return *std::move(table);
}

TEST(AbCompareExample, MinePlaysItSafeOnGilBoundWork) {
  const betapool::AbTable t = compare(betapool::scenarios::fibonacci());
  // beta_veto grows to 64 threads on GIL-bound work; mine stays at 4.
  EXPECT_EQ(t.row("mine").final_workers, 4);
  EXPECT_GT(t.row("mine").throughput, t.row("beta_veto").throughput);
}

TEST(AbCompareExample, MineIsNotWorseOnIoBoundWork) {
  const betapool::AbTable t = compare(betapool::scenarios::io_bound());
  EXPECT_GE(t.row("mine").throughput_pct_of_oracle,
            t.row("beta_veto").throughput_pct_of_oracle - 1.0);
  EXPECT_LE(t.row("mine").time_to_90, t.row("beta_veto").time_to_90);
}

// BetaVetoPolicy on hand-built snapshots: one test per branch of the seed's
// decision flow, plus warm-up, stabilization and the worker bounds.
#include "policies/beta_veto_policy.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

// A snapshot past warm-up and stabilization with an I/O-like window.
ControllerSnapshot snapshot(double beta, std::optional<double> cpu,
                            int current = 8, double now_s = 10.0) {
  ControllerSnapshot s;
  s.now = absl::Seconds(now_s);
  s.current_workers = current;
  s.min_workers = 2;
  s.max_workers = 16;
  s.total_completed = 500;
  s.window.task_count = 100;
  s.window.avg_blocking_ratio = beta;
  s.cpu.system_percent = cpu;
  s.cpu.process_percent = cpu;
  return s;
}

TEST(BetaVetoPolicyTest, DefaultsAreTheSeeds) {
  const ControllerConfig c;
  EXPECT_EQ(c.monitor_interval, absl::Milliseconds(500));
  EXPECT_EQ(c.beta_high_threshold, 0.7);
  EXPECT_EQ(c.beta_low_threshold, 0.3);
  EXPECT_EQ(c.scale_up_step, 2);
  EXPECT_EQ(c.scale_down_step, 1);
  EXPECT_EQ(c.cpu_upper_threshold, 85.0);
  EXPECT_EQ(c.cpu_lower_threshold, 50.0);
  EXPECT_EQ(c.stabilization_window, absl::Seconds(2));
  EXPECT_EQ(c.warmup_task_count, 10);
  EXPECT_EQ(BetaVetoPolicy().name(), "beta_veto");
}

TEST(BetaVetoPolicyTest, HighBetaAndCpuHeadroomScalesUpByTheStep) {
  BetaVetoPolicy p;
  const ScalingDecision d = p.decide(snapshot(0.9, 40.0));
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_EQ(d.target, 10);
}

TEST(BetaVetoPolicyTest, HighBetaButCpuSaturatedHolds) {
  BetaVetoPolicy p;
  const ScalingDecision d = p.decide(snapshot(0.9, 90.0));
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_EQ(d.target, 8);
  // Exactly at the threshold is not "below" it either.
  EXPECT_EQ(BetaVetoPolicy().decide(snapshot(0.9, 85.0)).kind,
            DecisionKind::kHold);
}

TEST(BetaVetoPolicyTest, HighBetaWithUnavailableCpuHolds) {
  BetaVetoPolicy p;
  const ScalingDecision d = p.decide(snapshot(0.9, std::nullopt));
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_THAT(d.reason, HasSubstr("unavailable"));
}

TEST(BetaVetoPolicyTest, LowBetaIsVetoedDownWhateverTheCpu) {
  for (std::optional<double> cpu : {std::optional<double>(5.0),
                                    std::optional<double>(99.0),
                                    std::optional<double>()}) {
    BetaVetoPolicy p;
    const ScalingDecision d = p.decide(snapshot(0.1, cpu));
    EXPECT_EQ(d.kind, DecisionKind::kScaleDown);
    EXPECT_EQ(d.target, 7);
    EXPECT_THAT(d.reason, HasSubstr("veto"));
  }
}

TEST(BetaVetoPolicyTest, MiddleBetaWithSaturatedCpuScalesDown) {
  BetaVetoPolicy p;
  const ScalingDecision d = p.decide(snapshot(0.5, 95.0));
  EXPECT_EQ(d.kind, DecisionKind::kScaleDown);
  EXPECT_EQ(d.target, 7);
}

TEST(BetaVetoPolicyTest, MiddleBetaOtherwiseHolds) {
  BetaVetoPolicy p;
  EXPECT_EQ(p.decide(snapshot(0.5, 50.0)).kind, DecisionKind::kHold);
  EXPECT_EQ(p.decide(snapshot(0.7, 10.0)).kind, DecisionKind::kHold);  // not >
  EXPECT_EQ(p.decide(snapshot(0.3, 10.0)).kind, DecisionKind::kHold);  // not <
}

TEST(BetaVetoPolicyTest, WarmupHoldsUntilEnoughTasks) {
  BetaVetoPolicy p;
  ControllerSnapshot s = snapshot(0.9, 10.0);
  s.total_completed = 9;
  EXPECT_EQ(p.decide(s).kind, DecisionKind::kHold);
  EXPECT_THAT(p.decide(s).reason, HasSubstr("warm-up"));
  s.total_completed = 10;
  EXPECT_EQ(p.decide(s).kind, DecisionKind::kScaleUp);
}

TEST(BetaVetoPolicyTest, StabilizationWindowStartsAtExecutorStart) {
  BetaVetoPolicy p;
  EXPECT_EQ(p.decide(snapshot(0.9, 10.0, 8, 1.9)).kind, DecisionKind::kHold);
  EXPECT_EQ(p.decide(snapshot(0.9, 10.0, 8, 2.0)).kind,
            DecisionKind::kScaleUp);
}

TEST(BetaVetoPolicyTest, StabilizationWindowFollowsEveryChange) {
  BetaVetoPolicy p;
  ASSERT_EQ(p.decide(snapshot(0.9, 10.0, 8, 10.0)).kind,
            DecisionKind::kScaleUp);
  const ScalingDecision soon = p.decide(snapshot(0.9, 10.0, 10, 11.5));
  EXPECT_EQ(soon.kind, DecisionKind::kHold);
  EXPECT_THAT(soon.reason, HasSubstr("stabilizing"));
  EXPECT_EQ(p.decide(snapshot(0.9, 10.0, 10, 12.0)).kind,
            DecisionKind::kScaleUp);
}

TEST(BetaVetoPolicyTest, HoldsDoNotRestartTheStabilizationWindow) {
  BetaVetoPolicy p;
  ASSERT_EQ(p.decide(snapshot(0.5, 10.0, 8, 10.0)).kind, DecisionKind::kHold);
  EXPECT_EQ(p.decide(snapshot(0.9, 10.0, 8, 10.5)).kind,
            DecisionKind::kScaleUp);
}

TEST(BetaVetoPolicyTest, EmptyWindowIsNoEvidence) {
  BetaVetoPolicy p;
  ControllerSnapshot s = snapshot(0.9, 10.0);
  s.window = AggregatedMetrics{};
  const ScalingDecision d = p.decide(s);
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_THAT(d.reason, HasSubstr("no evidence"));
}

TEST(BetaVetoPolicyTest, StaysWithinBounds) {
  BetaVetoPolicy p;
  const ScalingDecision up = p.decide(snapshot(0.9, 10.0, 15));
  EXPECT_EQ(up.target, 16);
  BetaVetoPolicy q;
  const ScalingDecision at_max = q.decide(snapshot(0.9, 10.0, 16));
  EXPECT_EQ(at_max.kind, DecisionKind::kHold);
  EXPECT_THAT(at_max.reason, HasSubstr("at max_workers"));
  BetaVetoPolicy r;
  const ScalingDecision at_min = r.decide(snapshot(0.1, 10.0, 2));
  EXPECT_EQ(at_min.kind, DecisionKind::kHold);
  EXPECT_EQ(at_min.target, 2);
  EXPECT_THAT(at_min.reason, HasSubstr("at min_workers"));
}

TEST(BetaVetoPolicyTest, ProcessCpuSignalIsSelectable) {
  BetaVetoPolicy::Options options;
  options.cpu_signal = CpuSignal::kProcess;
  BetaVetoPolicy p(ControllerConfig{}, options);
  ControllerSnapshot s = snapshot(0.9, 10.0);
  s.cpu.process_percent = 95.0;  // this process saturates its CPUs
  EXPECT_EQ(p.decide(s).kind, DecisionKind::kHold);
  BetaVetoPolicy seed;
  EXPECT_EQ(seed.decide(s).kind, DecisionKind::kScaleUp);  // system 10 %
}

TEST(BetaVetoPolicyTest, ConfiguredStepsAndThresholdsAreUsed) {
  ControllerConfig c;
  c.scale_up_step = 5;
  c.scale_down_step = 3;
  c.beta_high_threshold = 0.95;
  c.beta_low_threshold = 0.5;
  BetaVetoPolicy p(c);
  EXPECT_EQ(p.decide(snapshot(0.9, 10.0)).kind, DecisionKind::kHold);
  EXPECT_EQ(p.decide(snapshot(0.97, 10.0)).target, 13);
  BetaVetoPolicy q(c);
  EXPECT_EQ(q.decide(snapshot(0.4, 10.0)).target, 5);
}

// A config built by hand skips validate(); a step near INT_MAX must still
// not overflow current + step (UBSan in the asan preset).
TEST(BetaVetoPolicyTest, AHugeStepIsBoundedWithoutOverflow) {
  ControllerConfig c;
  c.scale_up_step = std::numeric_limits<int>::max();
  c.scale_down_step = std::numeric_limits<int>::max();
  BetaVetoPolicy up(c);
  EXPECT_EQ(up.decide(snapshot(0.9, 10.0, 8)).target, 16);
  BetaVetoPolicy down(c);
  EXPECT_EQ(down.decide(snapshot(0.1, 10.0, 8)).target, 2);
}

// Nor may a negative or INT_MIN step turn a scale-up into a scale-down or
// the reverse (-INT_MIN overflows): a step is a size, at least 0.
TEST(BetaVetoPolicyTest, ANegativeStepNeverReversesTheDecision) {
  for (int bad : {-3, std::numeric_limits<int>::min()}) {
    ControllerConfig c;
    c.scale_up_step = bad;
    c.scale_down_step = bad;
    BetaVetoPolicy up(c);
    EXPECT_GE(up.decide(snapshot(0.9, 10.0, 8)).target, 8) << bad;
    BetaVetoPolicy down(c);
    EXPECT_LE(down.decide(snapshot(0.1, 10.0, 8)).target, 8) << bad;
    BetaVetoPolicy cpu_down(c);
    EXPECT_LE(cpu_down.decide(snapshot(0.5, 99.0, 8)).target, 8) << bad;
  }
}

}  // namespace
}  // namespace betapool

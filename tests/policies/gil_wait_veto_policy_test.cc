// GilWaitVetoPolicy on hand-built snapshots: one test per branch of its
// decision flow, the Python-written policy's cases (same targets and
// reasons), stabilization, the bounds and hostile inputs.
#include "policies/gil_wait_veto_policy.h"

#include <limits>
#include <optional>

#include "betapool/builtins.h"
#include "core/component_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

// The Python tests' snapshot (bindings/python/tests/test_policies.py):
// past warm-up and stabilization, bounds [2, 64], one-second interval.
struct Snap {
  int current = 8;
  double now = 10.0;
  int64_t completed = 100;
  double busy = 8.0;
  double cpu = 0.8;
  double lock = 0.0;
  double length = 1.0;
  std::optional<double> process_cpu = 30.0;

  ControllerSnapshot make() const {
    ControllerSnapshot s;
    s.now = absl::Seconds(now);
    s.current_workers = current;
    s.min_workers = 2;
    s.max_workers = 64;
    s.total_completed = 1000;
    s.interval.length = absl::Seconds(length);
    s.interval.completed = completed;
    s.interval.busy_wall_time = busy;
    s.interval.cpu_time = cpu;
    s.interval.lock_wait_time = lock;
    s.cpu.process_percent = process_cpu;
    // The whole machine is busy: the policy must not read this one.
    s.cpu.system_percent = 100.0;
    return s;
  }
};

ScalingDecision decide(const Snap& snap) {
  return GilWaitVetoPolicy().decide(snap.make());
}

TEST(GilWaitVetoPolicyTest, NameAndDefaults) {
  const GilWaitVetoPolicy p;
  EXPECT_EQ(p.name(), "gil_wait_veto");
  EXPECT_EQ(p.options().gil_high, 0.5);
  EXPECT_EQ(p.options().gil_low, 0.1);
  EXPECT_EQ(p.options().saturated_cores, 0.8);
  EXPECT_EQ(p.config().beta_high_threshold, 0.7);
}

TEST(GilWaitVetoPolicyTest, GrowsByAQuarterOnIoWaiting) {
  // blocked = 1 - (0.4 + 0.1) / 8 = 0.94 > 0.7; GIL wait 0.01.
  const ScalingDecision d = decide({.cpu = 0.4, .lock = 0.1});
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_EQ(d.target, 10);  // + max(2, 8 / 4)
  EXPECT_EQ(d.reason, "blocked 0.94 > 0.70, GIL wait 0.01");
  // A larger pool grows by a quarter of itself.
  EXPECT_EQ(decide({.current = 40, .busy = 40.0, .cpu = 0.4}).target, 50);
}

TEST(GilWaitVetoPolicyTest, ShrinksOnGilWaitingThoughBetaIsHigh) {
  // beta = 1 - 0.5 / 8 = 0.94: BetaVetoPolicy would grow here.
  const ScalingDecision d = decide({.cpu = 0.5, .lock = 6.0});
  EXPECT_EQ(d.kind, DecisionKind::kScaleDown);
  EXPECT_EQ(d.target, 7);  // - max(1, 8 / 8)
  EXPECT_EQ(d.reason, "GIL wait 0.75 > 0.50");
  // A larger pool sheds an eighth of itself.
  EXPECT_EQ(decide({.current = 40, .busy = 40.0, .cpu = 0.5, .lock = 30.0})
                .target,
            35);
}

TEST(GilWaitVetoPolicyTest, HoldsWhenTheGilIsSaturated) {
  const ScalingDecision d = decide({.cpu = 0.9, .lock = 2.0});
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_EQ(d.target, 8);
  EXPECT_EQ(d.reason, "GIL saturated: wait 0.25, pool CPU 0.90 cores");
  // The same wait with the pool using little CPU is not saturation: the
  // rest of the busy time is blocked, so the pool grows.
  EXPECT_EQ(decide({.cpu = 0.2, .lock = 2.0}).kind, DecisionKind::kScaleUp);
}

TEST(GilWaitVetoPolicyTest, HoldsWhenNeitherBlockedNorGilBound) {
  // CPU-bound and GIL-free: blocked 0, GIL wait 0.
  const ScalingDecision d = decide({.busy = 8.0, .cpu = 8.0});
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_EQ(d.reason, "hold: blocked 0.00, GIL wait 0.00, pool CPU 8.00");
}

TEST(GilWaitVetoPolicyTest, ReadsTheProcessCpuShareNotTheMachines) {
  // system_percent is 100 in every snapshot here; only the process's share
  // at or above cpu_upper_threshold stops growth.
  EXPECT_EQ(decide({.cpu = 0.4}).kind, DecisionKind::kScaleUp);
  const ScalingDecision busy = decide({.cpu = 0.4, .process_cpu = 95.0});
  EXPECT_EQ(busy.kind, DecisionKind::kHold);
  EXPECT_THAT(busy.reason, HasSubstr("hold: blocked 0.95"));
  EXPECT_EQ(decide({.cpu = 0.4, .process_cpu = 85.0}).kind,
            DecisionKind::kHold);
  // An unavailable reading does not stop growth.
  EXPECT_EQ(decide({.cpu = 0.4, .process_cpu = std::nullopt}).kind,
            DecisionKind::kScaleUp);
}

TEST(GilWaitVetoPolicyTest, WarmUpAndMissingEvidenceHold) {
  GilWaitVetoPolicy p;
  ControllerSnapshot s = Snap{.cpu = 0.4}.make();
  s.total_completed = 9;
  EXPECT_EQ(p.decide(s).reason, "warming up");
  for (Snap snap : {Snap{.completed = 0}, Snap{.busy = 0.0},
                    Snap{.length = 0.0}}) {
    const ScalingDecision d = p.decide(snap.make());
    EXPECT_EQ(d.kind, DecisionKind::kHold);
    EXPECT_EQ(d.reason, "no tasks finished this interval");
  }
}

TEST(GilWaitVetoPolicyTest, StabilizesAfterAChangeAndClampsToTheBounds) {
  // The Python test's sequence, on one instance.
  GilWaitVetoPolicy p;
  EXPECT_EQ(p.decide(Snap{.cpu = 0.4, .process_cpu = 95.0}.make()).target, 8);
  EXPECT_EQ(p.decide(Snap{.completed = 0}.make()).target, 8);
  EXPECT_EQ(p.decide(Snap{.now = 10.0, .cpu = 0.4}.make()).target, 10);
  const ScalingDecision waiting = p.decide(Snap{.now = 11.0, .cpu = 0.4}.make());
  EXPECT_EQ(waiting.target, 8);
  EXPECT_EQ(waiting.reason, "stabilizing");
  // At max_workers the growth is clamped away: a hold, and it does not
  // restart the stabilization window.
  const ScalingDecision at_max =
      p.decide(Snap{.current = 64, .now = 20.0, .cpu = 0.4}.make());
  EXPECT_EQ(at_max.target, 64);
  EXPECT_EQ(at_max.kind, DecisionKind::kHold);
  EXPECT_EQ(p.decide(Snap{.now = 20.5, .cpu = 0.4}.make()).target, 10);
  // At min_workers a shrink is clamped the same way.
  GilWaitVetoPolicy q;
  const ScalingDecision at_min =
      q.decide(Snap{.current = 2, .busy = 2.0, .cpu = 0.1, .lock = 1.5}.make());
  EXPECT_EQ(at_min.target, 2);
  EXPECT_EQ(at_min.kind, DecisionKind::kHold);
}

TEST(GilWaitVetoPolicyTest, TheClockStartsAtExecutorStart) {
  GilWaitVetoPolicy p;
  EXPECT_EQ(p.decide(Snap{.now = 1.0, .cpu = 0.4}.make()).reason,
            "stabilizing");
  EXPECT_EQ(p.decide(Snap{.now = 2.0, .cpu = 0.4}.make()).target, 10);
}

TEST(GilWaitVetoPolicyTest, OptionsAndConfigMoveTheThresholds) {
  GilWaitVetoOptions o;
  o.gil_high = 0.2;
  // GIL wait 0.25: saturated with the defaults, a shrink with gil_high 0.2.
  EXPECT_EQ(GilWaitVetoPolicy({}, o).decide(Snap{.cpu = 0.9, .lock = 2.0}.make())
                .kind,
            DecisionKind::kScaleDown);
  ControllerConfig c;
  c.scale_up_step = 5;
  c.beta_high_threshold = 0.96;
  EXPECT_EQ(GilWaitVetoPolicy(c).decide(Snap{.cpu = 0.4}.make()).kind,
            DecisionKind::kHold);  // blocked 0.95 <= 0.96
  c.beta_high_threshold = 0.7;
  EXPECT_EQ(GilWaitVetoPolicy(c).decide(Snap{.cpu = 0.4}.make()).target, 13);
}

TEST(GilWaitVetoPolicyTest, NanReadingsHoldAndNeverScale) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  for (Snap snap : {Snap{.busy = kNan}, Snap{.cpu = kNan}, Snap{.lock = kNan},
                    Snap{.cpu = 0.4, .process_cpu = kNan}}) {
    const ScalingDecision d = decide(snap);
    EXPECT_EQ(d.target, 8) << d.reason;
    EXPECT_EQ(d.kind, DecisionKind::kHold) << d.reason;
  }
}

TEST(GilWaitVetoPolicyTest, RegisteredUnderItsName) {
  ComponentContext ctx;
  ctx.config.scale_up_step = 7;
  ctx.min_workers = 2;
  ctx.max_workers = 64;
  auto p = builtin_registry().create_policy("gil_wait_veto", ctx);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->name(), "gil_wait_veto");
  EXPECT_EQ((*p)->decide(Snap{.cpu = 0.4}.make()).target, 15);  // the ctx's step
}

}  // namespace
}  // namespace betapool

// BetaVetoPolicy's opt-in lock_wait_correction: off by default (the seed's
// beta), and when on the beta compared with the thresholds is the window's
// beta minus its lock-wait share, so GIL waiting stops reading as I/O.
#include <cmath>
#include <memory>
#include <optional>

#include "betapool/builtins.h"
#include "betapool/executor_builder.h"
#include "core/component_registry.h"
#include "core/wait_accounting.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/beta_veto_policy.h"
#include "testing/fake_cpu_sensor.h"
#include "testing/manual_task_clock.h"
#include "tests/policies/beta_veto_snapshots.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ControllerSnapshot snapshot(double beta, double lock_wait, double cpu) {
  ControllerSnapshot s = testing_support::steady_beta_veto_snapshot(beta);
  s.window.avg_lock_wait_ratio = lock_wait;
  s.cpu.system_percent = cpu;
  s.cpu.process_percent = cpu;
  return s;
}

BetaVetoOptions corrected() {
  BetaVetoOptions o;
  o.lock_wait_correction = true;
  return o;
}

TEST(BetaVetoLockWaitTest, OffByDefault) {
  EXPECT_FALSE(BetaVetoOptions{}.lock_wait_correction);
  EXPECT_EQ(BetaVetoPolicy().name(), "beta_veto");
  EXPECT_EQ(BetaVetoPolicy({}, corrected()).name(), "beta_veto_lock_corrected");
}

TEST(BetaVetoLockWaitTest, GilBoundDefaultGrowsCorrectedShrinks) {
  // beta 0.94 of which 0.84 is GIL waiting, CPU 50 %: the seed's rule sees
  // beta > 0.7 with CPU headroom and adds 2; corrected beta 0.10 < 0.3 is
  // the GIL safety veto, -1.
  const ControllerSnapshot s = snapshot(0.94, 0.84, 50.0);
  BetaVetoPolicy seed;
  const ScalingDecision d = seed.decide(s);
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_EQ(d.target, 10);
  EXPECT_EQ(d.reason, "beta 0.94 > 0.70 and cpu 50% < 85%");

  BetaVetoPolicy fixed({}, corrected());
  const ScalingDecision c = fixed.decide(s);
  EXPECT_EQ(c.kind, DecisionKind::kScaleDown);
  EXPECT_EQ(c.target, 7);
  EXPECT_EQ(c.reason,
            "GIL safety veto: beta 0.94 - lock wait 0.84 = 0.10 < 0.30");
}

TEST(BetaVetoLockWaitTest, CorrectedBetaBetweenThresholdsHolds) {
  // 0.94 - 0.40 = 0.54 lies in [0.3, 0.7] with CPU below 85 %: hold.
  BetaVetoPolicy fixed({}, corrected());
  const ScalingDecision c = fixed.decide(snapshot(0.94, 0.40, 50.0));
  EXPECT_EQ(c.kind, DecisionKind::kHold);
  EXPECT_EQ(c.target, 8);
  EXPECT_EQ(c.reason,
            "beta 0.94 - lock wait 0.40 = 0.54 within [0.30, 0.70], cpu 50%");
}

TEST(BetaVetoLockWaitTest, IoBoundScalesUpIdentically) {
  // No lock waiting: the correction subtracts nothing and says nothing.
  const ControllerSnapshot s = snapshot(0.94, 0.0, 50.0);
  BetaVetoPolicy seed;
  BetaVetoPolicy fixed({}, corrected());
  const ScalingDecision d = seed.decide(s);
  const ScalingDecision c = fixed.decide(s);
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_EQ(c.kind, d.kind);
  EXPECT_EQ(c.target, d.target);
  EXPECT_EQ(c.reason, d.reason);
}

TEST(BetaVetoLockWaitTest, NoLockWaitEvidenceDecidesAsTheSeed) {
  // Without lock-wait evidence (share 0 or NaN) every branch of the flow
  // answers as the default policy, reasons included; a NaN beta stays NaN.
  const double nan = std::nan("");
  for (double lock_wait : {0.0, nan}) {
    for (double beta : {0.95, 0.5, 0.1, nan}) {
      for (double cpu : {20.0, 95.0}) {
        const ControllerSnapshot s = snapshot(beta, lock_wait, cpu);
        BetaVetoPolicy seed;
        BetaVetoPolicy fixed({}, corrected());
        const ScalingDecision d = seed.decide(s);
        const ScalingDecision c = fixed.decide(s);
        EXPECT_EQ(c.kind, d.kind) << beta << " " << lock_wait << " " << cpu;
        EXPECT_EQ(c.target, d.target);
        EXPECT_EQ(c.reason, d.reason);
        EXPECT_THAT(c.reason, Not(HasSubstr("lock wait")));
      }
    }
  }
}

TEST(BetaVetoLockWaitTest, DefaultIgnoresTheLockWaitShare) {
  // The seed's policy decides the same whatever the lock-wait share.
  for (double lock_wait : {0.0, 0.5, 0.84, 1.0}) {
    BetaVetoPolicy seed;
    const ScalingDecision d = seed.decide(snapshot(0.94, lock_wait, 50.0));
    EXPECT_EQ(d.kind, DecisionKind::kScaleUp) << lock_wait;
    EXPECT_EQ(d.reason, "beta 0.94 > 0.70 and cpu 50% < 85%");
  }
}

TEST(BetaVetoLockWaitTest, CorrectedBetaIsClampedAtZero) {
  // A share above beta (CPU time spent spinning on the lock counts as both)
  // corrects to 0, not below.
  BetaVetoPolicy fixed({}, corrected());
  const ScalingDecision c = fixed.decide(snapshot(0.5, 0.9, 50.0));
  EXPECT_EQ(c.kind, DecisionKind::kScaleDown);
  EXPECT_THAT(c.reason, HasSubstr("beta 0.50 - lock wait 0.90 = 0.00 < 0.30"));
}

TEST(BetaVetoLockWaitTest, RegisteredUnderItsOwnName) {
  const ComponentRegistry& r = builtin_registry();
  absl::StatusOr<std::unique_ptr<ScalingPolicy>> p =
      r.create_policy("beta_veto_lock_corrected", ComponentContext{});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->name(), "beta_veto_lock_corrected");
  EXPECT_EQ((*p)->decide(snapshot(0.94, 0.84, 50.0)).kind,
            DecisionKind::kScaleDown);
}

// The typed builder path: tasks that report lock waiting through
// core/wait_accounting.h reach the policy's window.
DecisionRecord tick_after_lock_bound_tasks(BetaVetoOptions o) {
  ControllerConfig eager;
  eager.stabilization_window = absl::ZeroDuration();
  eager.warmup_task_count = 0;
  auto clock = std::make_unique<ManualTaskClock>();
  ManualTaskClock* time = clock.get();
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<Executor>> ex =
      ExecutorBuilder()
          .config(eager)
          .policy<BetaVetoPolicy>(o)
          .sensor(std::make_unique<FakeCpuSensor>(30.0))
          .clock(std::move(clock))
          .metrics_options(every_task)
          .min_workers(1)
          .max_workers(8)
          .initial_workers(1)
          .manual_control()
          .build();
  EXPECT_TRUE(ex.ok()) << ex.status();
  if (!ex.ok()) return {};
  // Each task: 1 ms of wall time, no CPU time (beta 1), 0.9 ms of it
  // reported as lock waiting. One worker, so no task's measured wall time
  // includes another task's advance of the shared manual clock (a future
  // is ready before its worker reads the clock for the record).
  for (int i = 0; i < 20; ++i) {
    (*ex)->submit([i, time] {
           time->advance(absl::Milliseconds(1));
           report_lock_wait(900'000);
           return i;
         })
        .get();
  }
  (*ex)->shutdown(true);
  return (*ex)->controller().tick();
}

TEST(BetaVetoLockWaitTest, TypedBuilderSelectsTheCorrection) {
  const DecisionRecord seed = tick_after_lock_bound_tasks({});
  EXPECT_EQ(seed.decision, "scale_up") << seed.reason;
  const DecisionRecord fixed = tick_after_lock_bound_tasks(corrected());
  // The veto's -1 is clamped at min_workers (1): a hold that says why.
  EXPECT_EQ(fixed.decision, "hold") << fixed.reason;
  EXPECT_EQ(fixed.reason,
            "GIL safety veto: beta 1.00 - lock wait 0.90 = 0.10 < 0.30 "
            "(at min_workers)");
}

}  // namespace
}  // namespace betapool

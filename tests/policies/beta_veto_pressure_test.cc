// BetaVetoPolicy's opt-in container vetoes (BetaVetoOptions::
// max_pressure_some_percent, max_throttled_percent): off by default (the
// seed's decisions, reasons included, whatever the readings say), and when
// on they turn only a scale-up into a hold.
#include <optional>
#include <string>
#include <vector>

#include "betapool/executor_builder.h"
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

ControllerSnapshot snapshot(double beta, std::optional<double> cpu,
                            std::optional<double> pressure,
                            std::optional<double> throttled) {
  ControllerSnapshot s = testing_support::steady_beta_veto_snapshot(beta);
  s.cpu.system_percent = cpu;
  s.cpu.process_percent = cpu;
  s.cpu.pressure_some_percent = pressure;
  s.cpu.throttled_percent = throttled;
  return s;
}

BetaVetoOptions pressure_veto(double limit) {
  BetaVetoOptions o;
  o.max_pressure_some_percent = limit;
  return o;
}

BetaVetoOptions throttle_veto(double limit) {
  BetaVetoOptions o;
  o.max_throttled_percent = limit;
  return o;
}

TEST(BetaVetoPressureTest, OffByDefaultTheSeedsDecisionsAndReasonsAreKept) {
  // Every branch of the flow, with and without extreme pressure and
  // throttling: the default policy must not see the new fields at all.
  const std::vector<std::pair<double, std::optional<double>>> inputs = {
      {0.9, 40.0}, {0.9, 90.0}, {0.9, std::nullopt}, {0.1, 40.0},
      {0.5, 95.0}, {0.5, 40.0}};
  for (const auto& [beta, cpu] : inputs) {
    BetaVetoPolicy plain, loaded;
    const ScalingDecision a = plain.decide(snapshot(beta, cpu, {}, {}));
    const ScalingDecision b = loaded.decide(snapshot(beta, cpu, 100.0, 100.0));
    EXPECT_EQ(a.kind, b.kind) << "beta " << beta;
    EXPECT_EQ(a.target, b.target) << "beta " << beta;
    EXPECT_EQ(a.reason, b.reason) << "beta " << beta;
  }
}

TEST(BetaVetoPressureTest, PressureAboveTheLimitHoldsAScaleUp) {
  BetaVetoPolicy p({}, pressure_veto(20.0));
  const ScalingDecision d = p.decide(snapshot(0.9, 40.0, 35.0, {}));
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_EQ(d.target, 8);
  EXPECT_THAT(d.reason, HasSubstr("cpu pressure 35.0% > 20.0%"));
  EXPECT_THAT(d.reason, HasSubstr("vetoed"));
}

TEST(BetaVetoPressureTest, PressureAtOrBelowTheLimitLetsItGrow) {
  BetaVetoPolicy p({}, pressure_veto(20.0));
  const ScalingDecision d = p.decide(snapshot(0.9, 40.0, 20.0, {}));
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_EQ(d.target, 10);
  EXPECT_THAT(d.reason, Not(HasSubstr("vetoed")));
}

TEST(BetaVetoPressureTest, ThrottlingAboveTheLimitHoldsAScaleUp) {
  BetaVetoPolicy p({}, throttle_veto(10.0));
  const ScalingDecision d = p.decide(snapshot(0.9, 40.0, {}, 25.0));
  EXPECT_EQ(d.kind, DecisionKind::kHold);
  EXPECT_EQ(d.target, 8);
  EXPECT_THAT(d.reason, HasSubstr("quota throttling 25.0% > 10.0%"));
  EXPECT_EQ(BetaVetoPolicy({}, throttle_veto(10.0))
                .decide(snapshot(0.9, 40.0, {}, 5.0))
                .kind,
            DecisionKind::kScaleUp);
}

TEST(BetaVetoPressureTest, AnUnavailableReadingDoesNotVetoButIsNamed) {
  BetaVetoOptions o = pressure_veto(20.0);
  o.max_throttled_percent = 10.0;
  BetaVetoPolicy p({}, o);
  const ScalingDecision d = p.decide(snapshot(0.9, 40.0, {}, {}));
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
  EXPECT_THAT(d.reason, HasSubstr("cpu pressure unavailable"));
  EXPECT_THAT(d.reason, HasSubstr("quota throttling unavailable"));
}

TEST(BetaVetoPressureTest, TheVetoesNeverCauseOrBlockAShrink) {
  BetaVetoOptions o = pressure_veto(1.0);
  o.max_throttled_percent = 1.0;
  // The GIL safety veto still shrinks; high CPU still shrinks; a hold stays
  // a hold with the seed's reason.
  for (const auto& [beta, cpu] :
       std::vector<std::pair<double, double>>{{0.1, 40.0}, {0.5, 95.0},
                                              {0.5, 40.0}, {0.9, 90.0}}) {
    BetaVetoPolicy with(ControllerConfig{}, o), without;
    const ScalingDecision a = with.decide(snapshot(beta, cpu, 90.0, 90.0));
    const ScalingDecision b = without.decide(snapshot(beta, cpu, 90.0, 90.0));
    EXPECT_EQ(a.kind, b.kind) << "beta " << beta << " cpu " << cpu;
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.reason, b.reason);
  }
}

TEST(BetaVetoPressureTest, AVetoedTickDoesNotRestartTheStabilizationClock) {
  BetaVetoPolicy p({}, pressure_veto(20.0));
  ControllerSnapshot vetoed = snapshot(0.9, 40.0, 50.0, {});
  EXPECT_EQ(p.decide(vetoed).kind, DecisionKind::kHold);
  // Pressure drops on the next tick: growth resumes at once, as it would
  // after any hold (no change was made, so no stabilization wait).
  ControllerSnapshot calm = snapshot(0.9, 40.0, 5.0, {});
  calm.now = vetoed.now + absl::Milliseconds(500);
  EXPECT_EQ(p.decide(calm).kind, DecisionKind::kScaleUp);
}

TEST(BetaVetoPressureTest, TheOptionsReachAPolicyBuiltByTheTypedBuilder) {
  // The documented way to switch the vetoes on (docs/deployment.md).
  BetaVetoOptions o;
  o.max_pressure_some_percent = 20.0;
  ControllerConfig eager;
  eager.stabilization_window = absl::ZeroDuration();
  eager.warmup_task_count = 0;
  auto sensor = std::make_unique<FakeCpuSensor>(30.0);
  auto reading = sensor->handle();
  CpuReading pressured;
  pressured.system_percent = 30.0;
  pressured.process_percent = 30.0;
  pressured.pressure_some_percent = 60.0;
  reading->set(pressured);
  auto clock = std::make_unique<ManualTaskClock>();
  ManualTaskClock* time = clock.get();
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<Executor>> ex =
      ExecutorBuilder()
          .config(eager)
          .policy<BetaVetoPolicy>(o)
          .sensor(std::move(sensor))
          .clock(std::move(clock))
          .metrics_options(every_task)
          .min_workers(2)
          .max_workers(8)
          .manual_control()
          .build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  // Each task takes 1 ms of wall time and no CPU time: beta 1, as I/O.
  std::vector<Future<int>> futures;
  for (int i = 0; i < 20; ++i) {
    futures.push_back((*ex)->submit([i, time] {
      time->advance(absl::Milliseconds(1));
      return i;
    }));
  }
  for (auto& f : futures) f.get();
  (*ex)->shutdown(true);
  const DecisionRecord d = (*ex)->controller().tick();
  EXPECT_EQ(d.decision, "hold") << d.reason;
  EXPECT_THAT(d.reason, HasSubstr("cpu pressure 60.0% > 20.0%"));
  EXPECT_EQ(d.pressure_some_percent, 60.0);
}

}  // namespace
}  // namespace betapool

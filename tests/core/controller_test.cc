// The controller driven tick by tick on a manual clock: measurement, the
// snapshot it builds, clamping, recording. Deterministic: one worker, tasks
// that move the manual clock instead of sleeping or spinning.
#include "core/controller.h"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "betapool/executor_builder.h"
#include "core/wait_accounting.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/beta_veto_policy.h"
#include "testing/fake_cpu_sensor.h"
#include "testing/manual_task_clock.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

struct Rig {
  std::unique_ptr<Executor> executor;
  ManualTaskClock* clock = nullptr;
  std::shared_ptr<FakeCpuSensor::Handle> cpu;
};

// One worker, manual clock and ticks, every task recorded.
Rig make_rig(std::unique_ptr<ScalingPolicy> policy, int min = 1, int max = 8) {
  auto clock = std::make_unique<ManualTaskClock>();
  auto sensor = std::make_unique<FakeCpuSensor>(20.0);
  Rig rig;
  rig.clock = clock.get();
  rig.cpu = sensor->handle();
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  auto built = ExecutorBuilder()
                   .policy(std::move(policy))
                   .sensor(std::move(sensor))
                   .clock(std::move(clock))
                   .metrics_options(every_task)
                   .min_workers(min)
                   .max_workers(max)
                   .initial_workers(min)
                   .manual_control()
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  rig.executor = *std::move(built);
  return rig;
}

ControllerConfig eager_config() {
  ControllerConfig c;
  c.stabilization_window = absl::ZeroDuration();
  c.warmup_task_count = 0;
  return c;
}

// Runs `n` tasks one after another, each taking `wall` of which `cpu` on CPU.
// A future is ready before its worker reads the clock to end the task's
// record; the next task starts only after that read (the completed count
// moves after it), so another worker's advance never lands inside a record.
void run_tasks(Rig& rig, int n, absl::Duration wall, absl::Duration cpu) {
  const int64_t done_before = rig.executor->metrics().tasks_completed;
  for (int i = 0; i < n; ++i) {
    rig.executor->submit([&rig, wall, cpu] { rig.clock->advance(wall, cpu); })
        .get();
    while (rig.executor->metrics().tasks_completed < done_before + i + 1) {
      std::this_thread::yield();
    }
  }
}

TEST(ControllerTest, MeasuresWallCpuAndBetaPerTaskExactly) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()));
  run_tasks(rig, 10, absl::Milliseconds(10), absl::Milliseconds(2));
  rig.executor->shutdown();
  const std::vector<TaskMetrics> log = rig.executor->task_log();
  ASSERT_EQ(log.size(), 10u);
  for (const TaskMetrics& m : log) {
    EXPECT_DOUBLE_EQ(m.wall_time, 0.010);
    EXPECT_DOUBLE_EQ(m.cpu_time, 0.002);
    EXPECT_NEAR(m.blocking_ratio, 0.8, 1e-12);
    EXPECT_TRUE(m.success);
  }
  const ExecutorMetrics metrics = rig.executor->metrics();
  EXPECT_EQ(metrics.tasks_completed, 10);
  EXPECT_EQ(metrics.window.task_count, 10);
  EXPECT_NEAR(metrics.window.avg_blocking_ratio, 0.8, 1e-12);
  EXPECT_NEAR(metrics.window.std_blocking_ratio, 0.0, 1e-12);
  EXPECT_NEAR(metrics.window.p50_latency, 0.010, 1e-12);
}

TEST(ControllerTest, IntervalTotalsAreExactAndResetEachTick) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()));
  run_tasks(rig, 4, absl::Milliseconds(10), absl::Milliseconds(5));
  rig.executor->shutdown();  // joins the worker: its last checkpoint is in
  const ControllerSnapshot s = rig.executor->controller().peek();
  EXPECT_EQ(s.interval.completed, 4);
  EXPECT_NEAR(s.interval.busy_wall_time, 0.040, 1e-9);
  EXPECT_NEAR(s.interval.cpu_time, 0.020, 1e-9);
  ASSERT_TRUE(s.interval.beta().has_value());
  EXPECT_NEAR(*s.interval.beta(), 0.5, 1e-9);
  rig.executor->controller().tick();
  const ControllerSnapshot after = rig.executor->controller().peek();
  EXPECT_EQ(after.interval.completed, 0);
  EXPECT_FALSE(after.interval.beta().has_value());
}

TEST(ControllerTest, LockWaitReportedThroughTheHookIsRecorded) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()));
  rig.executor
      ->submit([&] {
        rig.clock->advance(absl::Milliseconds(10), absl::Milliseconds(1));
        report_lock_wait(6'000'000);  // 6 ms waiting for a lock
      })
      .get();
  rig.executor->shutdown();
  const std::vector<TaskMetrics> log = rig.executor->task_log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_DOUBLE_EQ(log[0].lock_wait_time, 0.006);
  const ControllerSnapshot s = rig.executor->controller().peek();
  EXPECT_NEAR(s.interval.lock_wait_time, 0.006, 1e-12);
  EXPECT_NEAR(*s.interval.lock_wait_ratio(), 0.6, 1e-9);
  EXPECT_NEAR(s.window.avg_lock_wait_ratio, 0.6, 1e-9);
}

TEST(ControllerTest, IoBoundTasksScaleUpAndThreadsStartAtOnce) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()), 2, 8);
  run_tasks(rig, 20, absl::Milliseconds(10), absl::Milliseconds(1));
  const DecisionRecord d = rig.executor->controller().tick();
  EXPECT_EQ(d.decision, "scale_up");
  EXPECT_EQ(d.threads_before, 2);
  EXPECT_EQ(d.threads_after, 4);
  EXPECT_NEAR(d.blocking_ratio, 0.9, 1e-9);
  EXPECT_EQ(d.policy, "beta_veto");
  EXPECT_EQ(rig.executor->thread_count(), 4);
  EXPECT_EQ(rig.executor->decision_history().size(), 1u);
  EXPECT_EQ(rig.executor->experiment_log().back().active_threads, 4);
}

TEST(ControllerTest, CpuBoundTasksAreVetoedDownToMin) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()), 2, 8);
  rig.executor->resize(5);
  run_tasks(rig, 20, absl::Milliseconds(10), absl::Milliseconds(10));
  DecisionRecord d = rig.executor->controller().tick();
  EXPECT_EQ(d.decision, "scale_down");
  EXPECT_THAT(d.reason, HasSubstr("veto"));
  EXPECT_EQ(d.threads_after, 4);
  for (int i = 0; i < 5; ++i) d = rig.executor->controller().tick();
  EXPECT_EQ(d.threads_after, 2);  // never below min_workers
}

TEST(ControllerTest, IdleWindowIsNoEvidence) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()), 2, 8);
  run_tasks(rig, 20, absl::Milliseconds(10), absl::Milliseconds(1));
  rig.clock->advance(absl::Seconds(3));  // older than window_max_age (2 s)
  const DecisionRecord d = rig.executor->controller().tick();
  EXPECT_EQ(d.decision, "hold");
  EXPECT_THAT(d.reason, HasSubstr("no evidence"));
  EXPECT_TRUE(std::isnan(d.blocking_ratio));
}

TEST(ControllerTest, UnavailableCpuHoldsGrowth) {
  Rig rig = make_rig(std::make_unique<BetaVetoPolicy>(eager_config()), 2, 8);
  rig.cpu->set_system_percent(std::nullopt);
  run_tasks(rig, 20, absl::Milliseconds(10), absl::Milliseconds(1));
  const DecisionRecord d = rig.executor->controller().tick();
  EXPECT_EQ(d.decision, "hold");
  EXPECT_THAT(d.reason, HasSubstr("unavailable"));
  EXPECT_TRUE(std::isnan(d.cpu_percent));
}

class FixedTargetPolicy : public ScalingPolicy {
 public:
  explicit FixedTargetPolicy(int target) : target_(target) {}
  std::string_view name() const noexcept override { return "fixed_target"; }
  ScalingDecision decide(const ControllerSnapshot&) override {
    return {target_, DecisionKind::kScaleUp, "asked"};
  }

 private:
  int target_;
};

TEST(ControllerTest, TargetsAreClampedToTheBounds) {
  Rig high = make_rig(std::make_unique<FixedTargetPolicy>(1000), 2, 8);
  DecisionRecord d = high.executor->controller().tick();
  EXPECT_EQ(d.requested, 1000);
  EXPECT_EQ(d.threads_after, 8);
  EXPECT_EQ(high.executor->thread_count(), 8);
  Rig low = make_rig(std::make_unique<FixedTargetPolicy>(-5), 2, 8);
  d = low.executor->controller().tick();
  EXPECT_EQ(d.threads_after, 2);
  EXPECT_EQ(d.decision, "hold");
}

class ThrowingPolicy : public ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "throwing"; }
  ScalingDecision decide(const ControllerSnapshot&) override {
    throw std::runtime_error("policy bug");
  }
};

TEST(ControllerTest, AThrowingPolicyHoldsAndIsCounted) {
  Rig rig = make_rig(std::make_unique<ThrowingPolicy>(), 2, 8);
  const DecisionRecord d = rig.executor->controller().tick();
  EXPECT_EQ(d.decision, "hold");
  EXPECT_THAT(d.reason, HasSubstr("policy bug"));
  EXPECT_EQ(rig.executor->metrics().policy_faults, 1);
  EXPECT_EQ(rig.executor->submit([] { return 1; }).get(), 1);
}

}  // namespace
}  // namespace betapool

// Faults (docs/semantics.md): a throwing or garbage-returning policy, a
// throwing sensor, a throwing sink and a refused thread start cannot stop
// the controller or the workers; each fault is recorded once (count + first
// message). The controller is ticked by hand except in the one test of the
// background thread.
#include <atomic>
#include <climits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "betapool/thread_pool_executors.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/metrics_sink.h"
#include "core/worker_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

class ThrowingSensor : public CpuSensor {
 public:
  explicit ThrowingSensor(bool standard) : standard_(standard) {}
  CpuReading read() override {
    if (standard_) throw std::runtime_error("sensor bug");
    throw 7;
  }
  std::string_view name() const noexcept override { return "throwing"; }

 private:
  bool standard_;
};

class ThrowingSink : public MetricsSink {
 public:
  void on_task(const TaskMetrics&) override { throw std::runtime_error("on_task bug"); }
  void on_tick(const ExperimentLogEntry&) override {
    throw std::runtime_error("on_tick bug");
  }
  void on_decision(const DecisionRecord&) override { throw 3.5; }
  void flush() override { throw std::runtime_error("flush bug"); }
};

class CountingSink : public MetricsSink {
 public:
  void on_decision(const DecisionRecord&) noexcept override { ++decisions; }
  std::atomic<int> decisions{0};
};

class TargetPolicy : public ScalingPolicy {
 public:
  explicit TargetPolicy(std::vector<int> targets) : targets_(std::move(targets)) {}
  std::string_view name() const noexcept override { return "target"; }
  ScalingDecision decide(const ControllerSnapshot&) override {
    const int t = targets_[next_++ % targets_.size()];
    if (t == 0) throw 1;  // not a std::exception
    return {t, DecisionKind::kScaleUp, "asked"};
  }

 private:
  std::vector<int> targets_;
  std::size_t next_ = 0;
};

TEST(FaultToleranceTest, AThrowingSensorReadsAsUnavailableAndIsRecordedOnce) {
  for (bool standard : {true, false}) {
    auto ex = ExecutorBuilder()
                  .policy<StaticPolicy>(1)
                  .sensor(std::make_unique<ThrowingSensor>(standard))
                  .min_workers(1)
                  .max_workers(2)
                  .manual_control()
                  .build()
                  .value();
    for (int i = 0; i < 3; ++i) {
      const DecisionRecord d = ex->controller().tick();
      EXPECT_TRUE(std::isnan(d.cpu_percent));
    }
    const ExecutorMetrics m = ex->metrics();
    EXPECT_EQ(m.sensor_fault.count, 4);  // the priming read + 3 ticks
    EXPECT_THAT(m.sensor_fault.first_message,
                HasSubstr(standard ? "sensor bug" : "non-standard"));
    EXPECT_THAT(m.cpu.status, HasSubstr("sensor threw"));
    EXPECT_EQ(m.ticks, 3);
    EXPECT_EQ(ex->submit([] { return 2; }).get(), 2);
  }
}

TEST(FaultToleranceTest, AThrowingSinkIsSkippedAndLaterSinksStillReceive) {
  auto counting = std::make_shared<CountingSink>();
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  auto ex = ExecutorBuilder()
                .policy<StaticPolicy>(1)
                .no_sensor()
                .metrics_options(every_task)
                .min_workers(1)
                .max_workers(2)
                .sink<ThrowingSink>()
                .sink(counting)
                .manual_control()
                .build()
                .value();
  ex->submit([] {}).get();
  ex->shutdown();  // the task's record is collected: on_task throws
  ex->controller().tick();
  ex->controller().tick();
  EXPECT_EQ(counting->decisions.load(), 2);
  EXPECT_EQ(ex->decision_history().size(), 2u);
  const ExecutorMetrics m = ex->metrics();
  EXPECT_EQ(m.sink_fault.count, 1 + 2 * 3);  // on_task, then 3 hooks a tick
  EXPECT_THAT(m.sink_fault.first_message, HasSubstr("on_task bug"));
}

TEST(FaultToleranceTest, GarbageAndThrowingPolicyTargetsAreClampedOrHeld) {
  auto ex = ExecutorBuilder()
                .policy(std::make_unique<TargetPolicy>(
                    std::vector<int>{INT_MAX, INT_MIN, 0, -1, 0}))
                .no_sensor()
                .min_workers(1)
                .max_workers(3)
                .manual_control()
                .build()
                .value();
  EXPECT_EQ(ex->controller().tick().threads_after, 3);  // INT_MAX
  EXPECT_EQ(ex->controller().tick().threads_after, 1);  // INT_MIN
  const DecisionRecord held = ex->controller().tick();  // throws
  EXPECT_EQ(held.decision, "hold");
  EXPECT_EQ(held.threads_after, 1);
  EXPECT_EQ(ex->controller().tick().threads_after, 1);  // -1
  ex->controller().tick();                              // throws again
  const ExecutorMetrics m = ex->metrics();
  EXPECT_EQ(m.policy_fault.count, 2);
  EXPECT_EQ(m.policy_faults, 2);
  EXPECT_THAT(m.policy_fault.first_message, HasSubstr("non-standard"));
  EXPECT_EQ(ex->submit([] { return 9; }).get(), 9);
}

TEST(FaultToleranceTest, TheBackgroundControllerSurvivesEveryFaultyComponent) {
  ControllerConfig fast;
  fast.monitor_interval = absl::Milliseconds(1);
  auto ex = ExecutorBuilder()
                .config(fast)
                .policy(std::make_unique<TargetPolicy>(std::vector<int>{0}))
                .sensor(std::make_unique<ThrowingSensor>(true))
                .sink<ThrowingSink>()
                .min_workers(1)
                .max_workers(2)
                .build()
                .value();
  while (ex->metrics().ticks < 5) {
    ex->submit([] {}).get();
  }
  const ExecutorMetrics m = ex->metrics();
  EXPECT_GE(m.policy_fault.count, 5);
  EXPECT_GE(m.sink_fault.count, 5);
  EXPECT_EQ(m.tick_fault.count, 0);
  ex->shutdown();
}

class ThreadStartFailure : public ::testing::Test {
 protected:
  void TearDown() override { internal::fail_thread_starts_for_testing(0, 0); }
};

TEST_F(ThreadStartFailure, DegradesToTheThreadsRunningAndTheControllerRetries) {
  internal::fail_thread_starts_for_testing(1, 1);  // 2nd start fails
  auto ex = ExecutorBuilder()
                .policy<StaticPolicy>(3)
                .no_sensor()
                .min_workers(1)
                .max_workers(3)
                .initial_workers(3)
                .manual_control()
                .build()
                .value();
  ExecutorMetrics m = ex->metrics();
  EXPECT_EQ(m.thread_count, 1);
  EXPECT_EQ(m.thread_start_failures, 1);
  EXPECT_THAT(m.last_thread_start_error, HasSubstr("injected"));
  std::vector<Future<int>> fs;
  for (int i = 0; i < 100; ++i) fs.push_back(ex->submit([i] { return i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(fs[i].get(), i);
  // The OS relents: the next tick starts the missing threads.
  EXPECT_EQ(ex->controller().tick().threads_after, 3);
  EXPECT_EQ(ex->thread_count(), 3);
}

TEST_F(ThreadStartFailure, ALaterResizeThatFailsKeepsTheRunningThreads) {
  auto ex = ExecutorBuilder()
                .policy<StaticPolicy>(2)
                .no_sensor()
                .min_workers(1)
                .max_workers(8)
                .initial_workers(2)
                .manual_control()
                .build()
                .value();
  internal::fail_thread_starts_for_testing(1, 100);
  EXPECT_EQ(ex->resize(6), 3);
  EXPECT_EQ(ex->thread_count(), 3);
  EXPECT_EQ(ex->metrics().thread_start_failures, 1);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) ex->post([&] { ++ran; });
  ex->shutdown();
  EXPECT_EQ(ran.load(), 100);
}

TEST_F(ThreadStartFailure, NoWorkerAtAllIsABuildError) {
  internal::fail_thread_starts_for_testing(0, 100);
  auto built = ExecutorBuilder().no_sensor().manual_control().build();
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(built.status().message()),
              HasSubstr("could not start any worker thread"));
}

// The seed's spelling refuses what build() refuses, with the same message
// (it used to construct an executor with zero workers).
TEST_F(ThreadStartFailure, NoWorkerAtAllIsRefusedByTheSeedConstructorsToo) {
  internal::fail_thread_starts_for_testing(0, 100);
  auto expect_refused = [](auto&& make) {
    try {
      make();
      ADD_FAILURE() << "constructed with no worker thread";
    } catch (const StartError& e) {
      EXPECT_THAT(e.what(), HasSubstr("could not start any worker thread"));
    }
  };
  expect_refused([] { StaticThreadPoolExecutor fixed(2); });
  expect_refused([] { AdaptiveThreadPoolExecutor adaptive(2, 8); });
}

}  // namespace
}  // namespace betapool

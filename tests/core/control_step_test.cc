// ControlStep over a scripted pool: no threads, no clock — time, pool state,
// drained totals and the policy's answer are set by the test.
#include "core/control_step.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace betapool {
namespace {

class ScriptedPool final : public ControlledPool {
 public:
  int target() const override { return target_; }
  int busy_workers() const override { return busy; }
  int64_t queue_depth() const override { return queue; }
  int live_threads() const override { return live; }
  int resize(int target) override {
    asked.push_back(target);
    target_ = target;
    live = std::min(target, max_threads);
    return live;
  }
  PoolDrain drain() override { return std::exchange(next_drain, PoolDrain{}); }
  void begin_tick() override { ++ticks_begun; }

  int target_ = 4;
  int live = 4;
  int busy = 0;
  int64_t queue = 0;
  int max_threads = 1 << 20;  // threads the "OS" lets the pool start
  PoolDrain next_drain;
  std::vector<int> asked;
  int ticks_begun = 0;
};

class AskPolicy final : public ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "ask"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    last = s;
    if (throws) throw std::runtime_error("boom");
    return {target, DecisionKind::kHold, "asked"};
  }
  int target = 4;
  bool throws = false;
  ControllerSnapshot last;
};

class CountingSink final : public MetricsSink {
 public:
  void on_task(const TaskMetrics&) override { ++tasks; }
  void on_decision(const DecisionRecord& d) override { decisions.push_back(d); }
  int tasks = 0;
  std::vector<DecisionRecord> decisions;
};

TaskMetrics record_at(double t) {
  TaskMetrics m;
  m.wall_time = 0.01;
  m.cpu_time = 0.002;
  m.blocking_ratio = 0.8;
  m.timestamp = t;
  return m;
}

TEST(ControlStepTest, DrainsIntoCollectorAndSinksAndClampsTheTarget) {
  ScriptedPool pool;
  MetricsCollector collector;
  AskPolicy policy;
  policy.target = 1000;
  auto sink = std::make_shared<CountingSink>();
  ControlStep step(pool, collector, policy, nullptr, {sink}, {2, 8}, 0.0);
  pool.busy = 3;
  pool.queue = 7;
  pool.next_drain.completed = 5;  // 2 recorded, 3 only counted
  pool.next_drain.busy_wall_ns = 50'000'000;
  pool.next_drain.cpu_ns = 10'000'000;
  pool.next_drain.records = {record_at(0.4), record_at(0.45)};

  const DecisionRecord d = step.tick(0.5);
  EXPECT_EQ(pool.ticks_begun, 1);
  EXPECT_EQ(policy.last.interval.completed, 5);
  EXPECT_NEAR(*policy.last.interval.beta(), 0.8, 1e-12);
  EXPECT_EQ(policy.last.window.task_count, 2);
  EXPECT_EQ(collector.total_tasks(), 5);
  EXPECT_EQ(sink->tasks, 2);
  ASSERT_EQ(sink->decisions.size(), 1u);
  EXPECT_EQ(d.requested, 1000);
  EXPECT_EQ(d.threads_after, 8);
  EXPECT_EQ(pool.asked, std::vector<int>{8});
  EXPECT_EQ(d.decision, "scale_up");
  EXPECT_EQ(d.busy_workers, 3);
  EXPECT_EQ(d.queue_depth, 7);
  EXPECT_EQ(d.interval_completed, 5);
  EXPECT_DOUBLE_EQ(d.throughput, 10.0);
  EXPECT_TRUE(std::isnan(d.cpu_percent));  // no sensor
  EXPECT_EQ(sink->decisions[0].threads_after, d.threads_after);

  policy.target = -5;
  EXPECT_EQ(step.tick(1.0).threads_after, 2);
  EXPECT_EQ(step.ticks(), 2);
}

// A worker publishes a record before its completion count, so a drain can
// hold a record whose count comes with the next drain: each completion is
// counted once (the live executor miscounted one, seen as 33 vs 32 tasks).
TEST(ControlStepTest, ARecordAheadOfItsCountIsCountedOnce) {
  ScriptedPool pool;
  MetricsCollector collector;
  AskPolicy policy;
  policy.target = 2;
  ControlStep step(pool, collector, policy, nullptr, {}, {2, 8}, 0.0);
  pool.next_drain.completed = 3;  // 3 counted, and 4 records: one is early
  pool.next_drain.records = {record_at(0.1), record_at(0.2), record_at(0.3),
                             record_at(0.4)};
  step.collect(0.45);
  EXPECT_EQ(collector.total_tasks(), 4);
  pool.next_drain.completed = 3;  // the early one's count, and 2 unrecorded
  step.collect(0.5);
  EXPECT_EQ(collector.total_tasks(), 6);
  pool.next_drain.completed = 1;  // one unrecorded, nothing carried any more
  step.tick(0.6);
  EXPECT_EQ(collector.total_tasks(), 7);
  EXPECT_EQ(policy.last.interval.completed, 7);
}

TEST(ControlStepTest, RetriesWhenThreadsAreMissingAndRecordsTheSizeInForce) {
  ScriptedPool pool;
  MetricsCollector collector;
  AskPolicy policy;
  policy.target = 6;
  pool.max_threads = 5;  // the OS refuses the sixth thread
  ControlStep step(pool, collector, policy, nullptr, {}, {1, 8}, 0.0);
  const DecisionRecord grow = step.tick(0.5);
  EXPECT_EQ(grow.threads_after, 5);
  // Same target as in force, but a thread is missing: resize again.
  pool.max_threads = 6;
  const DecisionRecord retry = step.tick(1.0);
  EXPECT_EQ(pool.asked, (std::vector<int>{6, 6}));
  EXPECT_EQ(retry.threads_after, 6);
  // Nothing missing: no resize call.
  step.tick(1.5);
  EXPECT_EQ(pool.asked.size(), 2u);
}

TEST(ControlStepTest, PolicyAndSensorFaultsHoldAndKeepTheFirstMessage) {
  class ThrowingSensor final : public CpuSensor {
   public:
    CpuReading read() override { throw 42; }
    std::string_view name() const noexcept override { return "throwing"; }
  };
  ScriptedPool pool;
  MetricsCollector collector;
  AskPolicy policy;
  policy.throws = true;
  ThrowingSensor sensor;
  ControlStep step(pool, collector, policy, &sensor, {}, {1, 8}, 0.0);
  const DecisionRecord d = step.tick(0.5);
  step.tick(1.0);
  EXPECT_EQ(d.threads_after, 4);
  EXPECT_EQ(d.reason, "policy threw: boom");
  EXPECT_TRUE(pool.asked.empty());
  EXPECT_EQ(step.policy_fault().count, 2);
  EXPECT_EQ(step.policy_fault().first_message, "policy threw: boom");
  EXPECT_EQ(step.sensor_fault().count, 3);  // the priming read and two ticks
  EXPECT_NE(step.sensor_fault().first_message.find("non-standard"),
            std::string::npos);
}

}  // namespace
}  // namespace betapool

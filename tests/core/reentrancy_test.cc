// Policies and sinks that call back into their executor: Executor::metrics()
// from decide() or a sink hook used to abort the process (the controller
// held its mutex while calling them, and metrics() took it again).
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "betapool/executor_builder.h"
#include "core/executor.h"
#include "core/metrics_sink.h"
#include "core/scaling_policy.h"
#include "core/sync.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::eventually;

// Reads the executor's metrics (and history) from inside decide(); holds.
class MetricsReadingPolicy : public ScalingPolicy {
 public:
  explicit MetricsReadingPolicy(std::atomic<Executor*>* executor)
      : executor_(executor) {}
  std::string_view name() const noexcept override { return "reads_metrics"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    if (Executor* ex = executor_->load()) {
      const ExecutorMetrics m = ex->metrics();
      seen_interval_completed = m.since_last_tick.completed;
      seen_target = m.target_thread_count;
      (void)ex->decision_history();
      (void)ex->controller().ticks();
      nested = ex->controller().tick();
      ++calls;
    }
    snapshot_interval_completed = s.interval.completed;
    return ScalingDecision::hold(s.current_workers, "read my own metrics");
  }
  std::atomic<Executor*>* executor_;
  int64_t seen_interval_completed = -1;
  int seen_target = -1;
  int64_t snapshot_interval_completed = -2;
  DecisionRecord nested;
  std::atomic<int> calls{0};
};

// Reads the executor's metrics from every hook.
class MetricsReadingSink : public MetricsSink {
 public:
  explicit MetricsReadingSink(std::atomic<Executor*>* executor)
      : executor_(executor) {}
  void on_task(const TaskMetrics&) override { read(); }
  void on_tick(const ExperimentLogEntry&) override { read(); }
  void on_decision(const DecisionRecord&) override { read(); }
  void flush() override { read(); }
  std::atomic<int> reads{0};

 private:
  void read() {
    if (Executor* ex = executor_->load()) {
      (void)ex->metrics();
      ++reads;
    }
  }
  std::atomic<Executor*>* executor_;
};

std::unique_ptr<Executor> build(std::atomic<Executor*>& slot,
                                std::unique_ptr<MetricsReadingPolicy> policy,
                                std::shared_ptr<MetricsSink> sink,
                                bool manual) {
  ExecutorBuilder b;
  b.policy(std::move(policy))
      .no_sensor()
      .sink(std::move(sink))
      .min_workers(2)
      .max_workers(2)
      .config([] {
        ControllerConfig c;
        c.monitor_interval = absl::Milliseconds(5);
        return c;
      }());
  if (manual) b.manual_control();
  auto ex = b.build();
  EXPECT_TRUE(ex.ok()) << ex.status();
  slot = ex->get();
  return *std::move(ex);
}

TEST(ReentrancyTest, APolicyAndASinkMayReadTheirExecutorsMetricsInATick) {
  std::atomic<Executor*> slot{nullptr};
  auto policy = std::make_unique<MetricsReadingPolicy>(&slot);
  MetricsReadingPolicy* p = policy.get();
  auto sink = std::make_shared<MetricsReadingSink>(&slot);
  auto ex = build(slot, std::move(policy), sink, /*manual=*/true);
  for (int i = 0; i < 50; ++i) ex->submit([] {}).get();
  // A future is ready a moment before its worker publishes the completion:
  // wait until the interval holds all 50 (metrics() collects them).
  ASSERT_TRUE(eventually(
      [&] { return ex->metrics().since_last_tick.completed == 50; }));

  const DecisionRecord d = ex->controller().tick();
  EXPECT_EQ(p->calls.load(), 1);
  // metrics() from decide() sees the snapshot being decided on: the same
  // interval, with nothing collected twice or lost.
  EXPECT_EQ(p->seen_interval_completed, p->snapshot_interval_completed);
  EXPECT_EQ(p->seen_interval_completed, 50);
  EXPECT_EQ(p->seen_target, 2);
  // A nested tick is refused and recorded, never run.
  EXPECT_EQ(p->nested.reason, "tick() called from inside a tick: ignored");
  EXPECT_EQ(ex->controller().tick_fault().count, 1);
  EXPECT_EQ(ex->controller().ticks(), 1);
  EXPECT_EQ(d.threads_after, 2);
  // Every hook ran and read (on_task for each recorded task, then the
  // tick's three), and nothing the tick collected was lost.
  EXPECT_GE(sink->reads.load(), 3);
  EXPECT_EQ(ex->metrics().tasks_completed, 50);
  EXPECT_EQ(ex->decision_history().size(), 1u);
  slot = nullptr;
  ex->shutdown();
}

// Collects from inside the tick (Executor::task_log() collects), after
// tasks it ran itself have been counted: an exporter in a sink's hook.
class CollectingSink : public MetricsSink {
 public:
  explicit CollectingSink(std::atomic<Executor*>* executor)
      : executor_(executor) {}
  void on_task(const TaskMetrics&) override {}
  void on_tick(const ExperimentLogEntry&) override {}
  void on_decision(const DecisionRecord&) override {
    Executor* ex = executor_->load();
    if (ex == nullptr || done_) return;
    done_ = true;
    const int64_t before = ex->metrics().tasks_completed;
    for (int i = 0; i < 10; ++i) ex->submit([] {}).get();
    // Inside a tick metrics() collects nothing: this waits for the
    // workers to publish the ten, which task_log() then collects.
    published = eventually(
        [&] { return ex->metrics().tasks_completed == before + 10; });
    (void)ex->task_log();
  }
  void flush() override {}
  bool published = false;

 private:
  std::atomic<Executor*>* executor_;
  bool done_ = false;
};

TEST(ReentrancyTest, WhatASinkCollectsInATickCountsInTheNextInterval) {
  std::atomic<Executor*> no_executor{nullptr};  // the policy reads nothing
  std::atomic<Executor*> slot{nullptr};
  auto sink = std::make_shared<CollectingSink>(&slot);
  auto ex = build(slot, std::make_unique<MetricsReadingPolicy>(&no_executor),
                  sink, /*manual=*/true);
  for (int i = 0; i < 50; ++i) ex->submit([] {}).get();
  ASSERT_TRUE(eventually(
      [&] { return ex->metrics().since_last_tick.completed == 50; }));

  const DecisionRecord first = ex->controller().tick();
  EXPECT_EQ(first.interval_completed, 50);
  ASSERT_TRUE(sink->published);
  // The ten tasks the sink's task_log() collected after the snapshot belong
  // to the next interval: the end of the tick must not wipe them.
  EXPECT_EQ(ex->metrics().since_last_tick.completed, 10);
  EXPECT_EQ(ex->controller().tick().interval_completed, 10);
  EXPECT_EQ(ex->metrics().tasks_completed, 60);
  slot = nullptr;
  ex->shutdown();
}

// Has another thread read the executor's metrics and waits for it: a
// policy or sink that hands work to a helper thread (a scraper, a
// language runtime's main thread) and waits for the answer.
class HelperReader {
 public:
  explicit HelperReader(std::atomic<Executor*>* executor)
      : executor_(executor) {}
  ~HelperReader() { join(); }
  void read_and_wait() {
    Executor* ex = executor_->load();
    if (ex == nullptr || helper_.joinable()) return;
    helper_ = std::thread([this, ex] {
      seen_ticks = ex->metrics().ticks;
      done_.Notify();
    });
    // The helper needs no lock this thread holds, so it finishes; the
    // bound only turns a deadlock into a failure instead of a hang.
    answered = done_.WaitForNotificationWithTimeout(absl::Seconds(30));
  }
  void join() {
    if (helper_.joinable()) helper_.join();
  }
  bool answered = false;
  int64_t seen_ticks = -1;

 private:
  std::atomic<Executor*>* executor_;
  std::thread helper_;
  Notification done_;
};

class HelperReadingPolicy : public ScalingPolicy {
 public:
  explicit HelperReadingPolicy(std::atomic<Executor*>* executor)
      : reader(executor) {}
  std::string_view name() const noexcept override { return "helper_reads"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    reader.read_and_wait();
    return ScalingDecision::hold(s.current_workers, "asked a helper");
  }
  HelperReader reader;
};

class HelperReadingSink : public MetricsSink {
 public:
  explicit HelperReadingSink(std::atomic<Executor*>* executor)
      : reader(executor) {}
  void on_decision(const DecisionRecord&) override { reader.read_and_wait(); }
  HelperReader reader;
};

TEST(ReentrancyTest, APolicyOrSinkMayWaitForAnotherThreadReadingMetrics) {
  std::atomic<Executor*> slot{nullptr};
  auto policy = std::make_unique<HelperReadingPolicy>(&slot);
  HelperReadingPolicy* p = policy.get();
  auto sink = std::make_shared<HelperReadingSink>(&slot);
  ExecutorBuilder b;
  b.policy(std::move(policy)).no_sensor().sink(sink).min_workers(1)
      .max_workers(1).manual_control();
  auto ex = b.build().value();
  slot = ex.get();
  (void)ex->controller().tick();
  p->reader.join();
  sink->reader.join();
  slot = nullptr;
  EXPECT_TRUE(p->reader.answered) << "decide() waiting on a metrics reader";
  EXPECT_TRUE(sink->reader.answered) << "a sink waiting on a metrics reader";
  EXPECT_EQ(p->reader.seen_ticks, 0);     // the tick in progress is not done
  EXPECT_EQ(sink->reader.seen_ticks, 0);
  EXPECT_EQ(ex->metrics().ticks, 1);
}

TEST(ReentrancyTest, TheBackgroundControllerSurvivesACallingBackPolicy) {
  std::atomic<Executor*> slot{nullptr};
  auto policy = std::make_unique<MetricsReadingPolicy>(&slot);
  MetricsReadingPolicy* p = policy.get();
  auto sink = std::make_shared<MetricsReadingSink>(&slot);
  auto ex = build(slot, std::move(policy), sink, /*manual=*/false);
  std::atomic<bool> stop{false};
  // Another thread reads metrics concurrently, as a scraper would.
  std::thread reader([&] {
    while (!stop) (void)ex->metrics();
  });
  for (int i = 0; i < 200; ++i) ex->submit([] {}).get();
  EXPECT_TRUE(eventually([&] { return p->calls.load() >= 3; }));
  stop = true;
  reader.join();
  slot = nullptr;
  ex->shutdown();
  EXPECT_EQ(ex->metrics().tasks_completed, 200);
}

}  // namespace
}  // namespace betapool

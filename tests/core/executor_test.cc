// Real-thread tests of the Executor: results, errors, shutdown, resizing.
// Assertions are properties that hold on a loaded 2-core machine; nothing
// here measures speed.
#include "core/executor.h"


#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "betapool/thread_pool_executors.h"
#include "core/errors.h"
#include "core/sync.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cpu_sensor.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::eventually;
using testing_support::fixed_executor;
using testing_support::os_thread_count;

using ::testing::HasSubstr;

// An executor with a fixed size and no background controller, so only the
// test changes its size.
// Every task is recorded (record_spacing 0) so per-task logs are complete.
std::unique_ptr<Executor> manual_executor(int workers, int max_workers = 64) {
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  return fixed_executor(workers, max_workers, every_task);
}

TEST(ExecutorTest, SubmitReturnsResult) {
  auto ex = manual_executor(2);
  auto f = ex->submit([](int a, int b) { return a + b; }, 40, 2);
  EXPECT_EQ(f.get(), 42);
  EXPECT_FALSE(f.valid());
}

TEST(ExecutorTest, SubmitVoidAndMoveOnlyResult) {
  auto ex = manual_executor(2);
  std::atomic<int> ran{0};
  auto v = ex->submit([&] { ran.fetch_add(1); });
  v.get();
  EXPECT_EQ(ran.load(), 1);
  auto p = ex->submit([] { return std::make_unique<int>(7); });
  EXPECT_EQ(*p.get(), 7);
}

TEST(ExecutorTest, ExceptionReachesFutureAndWorkerLivesOn) {
  auto ex = manual_executor(1);
  auto bad = ex->submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(
      {
        try {
          bad.get();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "boom");
          throw;
        }
      },
      std::runtime_error);
  // The single worker survived and runs the next task.
  EXPECT_EQ(ex->submit([] { return 5; }).get(), 5);
  auto odd = ex->submit([] { throw 17; });
  EXPECT_THROW(odd.get(), int);
  ex->shutdown();
  const ExecutorMetrics m = ex->metrics();
  EXPECT_EQ(m.tasks_completed, 3);
  EXPECT_EQ(m.window.error_count, 2);
}

TEST(ExecutorTest, PostedExceptionIsCountedNotPropagated) {
  auto ex = manual_executor(1);
  ex->post([] { throw std::logic_error("posted failure"); });
  ex->post([] {});
  ex->shutdown();
  const std::vector<TaskMetrics> log = ex->task_log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_FALSE(log[0].success);
  EXPECT_EQ(log[0].error_message, "posted failure");
  EXPECT_TRUE(log[1].success);
}

TEST(ExecutorTest, MapKeepsOrder) {
  auto ex = manual_executor(3);
  std::vector<int> in(100);
  for (int i = 0; i < 100; ++i) in[i] = i;
  auto futures = ex->map([](int x) { return x * x; }, in);
  ASSERT_EQ(futures.size(), in.size());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(futures[i].get(), i * i);
}

TEST(ExecutorTest, SubmitAfterShutdownIsRejectedWithClearError) {
  auto ex = manual_executor(1);
  ex->shutdown();
  try {
    ex->submit([] { return 1; });
    FAIL() << "submit after shutdown must throw";
  } catch (const RejectedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("shut down"));
  }
  EXPECT_THROW(ex->post([] {}), RejectedError);
}

TEST(ExecutorTest, ShutdownWaitRunsEveryQueuedTask) {
  auto ex = manual_executor(2);
  std::atomic<int> ran{0};
  for (int i = 0; i < 1000; ++i) ex->post([&] { ran.fetch_add(1); });
  ex->shutdown(/*wait=*/true);
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_EQ(ex->thread_count(), 0);
}

TEST(ExecutorTest, ShutdownWithoutWaitReturnsAndTasksStillRun) {
  Notification release;
  std::atomic<int> ran{0};
  {
    auto ex = manual_executor(1);
    ex->post([&] { release.WaitForNotification(); });
    for (int i = 0; i < 10; ++i) ex->post([&] { ran.fetch_add(1); });
    ex->shutdown(/*wait=*/false);  // must not block on the parked worker
    EXPECT_THROW(ex->post([] {}), RejectedError);
    release.Notify();
  }  // the destructor joins
  EXPECT_EQ(ran.load(), 10);
}

TEST(ExecutorTest, ShutdownNowCancelsQueuedTasks) {
  auto ex = manual_executor(1);
  Notification started, release;
  auto running = ex->submit([&] {
    started.Notify();
    release.WaitForNotification();
    return 1;
  });
  started.WaitForNotification();
  std::vector<Future<int>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(ex->submit([] { return 2; }));
  // shutdown_now waits for the running task: release it only once the queue
  // has been taken away, so no queued task can start in between.
  std::thread releaser([&] {
    while (ex->metrics().queue_depth != 0) std::this_thread::yield();
    release.Notify();
  });
  const std::size_t cancelled = ex->shutdown_now();
  releaser.join();
  EXPECT_EQ(running.get(), 1);
  EXPECT_EQ(cancelled, 5u);
  for (auto& f : queued) EXPECT_THROW(f.get(), CancelledError);
}

TEST(ExecutorTest, ScaleUpStartsThreadsAtOnceForAQueuedBatch) {
  auto ex = manual_executor(1);
  Notification release;
  std::atomic<int> running{0};
  std::vector<Future<void>> futures;
  for (int i = 0; i < 8; ++i) {
    futures.push_back(ex->submit([&] {
      running.fetch_add(1);
      release.WaitForNotification();
    }));
  }
  EXPECT_EQ(ex->resize(8), 8);
  EXPECT_EQ(ex->thread_count(), 8);
  // All eight queued tasks start without any further tick.
  while (running.load() < 8) std::this_thread::yield();
  release.Notify();
  for (auto& f : futures) f.get();
}

TEST(ExecutorTest, ShrinkEndsOsThreads) {
  auto ex = manual_executor(16);
  ASSERT_EQ(ex->thread_count(), 16);
  const int before = os_thread_count();
  ASSERT_GE(before, 17);
  ex->resize(2);
  // Idle workers leave their loop at once; wait (bounded) for them to do so.
  eventually([&] { return ex->thread_count() <= 2; });
  EXPECT_EQ(ex->thread_count(), 2);
  ex->controller().collect();
  ex->resize(2);  // joins the retired threads
  // Joined threads leave /proc/self/task a moment after pthread_join.
  eventually([&] { return os_thread_count() <= before - 14; });
  EXPECT_LE(os_thread_count(), before - 14);
  // The survivors still run work.
  EXPECT_EQ(ex->submit([] { return 1; }).get(), 1);
}

TEST(ExecutorTest, RandomResizesNeverLoseOrDuplicateTasks) {
  constexpr int kTasks = 100000;
  auto ex = manual_executor(4, 32);
  std::vector<std::atomic<int>> runs(kTasks);
  std::vector<Future<int>> futures;
  futures.reserve(kTasks);
  std::atomic<bool> done{false};
  std::thread resizer([&] {
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> size(1, 32);
    while (!done.load()) {
      ex->resize(size(rng));
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < kTasks; ++i) {
    futures.push_back(ex->submit([&runs, i] {
      runs[i].fetch_add(1, std::memory_order_relaxed);
      return i;
    }));
  }
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(futures[i].get(), i);
  done.store(true);
  resizer.join();
  for (int i = 0; i < kTasks; ++i) ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  ex->shutdown();
  EXPECT_EQ(ex->metrics().tasks_completed, kTasks);
}

TEST(ExecutorTest, SeedConvenienceExecutors) {
  StaticThreadPoolExecutor fixed(3);
  EXPECT_EQ(fixed.thread_count(), 3);
  EXPECT_EQ(fixed.submit([] { return 3; }).get(), 3);
  AdaptiveThreadPoolExecutor adaptive(2, 8);
  EXPECT_EQ(adaptive.thread_count(), 2);
  EXPECT_EQ(adaptive.metrics().policy, "beta_veto");
  EXPECT_THROW(AdaptiveThreadPoolExecutor(0, 8), std::invalid_argument);
  try {
    AdaptiveThreadPoolExecutor bad(8, 4);
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("max_workers = 4"));
  }
}

TEST(ExecutorTest, ShutdownWakesTheControllerAtOnce) {
  ControllerConfig slow;
  slow.monitor_interval = absl::Seconds(30);
  auto ex = ExecutorBuilder().config(slow).no_sensor().min_workers(1).build();
  ASSERT_TRUE(ex.ok());
  const auto start = std::chrono::steady_clock::now();
  (*ex)->shutdown();
  // Generous bound: the point is "not 30 s" (the reference slept it out).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(ExecutorTest, BackgroundControllerTicks) {
  ControllerConfig fast;
  fast.monitor_interval = absl::Milliseconds(5);
  auto ex = ExecutorBuilder()
                .config(fast)
                .sensor<FakeCpuSensor>()
                .min_workers(1)
                .max_workers(4)
                .build();
  ASSERT_TRUE(ex.ok());
  while ((*ex)->decision_history().size() < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GE((*ex)->experiment_log().size(), 3u);
}

}  // namespace
}  // namespace betapool

// WorkerPool directly: order, idle workers parked and woken for shutdown and
// shrinking, busy/queue counters, exact counts with sampled records for
// tiny tasks. Real threads; assertions are properties that hold on a loaded
// 2-core machine (bounded waits only guard against hangs).
#include "core/worker_pool.h"


#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/sync.h"
#include "gtest/gtest.h"
#include "sensors/thread_cpu_clock.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::eventually;
using testing_support::os_thread_count;

TEST(WorkerPoolTest, OneWorkerRunsTasksInSubmissionOrder) {
  ThreadCpuClock clock;
  WorkerPool pool(clock, {});
  pool.resize(1);
  std::vector<int> order;
  for (int i = 0; i < 5000; ++i) {
    pool.enqueue([&order, i](TaskOutcome&) { order.push_back(i); });
  }
  pool.shutdown(true);
  ASSERT_EQ(order.size(), 5000u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(order[i], i);
}

TEST(WorkerPoolTest, ParkedWorkersLeaveOnShutdown) {
  ThreadCpuClock clock;
  // ThreadSanitizer's runtime starts a helper thread along with the
  // process's first other thread: start (and end) one first so that
  // `before` counts it.
  std::thread([] {}).join();
  const int before = os_thread_count();
  {
    WorkerPool pool(clock, {});
    pool.resize(12);
    EXPECT_EQ(pool.live_threads(), 12);
    // Let them go idle (spin, then park); then shut down.
    EXPECT_TRUE(eventually([&] { return pool.busy_workers() == 0; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    pool.shutdown(true);
    EXPECT_EQ(pool.live_threads(), 0);
  }
  // pthread_join returns when the kernel clears the thread's tid, a moment
  // before the thread leaves /proc/self/task: wait (bounded) for that.
  EXPECT_TRUE(eventually([&] { return os_thread_count() == before; }))
      << os_thread_count() << " threads, " << before << " before the pool";
}

TEST(WorkerPoolTest, ShrinkWakesParkedSurplusWorkers) {
  ThreadCpuClock clock;
  WorkerPool pool(clock, {});
  pool.resize(10);
  EXPECT_TRUE(eventually([&] { return pool.busy_workers() == 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(pool.resize(3), 3);
  EXPECT_TRUE(eventually([&] { return pool.live_threads() == 3; }));
  // Growing again starts threads at once and they run work.
  EXPECT_EQ(pool.resize(6), 6);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) {
    pool.enqueue([&ran](TaskOutcome&) { ran.fetch_add(1); });
  }
  pool.shutdown(true);
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, BusyWorkersQueueDepthAndCounts) {
  ThreadCpuClock clock;
  WorkerPool pool(clock, {});
  pool.resize(3);
  Notification release;
  std::atomic<int> inside{0};
  for (int i = 0; i < 3; ++i) {
    pool.enqueue([&](TaskOutcome&) {
      inside.fetch_add(1);
      release.WaitForNotification();
    });
  }
  ASSERT_TRUE(eventually([&] { return inside.load() == 3; }));
  EXPECT_EQ(pool.busy_workers(), 3);
  for (int i = 0; i < 10; ++i) pool.enqueue([](TaskOutcome&) {});
  EXPECT_EQ(pool.queue_depth(), 10);
  EXPECT_EQ(pool.submitted(), 13);
  release.Notify();
  EXPECT_TRUE(eventually([&] { return pool.queue_depth() == 0; }));
  EXPECT_TRUE(eventually([&] { return pool.busy_workers() == 0; }));
  pool.shutdown(true);
  EXPECT_EQ(pool.completed(), 13);
}

TEST(WorkerPoolTest, ShutdownFromATaskWaitsForTheOtherWorkers) {
  ThreadCpuClock clock;
  WorkerPool pool(clock, {});
  pool.resize(2);
  Notification done;
  pool.enqueue([&](TaskOutcome&) {
    pool.shutdown(true);  // joins the other worker, not this one
    EXPECT_FALSE(pool.accepting());
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_LE(pool.live_threads(), 1);
  pool.shutdown(true);
  EXPECT_EQ(pool.live_threads(), 0);
}

TEST(WorkerPoolTest, TinyTasksAreCountedExactlyAndRecordedSparsely) {
  ThreadCpuClock clock;
  WorkerPool pool(clock, {});
  pool.resize(2);
  constexpr int kTasks = 50000;
  for (int i = 0; i < kTasks; ++i) pool.enqueue([](TaskOutcome&) {});
  pool.enqueue([](TaskOutcome& out) {
    out.ok = false;
    out.error = "bad";
  });
  pool.shutdown(true);
  const PoolDrain d = pool.drain();
  EXPECT_EQ(d.completed, kTasks + 1);
  EXPECT_EQ(d.failed, 1);
  EXPECT_GT(d.busy_wall_ns, 0);
  EXPECT_GT(d.cpu_ns, 0);
  // At most one record per record_spacing (1 ms) per worker, plus one per
  // worker start: far fewer than the tasks.
  EXPECT_GE(d.records.size(), 1u);
  EXPECT_LT(d.records.size(), static_cast<std::size_t>(kTasks / 10));
}

}  // namespace
}  // namespace betapool

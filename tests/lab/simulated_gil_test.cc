#include "lab/simulated_gil.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "betapool/executor_builder.h"
#include "core/sync.h"
#include "core/wait_accounting.h"
#include "gtest/gtest.h"
#include "lab/cpu_burner.h"

namespace betapool {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kManyThreads = 64;  // sanitizers make each thread costly
#else
constexpr int kManyThreads = 256;
#endif

TEST(SimulatedGilTest, UncontendedAcquireReportsNoWait) {
  SimulatedGil gil;
  const int64_t before = thread_lock_wait_ns();
  gil.acquire();
  EXPECT_TRUE(gil.held_by_current_thread());
  EXPECT_FALSE(gil.check());  // nobody asked for it
  gil.release();
  EXPECT_FALSE(gil.held_by_current_thread());
  EXPECT_EQ(thread_lock_wait_ns(), before);
  const SimulatedGilStats s = gil.stats();
  EXPECT_EQ(s.acquisitions, 1);
  EXPECT_EQ(s.contended_acquisitions, 0);
}

TEST(SimulatedGilDeathTest, MisuseAbortsWithAMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  SimulatedGil gil;
  EXPECT_DEATH(gil.release(), "release\\(\\) by a thread that does not hold");
  EXPECT_DEATH(
      {
        gil.acquire();
        gil.acquire();
      },
      "acquire\\(\\) by the thread that holds it");
}

TEST(SimulatedGilTest, RejectsNonPositiveSwitchInterval) {
  SimulatedGil gil;
  EXPECT_FALSE(gil.set_switch_interval(absl::ZeroDuration()).ok());
  EXPECT_FALSE(gil.set_switch_interval(absl::Milliseconds(-1)).ok());
  EXPECT_TRUE(gil.set_switch_interval(absl::Milliseconds(2)).ok());
  EXPECT_EQ(gil.switch_interval(), absl::Milliseconds(2));
}

// Holders are serialized even across forced switches: the increments
// between two check() calls never overlap, and none is lost.
TEST(SimulatedGilTest, SerializesHolders) {
  SimulatedGil gil(absl::Microseconds(100));  // short: many forced switches
  constexpr int kThreads = 8, kRounds = 30, kSteps = 20;
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  int64_t plain_counter = 0;  // guarded by the GIL only
  const int64_t burn = iterations_for(absl::Microseconds(50));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r) {
        GilScope python(&gil);
        for (int k = 0; k < kSteps; ++k) {
          const int now = inside.fetch_add(1) + 1;
          int seen = max_inside.load();
          while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
          }
          ++plain_counter;
          burn_cpu(burn, nullptr);  // hold the lock for a while...
          inside.fetch_sub(1);
          gil.check();              // ...then let a waiter in if it asked
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(max_inside.load(), 1);
  EXPECT_EQ(plain_counter, int64_t{kThreads} * kRounds * kSteps);
  // Each holder keeps the lock for ~1 ms of CPU against a 0.1 ms interval
  // with 7 waiters: waiters must have asked, and holders must have yielded.
  const SimulatedGilStats s = gil.stats();
  EXPECT_GT(s.drop_requests, 0);
  EXPECT_GT(s.forced_switches, 0);
  EXPECT_FALSE(gil.held_by_current_thread());
}

// A holder that never releases voluntarily hands the lock to a waiter only
// through the drop request: not before a full switch interval, and within a
// bounded time after it (the bound only allows for a loaded machine).
TEST(SimulatedGilTest, HandsOffToWaiterAfterSwitchInterval) {
  const absl::Duration interval = absl::Milliseconds(20);
  SimulatedGil gil(interval);
  Notification holding;
  std::atomic<bool> yielded{false};
  std::thread holder([&] {
    GilScope python(&gil);
    holding.Notify();
    const Clock::time_point start = Clock::now();
    while (seconds_since(start) < 30.0) {
      burn_cpu(kGilCheckEvery, nullptr);
      if (gil.check()) {
        yielded.store(true);
        break;
      }
    }
  });
  holding.WaitForNotification();
  const int64_t reported_before = thread_lock_wait_ns();
  const Clock::time_point start = Clock::now();
  gil.acquire();
  const double waited = seconds_since(start);
  const int64_t reported = thread_lock_wait_ns() - reported_before;
  gil.release();
  holder.join();

  EXPECT_TRUE(yielded.load()) << "the holder never yielded at check()";
  EXPECT_GE(waited, absl::ToDoubleSeconds(interval) - 0.001);
  EXPECT_LE(waited, absl::ToDoubleSeconds(interval) + 5.0);
  // The wait went through the accounting hook.
  EXPECT_GE(reported, absl::ToInt64Nanoseconds(interval) - 1'000'000);
  EXPECT_LE(reported, static_cast<int64_t>(waited * 1e9) + 1'000'000);
  const SimulatedGilStats s = gil.stats();
  EXPECT_GE(s.drop_requests, 1);
  EXPECT_EQ(s.forced_switches, 1);
}

// Many threads mixing "Python" CPU, forced switches and I/O releases all
// finish; a watchdog turns a deadlock into a failure instead of a hang.
TEST(SimulatedGilTest, NeverDeadlocksUnderManyThreads) {
  SimulatedGil gil(absl::Microseconds(50));
  constexpr int kRounds = 20;
  std::atomic<int> finished{0};
  const int64_t burn = iterations_for(absl::Microseconds(20));
  std::vector<std::thread> threads;
  threads.reserve(kManyThreads);
  for (int t = 0; t < kManyThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        GilScope python(&gil);
        burn_cpu(burn, &gil);
        if ((t + r) % 3 == 0) {
          GilRelease io(&gil);
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        burn_cpu(burn, &gil);
      }
      finished.fetch_add(1);
    });
  }
  const Clock::time_point start = Clock::now();
  while (finished.load() < kManyThreads && seconds_since(start) < 240.0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (finished.load() < kManyThreads) {
    std::fprintf(stderr, "deadlock: %d of %d threads finished after 240 s\n",
                 finished.load(), kManyThreads);
    std::abort();  // the stuck threads cannot be joined
  }
  for (auto& t : threads) t.join();
  const SimulatedGilStats s = gil.stats();
  EXPECT_GE(s.acquisitions, int64_t{kManyThreads} * kRounds);
  EXPECT_GT(s.contended_acquisitions, 0);
}

// The executor sees a task's GIL wait as lock-wait time, exactly as the
// lock reported it.
TEST(SimulatedGilTest, ExecutorRecordsGilWaitAsLockWait) {
  SimulatedGil gil;
  MetricsOptions metrics;
  metrics.record_spacing = absl::ZeroDuration();  // record every task
  auto ex = ExecutorBuilder()
                .policy("static")
                .min_workers(1)
                .max_workers(1)
                .metrics_options(metrics)
                .manual_control()
                .build()
                .value();
  gil.acquire();
  Notification about_to_wait;
  auto done = ex->submit([&] {
    about_to_wait.Notify();
    GilScope python(&gil);
    return 1;
  });
  about_to_wait.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(30));
  // The waiter asked for the lock after 5 ms, so this release waits until it
  // has taken the lock (a forced switch); that wait is this thread's own.
  const int64_t main_before = thread_lock_wait_ns();
  gil.release();
  const int64_t main_wait = thread_lock_wait_ns() - main_before;
  EXPECT_EQ(done.get(), 1);
  ex->shutdown();
  const std::vector<TaskMetrics> log = ex->task_log();
  ASSERT_EQ(log.size(), 1u);
  const double reported = (gil.stats().total_wait_ns - main_wait) * 1e-9;
  EXPECT_GT(log[0].lock_wait_time, 0.0);
  EXPECT_NEAR(log[0].lock_wait_time, reported, 1e-6);
  EXPECT_LE(log[0].lock_wait_time, log[0].wall_time);
}

}  // namespace
}  // namespace betapool

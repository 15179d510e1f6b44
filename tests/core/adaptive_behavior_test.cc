// BetaVetoPolicy on real threads and the real thread-CPU clock: the pool
// grows on a stream of sleeping tasks and does not grow on pure CPU tasks.
// For the growth test the CPU sensor is a fake reading 10 % so that other load on a shared CI
// machine cannot hold growth; beta itself is measured for real. Controller
// timings are shortened (20 ms ticks, 60 ms stabilization) so the test takes
// about a second; bounds are properties, not timings.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "gtest/gtest.h"
#include "policies/beta_veto_policy.h"
#include "sensors/proc_stat_sensor.h"
#include "testing/fake_cpu_sensor.h"

namespace betapool {
namespace {

std::unique_ptr<Executor> adaptive(int min, int max,
                                   bool real_cpu_sensor = false) {
  ControllerConfig fast;
  fast.monitor_interval = absl::Milliseconds(20);
  fast.stabilization_window = absl::Milliseconds(60);
  ExecutorBuilder builder;
  if (real_cpu_sensor) {
    builder.sensor<ProcStatSensor>();
  } else {
    builder.sensor<FakeCpuSensor>(10.0);
  }
  auto built = builder
                   .policy<BetaVetoPolicy>()
                   .config(fast)
                   .min_workers(min)
                   .max_workers(max)
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  return *std::move(built);
}

// Keeps about `in_flight` tasks queued or running for `duration`.
template <class Task>
void stream(Executor& ex, Task task, int in_flight,
            std::chrono::milliseconds duration) {
  std::atomic<int> outstanding{0};
  const auto end = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < end) {
    if (outstanding.load() < in_flight) {
      outstanding.fetch_add(1);
      ex.post([&outstanding, task] {
        task();
        outstanding.fetch_sub(1);
      });
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  while (outstanding.load() > 0) std::this_thread::yield();
}

TEST(AdaptiveBehaviorTest, GrowsOnSleepingTasks) {
  auto ex = adaptive(2, 32);
  stream(*ex, [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); },
         64, std::chrono::milliseconds(1500));
  EXPECT_GT(ex->target_thread_count(), 2);
  EXPECT_GT(ex->thread_count(), 2);
  bool scaled_up = false;
  for (const DecisionRecord& d : ex->decision_history()) {
    scaled_up |= d.decision == "scale_up";
  }
  EXPECT_TRUE(scaled_up);
}

// With the real CPU sensor, as the seed intends: on an idle machine the pool's
// CPU tasks saturate the CPUs (the CPU check holds growth, and low beta
// vetoes it); on a machine loaded by others, waiting for a core is off-CPU
// and inflates beta (the seed's flaw, pinned in the simulator tests), but
// the CPUs then read saturated and growth is held all the same.
TEST(AdaptiveBehaviorTest, DoesNotGrowOnPureCpuTasks) {
  auto ex = adaptive(1, 32, /*real_cpu_sensor=*/true);
  ex->resize(2);
  stream(*ex,
         [] {
           volatile uint64_t x = 0;
           for (int i = 0; i < 200000; ++i) x = x + i;
         },
         64, std::chrono::milliseconds(1500));
  EXPECT_LE(ex->target_thread_count(), 2);
  for (const DecisionRecord& d : ex->decision_history()) {
    EXPECT_NE(d.decision, "scale_up") << d.reason;
  }
}

}  // namespace
}  // namespace betapool

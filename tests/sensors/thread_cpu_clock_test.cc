#include "sensors/thread_cpu_clock.h"

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(ThreadCpuClockTest, CpuAdvancesWhenComputingNotWhenSleeping) {
  ThreadCpuClock clock;
  const int64_t wall0 = clock.wall_now_ns();
  const int64_t cpu0 = clock.thread_cpu_now_ns();
  // Real threads are the point here: a sleep must cost wall time, no CPU.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const int64_t cpu1 = clock.thread_cpu_now_ns();
  const int64_t wall1 = clock.wall_now_ns();
  EXPECT_GE(wall1 - wall0, 30'000'000);
  EXPECT_LT(cpu1 - cpu0, 15'000'000);  // half the sleep: generous
  // The wall span brackets the CPU span (wall read first at the start and
  // last at the end), so CPU <= wall holds without a margin.
  const int64_t wall2 = clock.wall_now_ns();
  const int64_t cpu2 = clock.thread_cpu_now_ns();
  volatile uint64_t x = 0;
  while (clock.thread_cpu_now_ns() - cpu2 < 20'000'000) x = x + 1;
  EXPECT_GE(clock.thread_cpu_now_ns() - cpu2, 20'000'000);
  EXPECT_GE(clock.wall_now_ns() - wall2, 20'000'000);  // CPU <= wall
}

}  // namespace
}  // namespace betapool

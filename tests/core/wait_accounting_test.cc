#include "core/wait_accounting.h"

#include <thread>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(WaitAccountingTest, CountsPerThreadAndIgnoresNegatives) {
  const int64_t before = thread_lock_wait_ns();
  report_lock_wait(1000);
  report_lock_wait(-50);
  EXPECT_EQ(thread_lock_wait_ns() - before, 1000);
  int64_t other = -1;
  std::thread t([&] {
    report_lock_wait(7);
    other = thread_lock_wait_ns();
  });
  t.join();
  EXPECT_EQ(other, 7);
  EXPECT_EQ(thread_lock_wait_ns() - before, 1000);
}

TEST(WaitAccountingTest, ScopedLockWaitReportsItsLifetime) {
  const int64_t before = thread_lock_wait_ns();
  {
    ScopedLockWait timer;
    volatile unsigned x = 0;  // unsigned: wraps, no UB
    for (unsigned i = 0; i < 100000; ++i) x = x + i;
  }
  EXPECT_GT(thread_lock_wait_ns(), before);
}

}  // namespace
}  // namespace betapool

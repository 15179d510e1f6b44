// A task that waits on a task of its own pool (docs/semantics.md,
// "Reentrancy"): when no other worker is left to run the awaited task,
// get()/wait() throw DeadlockError instead of sleeping forever, the future
// stays valid, and the task still runs. Waits that can end are untouched.
// A regression shows up as a hang (the ctest timeout) or a failure.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "betapool/executor_builder.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/future.h"
#include "core/sync.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::fixed_executor;

using ::testing::HasSubstr;

TEST(SelfWaitTest, OnlyWorkerWaitingOnItsQueuedTaskGetsDeadlockError) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  // The outer task catches the error and hands the still-valid inner future
  // back to the test, which then gets the inner result from outside.
  auto outer = ex->submit([self] {
    Future<int> inner = self->submit([] { return 7; });
    std::string error;
    try {
      inner.get();
    } catch (const DeadlockError& e) {
      error = e.what();
    }
    EXPECT_TRUE(inner.valid());
    return std::make_pair(error, std::move(inner));
  });
  auto [error, inner] = outer.get();
  EXPECT_THAT(error, HasSubstr("own pool"));
  ASSERT_TRUE(inner.valid());
  EXPECT_EQ(inner.get(), 7);
}

TEST(SelfWaitTest, FutureWaitThrowsToo) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  auto outer = ex->submit([self] {
    Future<void> inner = self->submit([] {});
    try {
      inner.wait();
      return false;
    } catch (const DeadlockError&) {
      return true;
    }
  });
  EXPECT_TRUE(outer.get());
}

TEST(SelfWaitTest, WhenEveryWorkerWaitsExactlyOneIsToldAndAllFinish) {
  auto ex = fixed_executor(2);
  Executor* self = ex.get();
  std::atomic<int> running{0};
  std::atomic<int> deadlocks{0};
  auto waiter = [&] {
    // Both workers are inside a task before either queues its inner one,
    // so the inner tasks can only run after a worker is free.
    running.fetch_add(1);
    while (running.load() < 2) std::this_thread::yield();
    Future<int> inner = self->submit([] { return 1; });
    try {
      return inner.get();
    } catch (const DeadlockError&) {
      deadlocks.fetch_add(1);
      return 0;  // frees this worker; it then runs both inner tasks
    }
  };
  auto a = ex->submit(waiter);
  auto b = ex->submit(waiter);
  EXPECT_EQ(a.get() + b.get(), 1);
  EXPECT_EQ(deadlocks.load(), 1);
}

TEST(SelfWaitTest, WaitingOnATaskAnotherWorkerRunsIsNotADeadlock) {
  auto ex = fixed_executor(2);
  Executor* self = ex.get();
  Notification inner_started;
  auto outer = ex->submit([&] {
    Future<int> inner = self->submit([&] {
      inner_started.Notify();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return 5;
    });
    inner_started.WaitForNotification();  // running on the other worker
    return inner.get();
  });
  EXPECT_EQ(outer.get(), 5);
}

TEST(SelfWaitTest, WaitingOnAnotherPoolIsNotChecked) {
  auto ex = fixed_executor(1);
  auto other = fixed_executor(1);
  Executor* second = other.get();
  auto outer = ex->submit([second] {
    return second->submit([] { return 3; }).get();
  });
  EXPECT_EQ(outer.get(), 3);
}

TEST(SelfWaitTest, TimedWaitsReturnTimeoutInsteadOfThrowing) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  auto outer = ex->submit([self] {
    Future<int> inner = self->submit([] { return 9; });
    const auto status = inner.wait_for(std::chrono::milliseconds(5));
    return std::make_pair(status, std::move(inner));
  });
  auto [status, inner] = outer.get();
  EXPECT_EQ(status, std::future_status::timeout);
  EXPECT_EQ(inner.get(), 9);
}

}  // namespace
}  // namespace betapool

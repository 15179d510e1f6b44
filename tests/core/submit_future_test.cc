// Executor::submit's fused task state (core/task_wrapper.h) and the future
// it returns: references and move-only values, when captures are destroyed,
// cancellation and rejection without leaks, the spin-then-sleep wait, and
// Promise misuse errors. Real threads; no timing is asserted.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "core/errors.h"
#include "core/future.h"
#include "core/sync.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::eventually;
using testing_support::fixed_executor;

TEST(SubmitFutureTest, ReferenceAndMoveOnlyResultsAndArguments) {
  auto ex = fixed_executor(2);
  int x = 5;
  auto ref = ex->submit([&x]() -> int& { return x; });
  EXPECT_EQ(&ref.get(), &x);
  auto moved = ex->submit(
      [](const std::unique_ptr<int>& p) { return std::make_unique<int>(*p + 1); },
      std::make_unique<int>(41));
  EXPECT_EQ(*moved.get(), 42);
}

TEST(SubmitFutureTest, CapturesAreDestroyedWhenTheTaskEndsNotWithTheFuture) {
  auto ex = fixed_executor(1);
  auto token = std::make_shared<int>(7);
  Future<int> f = ex->submit([token] { return *token; });
  f.wait();
  // The future still holds the shared state, but the callable is gone.
  EXPECT_TRUE(eventually([&] { return token.use_count() == 1; }));
  EXPECT_TRUE(f.valid());
  EXPECT_EQ(f.get(), 7);
}

TEST(SubmitFutureTest, DiscardedTasksCancelTheirFuturesAndFreeCaptures) {
  auto ex = fixed_executor(1);
  auto token = std::make_shared<int>(1);
  Notification started, release;
  auto blocker = ex->submit([&] {
    started.Notify();
    release.WaitForNotification();
  });
  started.WaitForNotification();
  std::vector<Future<int>> queued;
  for (int i = 0; i < 300; ++i) {
    queued.push_back(ex->submit([token] { return *token; }));
  }
  std::thread releaser([&] {
    while (ex->metrics().queue_depth != 0) std::this_thread::yield();
    release.Notify();
  });
  EXPECT_EQ(ex->shutdown_now(), 300u);
  releaser.join();
  blocker.get();
  for (auto& f : queued) EXPECT_THROW(f.get(), CancelledError);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(SubmitFutureTest, RejectedSubmitKeepsNothing) {
  auto ex = fixed_executor(1);
  ex->shutdown();
  auto token = std::make_shared<int>(1);
  EXPECT_THROW(ex->submit([token] { return 1; }), RejectedError);
  EXPECT_THROW(ex->submit([token](int a) { return a; }, 3), RejectedError);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(SubmitFutureTest, ManyRoundTripsFromTwoThreads) {
  auto ex = fixed_executor(2);
  auto client = [&ex](int base) {
    for (int i = 0; i < 2000; ++i) {
      ASSERT_EQ(ex->submit([i, base] { return base + i; }).get(), base + i);
    }
  };
  std::thread other(client, 1'000'000);
  client(0);
  other.join();
}

TEST(SubmitFutureTest, ASleepingWaiterIsWoken) {
  auto ex = fixed_executor(1);
  auto f = ex->submit([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    return 3;
  });
  EXPECT_EQ(f.get(), 3);  // waits past any spin, on the futex
  auto g = ex->submit([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  });
  EXPECT_EQ(g.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  g.get();
}

TEST(SubmitFutureTest, WaitUntilAcceptsAnyClock) {
  Promise<int> p;
  Future<int> f = p.get_future();
  EXPECT_EQ(f.wait_until(std::chrono::system_clock::now() -
                         std::chrono::seconds(1)),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_until(std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(1)),
            std::future_status::timeout);
  p.set_value(4);
  EXPECT_EQ(f.wait_until(std::chrono::system_clock::now()),
            std::future_status::ready);
  EXPECT_EQ(f.get(), 4);
}

TEST(SubmitFutureTest, PromiseMisuseIsReported) {
  Promise<int> p;
  Future<int> f = p.get_future();
  EXPECT_THROW(p.get_future(), std::future_error);
  p.set_value(1);
  EXPECT_THROW(p.set_value(2), std::future_error);
  EXPECT_THROW(p.set_exception(std::make_exception_ptr(std::runtime_error("x"))),
               std::future_error);
  EXPECT_EQ(f.get(), 1);
}

TEST(SubmitFutureTest, MovedFuturesKeepTheirState) {
  auto ex = fixed_executor(2);
  std::vector<Future<int>> futures;
  for (int i = 0; i < 100; ++i) futures.push_back(ex->submit([i] { return i; }));
  std::vector<Future<int>> moved = std::move(futures);
  Future<int> last;
  last = std::move(moved.back());
  moved.pop_back();
  EXPECT_FALSE(moved.empty());
  for (int i = 0; i < 99; ++i) EXPECT_EQ(moved[i].get(), i);
  EXPECT_EQ(last.get(), 99);
}

}  // namespace
}  // namespace betapool

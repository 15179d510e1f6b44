// Shutdown and reentrancy (docs/semantics.md): tasks that shut down or
// submit to their own pool, the destructor after shutdown(false), and
// exceptions that are not std::exception. Gates make the order explicit;
// a regression here shows up as a hang (the ctest timeout) or a failure.
#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "core/errors.h"
#include "core/executor.h"
#include "core/sync.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/core_test_support.h"

namespace betapool {
namespace {

using testing_support::fixed_executor;

using ::testing::HasSubstr;

TEST(ShutdownSemanticsTest, ShutdownWaitFromItsOnlyWorkerReturnsAndQueuedTasksStillRun) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  Notification go;
  auto first = ex->submit([&] {
    go.WaitForNotification();
    self->shutdown(true);  // cannot join itself: returns
    try {
      self->submit([] {});
      return std::string("accepted after shutdown");
    } catch (const RejectedError& e) {
      return std::string(e.what());
    }
  });
  std::vector<Future<int>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(ex->submit([i] { return i; }));
  go.Notify();
  EXPECT_THAT(first.get(), HasSubstr("shut down"));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(queued[i].get(), i);
  ex.reset();  // the destructor joins the worker that shut down
}

TEST(ShutdownSemanticsTest, TwoTasksShuttingDownAtOnceDoNotWaitForEachOther) {
  auto ex = fixed_executor(2);
  Executor* self = ex.get();
  std::atomic<int> arrived{0};
  auto task = [&] {
    ++arrived;
    while (arrived.load() < 2) std::this_thread::yield();
    self->shutdown(true);
  };
  auto a = ex->submit(task);
  auto b = ex->submit(task);
  a.get();
  b.get();
  EXPECT_EQ(ex->metrics().tasks_submitted, 2);
}

TEST(ShutdownSemanticsTest, ShutdownNowFromATaskCancelsTheQueueAndCountsIt) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  Notification go;
  auto first = ex->submit([&] {
    go.WaitForNotification();
    return self->shutdown_now();
  });
  std::vector<Future<int>> queued;
  for (int i = 0; i < 3; ++i) queued.push_back(ex->submit([i] { return i; }));
  go.Notify();
  EXPECT_EQ(first.get(), 3u);
  for (auto& f : queued) EXPECT_THROW(f.get(), CancelledError);
}

TEST(ShutdownSemanticsTest, ATaskMaySubmitToItsOwnPoolBeforeShutdown) {
  auto ex = fixed_executor(1);
  Executor* self = ex.get();
  auto outer = ex->submit([self] {
    return self->submit([] { return 5; });  // queued behind this task
  });
  Future<int> inner = outer.get();
  EXPECT_EQ(inner.get(), 5);
}

TEST(ShutdownSemanticsTest, DestructorAfterShutdownWithoutWaitRunsEveryAcceptedTask) {
  std::atomic<int> ran{0};
  {
    auto ex = fixed_executor(2);
    for (int i = 0; i < 200; ++i) ex->post([&] { ++ran; });
    ex->shutdown(false);
    EXPECT_THROW(ex->post([] {}), RejectedError);
  }
  EXPECT_EQ(ran.load(), 200);
}

TEST(ShutdownSemanticsTest, ShutdownIsIdempotentInAnyOrder) {
  auto ex = fixed_executor(2);
  auto f = ex->submit([] { return 1; });
  ex->shutdown(false);
  ex->shutdown(true);
  EXPECT_EQ(ex->shutdown_now(), 0u);
  ex->shutdown(true);
  EXPECT_EQ(f.get(), 1);
}

struct NotAStdException {
  int code;
};

TEST(ShutdownSemanticsTest, NonStandardExceptionsReachTheFuture) {
  auto ex = fixed_executor(1);
  auto f = ex->submit([]() -> int { throw NotAStdException{42}; });
  try {
    f.get();
    FAIL() << "no exception";
  } catch (const NotAStdException& e) {
    EXPECT_EQ(e.code, 42);
  }
  ex->post([] { throw 7; });  // counted as failed, never propagated
  auto g = ex->submit([] { return 1; });
  EXPECT_EQ(g.get(), 1);  // the worker lives on
  ex->shutdown();
  EXPECT_EQ(ex->metrics().tasks_completed, 3);
}

}  // namespace
}  // namespace betapool

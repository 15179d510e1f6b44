// Bounded queue and rejection policies (docs/semantics.md). Every test
// holds the only worker inside a gated task, so the queue's contents are
// exactly what the test put there: no timing assumptions.
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
#include "core/worker_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/static_policy.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<Executor> bounded(
    int64_t capacity, RejectionPolicy rejection,
    absl::Duration timeout = absl::InfiniteDuration(), int workers = 1) {
  auto built = ExecutorBuilder()
                   .policy<StaticPolicy>(workers)
                   .no_sensor()
                   .min_workers(1)
                   .max_workers(workers)
                   .initial_workers(workers)
                   .manual_control()
                   .queue_capacity(capacity, rejection, timeout)
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  return *std::move(built);
}

// Occupies one worker until release().
struct Gate {
  Notification started;
  Notification go;
  void hold() {
    started.Notify();
    go.WaitForNotification();
  }
};

TEST(BoundedQueueTest, UnboundedByDefault) {
  auto ex = ExecutorBuilder().no_sensor().manual_control().build().value();
  const ExecutorMetrics m = ex->metrics();
  EXPECT_EQ(m.queue_capacity, 0);
  EXPECT_EQ(m.rejection, "");
  EXPECT_EQ(m.tasks_rejected, 0);
}

TEST(BoundedQueueTest, RejectThrowsRejectedErrorNamingTheCapacity) {
  auto ex = bounded(2, RejectionPolicy::kReject);
  Gate gate;
  auto blocker = ex->submit([&] { gate.hold(); });
  gate.started.WaitForNotification();
  auto a = ex->submit([] { return 1; });
  auto b = ex->submit([] { return 2; });
  EXPECT_EQ(ex->metrics().queue_depth, 2);
  try {
    ex->submit([] { return 3; });
    FAIL() << "a full queue accepted a task under kReject";
  } catch (const RejectedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("queue_capacity = 2"));
    EXPECT_THAT(e.what(), HasSubstr("full"));
  }
  EXPECT_THROW(ex->post([] {}), RejectedError);
  EXPECT_EQ(ex->metrics().tasks_rejected, 2);
  gate.go.Notify();
  EXPECT_EQ(a.get(), 1);
  EXPECT_EQ(b.get(), 2);
  blocker.get();
  ex->shutdown();
  EXPECT_EQ(ex->metrics().tasks_completed, 3);
}

TEST(BoundedQueueTest, CallerRunsRunsTheTaskInTheSubmittingThread) {
  auto ex = bounded(1, RejectionPolicy::kCallerRuns);
  Gate gate;
  auto blocker = ex->submit([&] { gate.hold(); });
  gate.started.WaitForNotification();
  auto queued = ex->submit([] { return std::this_thread::get_id(); });
  auto inline_run = ex->submit([] { return std::this_thread::get_id(); });
  ASSERT_TRUE(inline_run.is_ready());  // ran before submit returned
  EXPECT_EQ(inline_run.get(), std::this_thread::get_id());
  auto thrower = ex->submit([]() -> int { throw std::runtime_error("boom"); });
  EXPECT_THROW(thrower.get(), std::runtime_error);  // reaches the future
  EXPECT_EQ(ex->metrics().tasks_run_in_caller, 2);
  gate.go.Notify();
  EXPECT_NE(queued.get(), std::this_thread::get_id());
  blocker.get();
}

TEST(BoundedQueueTest, DiscardOldestCancelsTheOldestWithAClearMessage) {
  auto ex = bounded(2, RejectionPolicy::kDiscardOldest);
  Gate gate;
  auto blocker = ex->submit([&] { gate.hold(); });
  gate.started.WaitForNotification();
  std::atomic<int> ran_a{0};
  auto a = ex->submit([&] { ++ran_a; return 1; });
  auto b = ex->submit([] { return 2; });
  auto c = ex->submit([] { return 3; });  // pushes `a` out
  EXPECT_EQ(ex->metrics().queue_depth, 2);
  EXPECT_EQ(ex->metrics().tasks_discarded, 1);
  ASSERT_TRUE(a.is_ready());
  try {
    a.get();
    FAIL() << "the discarded task's future did not report it";
  } catch (const CancelledError& e) {
    EXPECT_THAT(e.what(), HasSubstr("full queue"));
    EXPECT_THAT(e.what(), HasSubstr("discard_oldest"));
  }
  gate.go.Notify();
  EXPECT_EQ(b.get(), 2);
  EXPECT_EQ(c.get(), 3);
  blocker.get();
  ex->shutdown();
  EXPECT_EQ(ran_a.load(), 0);
  EXPECT_EQ(ex->metrics().tasks_completed, 3);
}

// A discarded task's captures are freed when it is discarded, not when its
// future is dropped or read (they used to stay resident: 1,000 x 100 KB
// with capacity 4).
TEST(BoundedQueueTest, DiscardOldestFreesTheDiscardedTasksCapturesAtOnce) {
  auto ex = bounded(1, RejectionPolicy::kDiscardOldest);
  Gate gate;
  auto blocker = ex->submit([&] { gate.hold(); });
  gate.started.WaitForNotification();
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  auto a = ex->submit([keep = std::move(alive)] { return *keep; });
  auto b = ex->submit([] { return 2; });  // pushes `a` out
  ASSERT_TRUE(a.is_ready());
  EXPECT_TRUE(watch.expired()) << "the discarded task's captures are still alive";
  EXPECT_THROW(a.get(), CancelledError);
  gate.go.Notify();
  EXPECT_EQ(b.get(), 2);
  blocker.get();
}

TEST(BoundedQueueTest, BlockTimeoutEndsInRejectedError) {
  auto ex = bounded(1, RejectionPolicy::kBlock, absl::Milliseconds(1));
  Gate gate;
  auto blocker = ex->submit([&] { gate.hold(); });
  gate.started.WaitForNotification();
  auto queued = ex->submit([] { return 1; });
  try {
    ex->submit([] { return 2; });
    FAIL() << "a full queue accepted a task";
  } catch (const RejectedError& e) {
    EXPECT_THAT(e.what(), HasSubstr("queue_capacity = 1"));
    EXPECT_THAT(e.what(), HasSubstr("block"));
  }
  EXPECT_EQ(ex->metrics().tasks_rejected, 1);
  gate.go.Notify();
  EXPECT_EQ(queued.get(), 1);
  blocker.get();
}

// WorkerPool level, to see the producer blocked (blocked_producers()).
struct PoolRig {
  ThreadCpuClock clock;
  std::unique_ptr<WorkerPool> pool;
  explicit PoolRig(int64_t capacity) {
    WorkerPoolOptions o;
    o.queue_capacity = capacity;
    o.rejection = RejectionPolicy::kBlock;
    pool = std::make_unique<WorkerPool>(clock, o);
    pool->resize(1);
  }
};

void wait_until_blocked(const WorkerPool& pool, int n) {
  while (pool.blocked_producers() < n) std::this_thread::yield();
}

TEST(BoundedQueueTest, BlockWaitsForRoomAndNeverExceedsTheCapacity) {
  PoolRig rig(1);
  Gate gate;
  std::atomic<int> ran{0};
  rig.pool->enqueue([&](TaskOutcome&) { gate.hold(); });
  gate.started.WaitForNotification();
  rig.pool->enqueue([&](TaskOutcome&) { ++ran; });  // fills the queue
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) rig.pool->enqueue([&](TaskOutcome&) { ++ran; });
  });
  wait_until_blocked(*rig.pool, 1);
  EXPECT_EQ(rig.pool->queue_depth(), 1);
  gate.go.Notify();
  producer.join();
  rig.pool->shutdown(true);
  EXPECT_EQ(ran.load(), 4);
  EXPECT_EQ(rig.pool->rejected_full(), 0);
}

TEST(BoundedQueueTest, ShutdownReleasesABlockedProducerWithRejectedError) {
  PoolRig rig(1);
  Gate gate;
  rig.pool->enqueue([&](TaskOutcome&) { gate.hold(); });
  gate.started.WaitForNotification();
  rig.pool->enqueue([](TaskOutcome&) {});
  std::atomic<bool> rejected{false};
  std::thread producer([&] {
    try {
      rig.pool->enqueue([](TaskOutcome&) {});
    } catch (const RejectedError&) {
      rejected = true;
    }
  });
  wait_until_blocked(*rig.pool, 1);
  rig.pool->shutdown(false);
  producer.join();
  EXPECT_TRUE(rejected.load());
  gate.go.Notify();
  rig.pool->shutdown(true);
  EXPECT_EQ(rig.pool->completed(), 2);
}

TEST(BoundedQueueTest, BlockFromAWorkerOfThePoolRunsInlineInsteadOfWaiting) {
  auto ex = bounded(1, RejectionPolicy::kBlock);
  Notification go;
  Executor* self = ex.get();
  auto outer = ex->submit([&] {
    go.WaitForNotification();
    // The queue is full (`filler`) and this is the only worker: waiting
    // for room would wait forever.
    auto nested = self->submit([] { return std::this_thread::get_id(); });
    return nested.get() == std::this_thread::get_id();
  });
  auto filler = ex->submit([] { return 7; });
  go.Notify();
  EXPECT_TRUE(outer.get());
  EXPECT_EQ(filler.get(), 7);
  EXPECT_EQ(ex->metrics().tasks_run_in_caller, 1);
}

TEST(BoundedQueueTest, InvalidSettingsAreBuildErrorsNamingTheField) {
  for (int64_t bad : {0, -5}) {
    auto built = ExecutorBuilder()
                     .no_sensor()
                     .manual_control()
                     .queue_capacity(bad, RejectionPolicy::kReject)
                     .build();
    ASSERT_FALSE(built.ok());
    EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(built.status().message()),
                HasSubstr("queue_capacity = " + std::to_string(bad)));
  }
  auto negative = ExecutorBuilder()
                      .no_sensor()
                      .manual_control()
                      .queue_capacity(4, RejectionPolicy::kBlock,
                                      absl::Seconds(-1))
                      .build();
  ASSERT_FALSE(negative.ok());
  EXPECT_THAT(std::string(negative.status().message()),
              HasSubstr("block_timeout = -1s"));

  ExecutorBuilder no_capacity;
  ASSERT_TRUE(no_capacity.apply_spec("rejection=reject").ok());
  auto built = no_capacity.no_sensor().manual_control().build();
  ASSERT_FALSE(built.ok());
  EXPECT_THAT(std::string(built.status().message()),
              HasSubstr("rejection = reject: needs a queue_capacity"));
}

TEST(BoundedQueueTest, SpecKeys) {
  ExecutorBuilder b;
  ASSERT_TRUE(b.apply_spec("sensor=none,queue_capacity=8,rejection="
                           "discard_oldest,block_timeout=0.5")
                  .ok());
  auto ex = b.manual_control().build().value();
  EXPECT_EQ(ex->metrics().queue_capacity, 8);
  EXPECT_EQ(ex->metrics().rejection, "discard_oldest");

  ExecutorBuilder c;
  const absl::Status bad = c.apply_spec("queue_capacity=8,rejection=drop");
  EXPECT_THAT(std::string(bad.message()), HasSubstr("rejection='drop'"));
  const absl::Status bad_n = c.apply_spec("queue_capacity=lots");
  EXPECT_THAT(std::string(bad_n.message()), HasSubstr("queue_capacity='lots'"));
  const absl::Status bad_t = c.apply_spec("block_timeout=nan");
  EXPECT_THAT(std::string(bad_t.message()), HasSubstr("block_timeout='nan'"));
  // "unbounded" undoes an earlier capacity (a key may appear once per spec).
  ASSERT_TRUE(c.apply_spec("queue_capacity=3").ok());
  ASSERT_TRUE(c.apply_spec("queue_capacity=unbounded,sensor=none").ok());
  EXPECT_EQ(c.manual_control().build().value()->metrics().queue_capacity, 0);
}

}  // namespace
}  // namespace betapool

// internal::TaskQueue: FIFO across segment boundaries, close semantics (a
// task is accepted and later taken or discarded, or rejected — never lost),
// concurrent producers and consumers (each task taken exactly once, each
// producer's tasks taken in its order), and cleanup of what is left.
#include "core/task_queue.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace betapool::internal {
namespace {

using Pop = TaskQueue::Pop;

// A task that writes `value` into *out when run.
PoolTask writer(int64_t* out, int64_t value) {
  return [out, value](TaskOutcome&) { *out = value; };
}

void run(PoolTask& task) {
  TaskOutcome outcome;
  task(outcome);
}

TEST(TaskQueueTest, SingleProducerOrderAcrossSegments) {
  TaskQueue q;
  const int n = 3 * static_cast<int>(TaskQueue::kSegmentSlots) + 7;
  int64_t seen = -1;
  for (int i = 0; i < n; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
  }
  EXPECT_EQ(q.pushed(), static_cast<uint64_t>(n));
  for (int i = 0; i < n; ++i) {
    PoolTask t;
    uint64_t position = 0;
    ASSERT_EQ(q.pop(&t, &position), Pop::kTask);
    EXPECT_EQ(position, static_cast<uint64_t>(i));
    run(t);
    EXPECT_EQ(seen, i);
  }
  PoolTask t;
  uint64_t position = 0;
  EXPECT_EQ(q.pop(&t, &position), Pop::kEmpty);
  EXPECT_EQ(q.popped(), static_cast<uint64_t>(n));
}

TEST(TaskQueueTest, MaybeNonemptyTracksTheQueue) {
  TaskQueue q;
  EXPECT_FALSE(q.maybe_nonempty());
  int64_t seen = 0;
  // Fill exactly one segment: the tail then points past its end.
  for (uint32_t i = 0; i < TaskQueue::kSegmentSlots; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
    EXPECT_TRUE(q.maybe_nonempty());
  }
  PoolTask t;
  uint64_t position = 0;
  for (uint32_t i = 0; i < TaskQueue::kSegmentSlots; ++i) {
    ASSERT_EQ(q.pop(&t, &position), Pop::kTask);
  }
  EXPECT_FALSE(q.maybe_nonempty());
  EXPECT_EQ(q.pop(&t, &position), Pop::kEmpty);
}

TEST(TaskQueueTest, CloseRejectsNewTasksAndDrainsAcceptedOnes) {
  TaskQueue q;
  int64_t seen = -1;
  for (int i = 0; i < 5; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
  }
  q.close();
  EXPECT_TRUE(q.closed());
  PoolTask rejected = writer(&seen, 99);
  EXPECT_FALSE(q.push(rejected));
  ASSERT_TRUE(static_cast<bool>(rejected)) << "a rejected task is left intact";
  run(rejected);
  EXPECT_EQ(seen, 99);
  EXPECT_EQ(q.pushed(), 5u);
  PoolTask t;
  uint64_t position = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(q.pop(&t, &position), Pop::kTask);
    run(t);
    EXPECT_EQ(seen, i);
  }
  EXPECT_EQ(q.pop(&t, &position), Pop::kClosed);
  EXPECT_EQ(q.pop(&t, &position), Pop::kClosed);
}

TEST(TaskQueueTest, CloseAtASegmentBoundary) {
  TaskQueue q;
  int64_t seen = 0;
  for (uint32_t i = 0; i < TaskQueue::kSegmentSlots; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
  }
  q.close();
  PoolTask extra = writer(&seen, 0);
  EXPECT_FALSE(q.push(extra));
  PoolTask t;
  uint64_t position = 0;
  for (uint32_t i = 0; i < TaskQueue::kSegmentSlots; ++i) {
    ASSERT_EQ(q.pop(&t, &position), Pop::kTask);
  }
  EXPECT_EQ(q.pop(&t, &position), Pop::kClosed);
}

TEST(TaskQueueTest, DiscardAllTakesEverythingLeftInOrder) {
  TaskQueue q;
  int64_t seen = -1;
  for (int i = 0; i < 600; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
  }
  PoolTask t;
  uint64_t position = 0;
  ASSERT_EQ(q.pop(&t, &position), Pop::kTask);  // one taken normally
  q.close();
  std::vector<PoolTask> rest = q.discard_all();
  ASSERT_EQ(rest.size(), 599u);
  for (int i = 0; i < 599; ++i) {
    run(rest[i]);
    EXPECT_EQ(seen, i + 1);
  }
  EXPECT_EQ(q.pop(&t, &position), Pop::kClosed);
  EXPECT_EQ(q.popped(), 600u);
}

TEST(TaskQueueTest, DrainedSegmentsAreReusedAndTrimmedByHalves) {
  TaskQueue q;
  int64_t seen = 0;
  const int n = 11 * static_cast<int>(TaskQueue::kSegmentSlots);
  for (int i = 0; i < n; ++i) {
    PoolTask t = writer(&seen, i);
    ASSERT_TRUE(q.push(t));
  }
  PoolTask t;
  uint64_t position = 0;
  while (q.pop(&t, &position) == Pop::kTask) {
  }
  // Ten segments were drained and left behind; the eleventh is the head.
  EXPECT_EQ(q.spare_segments(), 10u);
  q.trim_spares();
  EXPECT_EQ(q.spare_segments(), 5u);
  q.trim_spares();
  EXPECT_EQ(q.spare_segments(), 4u);
  q.trim_spares();
  EXPECT_EQ(q.spare_segments(), 4u);
  // The head segment is full: the next push links a segment taken from the
  // spares, which the following pushes fill exactly.
  for (uint32_t i = 0; i < TaskQueue::kSegmentSlots; ++i) {
    PoolTask u = writer(&seen, i);
    ASSERT_TRUE(q.push(u));
  }
  EXPECT_EQ(q.spare_segments(), 3u);
}

TEST(TaskQueueTest, DestructorDestroysQueuedTasks) {
  auto token = std::make_shared<int>(1);
  {
    TaskQueue q;
    for (int i = 0; i < 300; ++i) {
      PoolTask t = [token](TaskOutcome&) {};
      ASSERT_TRUE(q.push(t));
    }
    EXPECT_EQ(token.use_count(), 301);
  }
  EXPECT_EQ(token.use_count(), 1);
}

TEST(TaskQueueTest, ConcurrentProducersAndConsumersTakeEachTaskOnceInOrder) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 3;
  constexpr int kPerProducer = 20000;
  TaskQueue q;
  // Each task, when run, reports (producer, sequence) into the slot of the
  // position it was taken at.
  struct Seen {
    std::atomic<int> producer{-1};
    std::atomic<int> sequence{-1};
    std::atomic<int> runs{0};
  };
  std::vector<Seen> by_position(kProducers * kPerProducer);
  std::vector<std::thread> threads;
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&q, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        PoolTask t = [p, i](TaskOutcome& out) {
          out.error = std::to_string(p) + "," + std::to_string(i);
        };
        ASSERT_TRUE(q.push(t));
      }
    });
  }
  std::atomic<int> taken{0};
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] {
      PoolTask t;
      uint64_t position = 0;
      while (taken.load() < kProducers * kPerProducer) {
        if (q.pop(&t, &position) != Pop::kTask) {
          std::this_thread::yield();
          continue;
        }
        TaskOutcome out;
        t(out);
        const auto comma = out.error.find(',');
        Seen& s = by_position[position];
        s.producer.store(std::stoi(out.error.substr(0, comma)));
        s.sequence.store(std::stoi(out.error.substr(comma + 1)));
        s.runs.fetch_add(1);
        taken.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<int> next(kProducers, 0);
  for (const Seen& s : by_position) {
    ASSERT_EQ(s.runs.load(), 1);
    const int p = s.producer.load();
    ASSERT_GE(p, 0);
    // Positions follow each producer's own order.
    ASSERT_EQ(s.sequence.load(), next[p]) << "producer " << p;
    ++next[p];
  }
  PoolTask t;
  uint64_t position = 0;
  EXPECT_EQ(q.pop(&t, &position), Pop::kEmpty);
}

TEST(TaskQueueTest, CloseRacingProducersLosesNothing) {
  for (int round = 0; round < 20; ++round) {
    TaskQueue q;
    std::atomic<int> accepted{0};
    std::atomic<int> ran{0};
    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p) {
      producers.emplace_back([&] {
        for (int i = 0; i < 3000; ++i) {
          PoolTask t = [&ran](TaskOutcome&) { ran.fetch_add(1); };
          if (q.push(t)) accepted.fetch_add(1);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(100 * round));
    q.close();
    for (auto& t : producers) t.join();
    PoolTask t;
    uint64_t position = 0;
    Pop r;
    while ((r = q.pop(&t, &position)) == Pop::kTask) run(t);
    EXPECT_EQ(r, Pop::kClosed);
    EXPECT_EQ(ran.load(), accepted.load());
    EXPECT_EQ(q.pushed(), static_cast<uint64_t>(accepted.load()));
  }
}

}  // namespace
}  // namespace betapool::internal

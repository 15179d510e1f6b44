#include "core/in_memory_sink.h"

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(InMemorySinkTest, KeepsTheNewestWithinItsBounds) {
  InMemorySink sink(/*experiment_log_limit=*/3, /*decision_history_limit=*/2);
  for (int i = 0; i < 5; ++i) {
    ExperimentLogEntry e;
    e.active_threads = i;
    sink.on_tick(e);
    DecisionRecord d;
    d.threads_after = i;
    sink.on_decision(d);
  }
  const auto log = sink.experiment_log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log.front().active_threads, 2);
  EXPECT_EQ(log.back().active_threads, 4);
  const auto decisions = sink.decisions();
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions.front().threads_after, 3);
  EXPECT_EQ(sink.dropped(), 2u + 3u);
}

}  // namespace
}  // namespace betapool

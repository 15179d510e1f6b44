// File: testing/metrics_sink_contract.h
//
// The MetricsSink contract (core/metrics_sink.h) as a typed GoogleTest suite
// that every sink — betapool's and yours — can run. A sink must:
//   - accept every hook with any record the executor can produce, edge
//     cases included (NaN and infinite fields, empty, huge, quoted,
//     multi-line and non-UTF-8 strings, extreme integers) without throwing:
//     the controller catches a throw only as a last resort, and the record
//     is then lost;
//   - accept hooks in any order: a decision or a flush before any tick, a
//     task after a flush, and being destroyed without a final flush;
//   - make flush() idempotent: a second flush with no record in between
//     changes nothing a reader can see;
//   - take many records between two flushes.
// What "a reader can see" is given by the maker's optional observe()
// (everything the sink last made has written, or renders); without it the
// suite can only check that nothing throws.
//
// Example (your test .cc; link betapool::testing and GTest::gtest_main):
//   #include "testing/metrics_sink_contract.h"
//   struct MakeMine {
//     std::unique_ptr<betapool::MetricsSink> make() {
//       out_.str("");
//       return std::make_unique<MySink>(&out_);
//     }
//     std::string observe() { return out_.str(); }  // optional
//     std::ostringstream out_;
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Mine, MetricsSinkContract,
//                                  ::testing::Types<MakeMine>);
//
// A maker is default-constructible; the suite makes one per test and one
// sink at a time from it.
#ifndef BETAPOOL_TESTING_METRICS_SINK_CONTRACT_H_
#define BETAPOOL_TESTING_METRICS_SINK_CONTRACT_H_

#include <concepts>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics_sink.h"
#include "core/scaling_decision.h"
#include "core/task_metrics.h"
#include "gtest/gtest.h"

namespace betapool::testing {

// Records at the edges of what the executor produces, plus one ordinary
// record each (first).
std::vector<TaskMetrics> edge_task_records();
std::vector<ExperimentLogEntry> edge_tick_records();
std::vector<DecisionRecord> edge_decision_records();

// Every edge record through every hook, a flush after each kind; fails at
// the first hook that throws, naming it and the record's index.
::testing::AssertionResult feed_edge_records(MetricsSink& sink);

// On a fresh sink: flush, flush again; then one record of each kind and
// four flushes. Fails if a flush throws or changes what `observe` returns
// (pass one that returns "" if the sink cannot be observed).
::testing::AssertionResult check_flush_idempotent(
    MetricsSink& sink, const std::function<std::string()>& observe);

// Runs `call`, failing with `what` if it throws.
template <class Call>
::testing::AssertionResult without_throwing(const std::string& what, Call call) {
  try {
    call();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << what << " threw: " << e.what();
  } catch (...) {
    return ::testing::AssertionFailure() << what << " threw";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace betapool::testing

template <class Maker>
class MetricsSinkContract : public ::testing::Test {
 protected:
  static constexpr bool kCanObserve = requires(Maker& m) {
    { m.observe() } -> std::convertible_to<std::string>;
  };

  // What a reader of the last sink made can see; empty if not observable.
  std::string observe() {
    if constexpr (kCanObserve) {
      return maker_.observe();
    } else {
      return {};
    }
  }

  Maker maker_;
};

TYPED_TEST_SUITE_P(MetricsSinkContract);

TYPED_TEST_P(MetricsSinkContract, EveryHookAcceptsEdgeRecords) {
  std::unique_ptr<betapool::MetricsSink> sink = this->maker_.make();
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(betapool::testing::feed_edge_records(*sink));
}

TYPED_TEST_P(MetricsSinkContract, HooksInAnyOrder) {
  using betapool::testing::without_throwing;
  std::unique_ptr<betapool::MetricsSink> sink = this->maker_.make();
  ASSERT_NE(sink, nullptr);
  const betapool::DecisionRecord decision = betapool::testing::edge_decision_records()[0];
  const betapool::ExperimentLogEntry tick = betapool::testing::edge_tick_records()[0];
  const betapool::TaskMetrics task = betapool::testing::edge_task_records()[0];
  EXPECT_TRUE(without_throwing("flush() before any record", [&] { sink->flush(); }));
  EXPECT_TRUE(without_throwing("on_decision() before any tick",
                               [&] { sink->on_decision(decision); }));
  EXPECT_TRUE(without_throwing("on_tick()", [&] { sink->on_tick(tick); }));
  EXPECT_TRUE(without_throwing("flush()", [&] { sink->flush(); }));
  EXPECT_TRUE(without_throwing("on_task() after a flush", [&] { sink->on_task(task); }));
  EXPECT_TRUE(without_throwing("on_decision() twice in a row",
                               [&] { sink->on_decision(decision); }));
  // Destroyed with records since the last flush.
  EXPECT_TRUE(without_throwing("the destructor", [&] { sink.reset(); }));
}

TYPED_TEST_P(MetricsSinkContract, FlushIsIdempotent) {
  std::unique_ptr<betapool::MetricsSink> sink = this->maker_.make();
  ASSERT_NE(sink, nullptr);
  EXPECT_TRUE(betapool::testing::check_flush_idempotent(*sink, [this] { return this->observe(); }));
}

TYPED_TEST_P(MetricsSinkContract, ManyRecordsBetweenFlushes) {
  std::unique_ptr<betapool::MetricsSink> sink = this->maker_.make();
  ASSERT_NE(sink, nullptr);
  betapool::TaskMetrics task = betapool::testing::edge_task_records()[0];
  betapool::ExperimentLogEntry tick = betapool::testing::edge_tick_records()[0];
  betapool::DecisionRecord decision = betapool::testing::edge_decision_records()[0];
  EXPECT_TRUE(betapool::testing::without_throwing("20000 records, then flush()", [&] {
    for (int i = 0; i < 20000; ++i) {
      task.task_id = static_cast<uint64_t>(i);
      task.timestamp = i * 1e-3;
      sink->on_task(task);
      if (i % 100 == 0) {
        tick.timestamp = decision.timestamp = i * 1e-3;
        sink->on_tick(tick);
        sink->on_decision(decision);
      }
    }
    sink->flush();
  }));
}

REGISTER_TYPED_TEST_SUITE_P(MetricsSinkContract, EveryHookAcceptsEdgeRecords,
                            HooksInAnyOrder, FlushIsIdempotent,
                            ManyRecordsBetweenFlushes);

#endif  // BETAPOOL_TESTING_METRICS_SINK_CONTRACT_H_

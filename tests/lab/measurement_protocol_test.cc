// The paired protocol, on fake pools and fake machine counters: the
// interleaving order, the pairing, the median/range arithmetic and the
// "range too wide" verdict. No threads, no clock.
#include "lab/measurement_protocol.h"

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

using ::testing::ElementsAre;

ProtocolWindow ref(int threads, int block) {
  return {WindowKind::kReference, threads, -1, block};
}
ProtocolWindow run(int variant, int round) {
  return {WindowKind::kAdaptive, 0, variant, round};
}

TEST(MeasurementProtocolTest, ReferenceSizesAreTheBestAndItsNeighbours) {
  EXPECT_THAT(reference_sizes(16, 4096), ElementsAre(8, 16, 32));
  EXPECT_THAT(reference_sizes(1, 4096), ElementsAre(1, 2));
  EXPECT_THAT(reference_sizes(3, 4096), ElementsAre(1, 3, 6));
  EXPECT_THAT(reference_sizes(4096, 4096), ElementsAre(2048, 4096));
}

TEST(MeasurementProtocolTest, OnePolicyAlternatesBlocksAndRuns) {
  const std::vector<ProtocolWindow> s = interleaved_schedule({8, 16, 32}, 1, 2);
  EXPECT_THAT(s, ElementsAre(ref(8, 0), ref(16, 0), ref(32, 0),  // B
                             run(0, 1),                          // A
                             ref(32, 1), ref(16, 1), ref(8, 1),  // B, reversed
                             run(0, 2),                          // A
                             ref(8, 2), ref(16, 2), ref(32, 2)));
}

TEST(MeasurementProtocolTest, SeveralPoliciesTakeTurnsWithinARound) {
  const std::vector<ProtocolWindow> s = interleaved_schedule({4}, 2, 2);
  EXPECT_THAT(s, ElementsAre(ref(4, 0), run(0, 1), ref(4, 1), run(1, 1), ref(4, 2),
                             run(0, 2), ref(4, 3), run(1, 2), ref(4, 4)));
  EXPECT_TRUE(interleaved_schedule({4}, 1, 0).empty());
  EXPECT_TRUE(interleaved_schedule({4}, 0, 3).empty());
}

// A fake machine: every window advances the counters by one second of
// wall time on 2 CPUs, with fixed shares, so the conditions are known.
struct FakeMachine {
  MachineSample now;
  double load = 1.0;
  MachineSample sample() {
    MachineSample s = now;
    s.load_average = load;
    return s;
  }
  void advance(double busy_s, double steal_s, double process_s) {
    now.total_s += 2.0;
    now.busy_s += busy_s;
    now.steal_s += steal_s;
    now.process_cpu_s += process_s;
    load += 1.0;
  }
};

// Runs `schedule` on fake pools: a reference window of n threads returns
// static_tps[{n, block}], an adaptive one adaptive_tps[round].
std::vector<WindowResult> run_fake(const std::vector<ProtocolWindow>& schedule,
                                   const std::map<std::pair<int, int>, double>& static_tps,
                                   const std::map<int, double>& adaptive_tps,
                                   FakeMachine& machine, std::vector<int>* order = nullptr) {
  const RunWindow window = [&](const ProtocolWindow& w, int index,
                               int count) -> absl::StatusOr<double> {
    EXPECT_EQ(count, static_cast<int>(schedule.size()));
    if (order != nullptr) order->push_back(index);
    machine.advance(/*busy_s=*/1.5, /*steal_s=*/0.1, /*process_s=*/0.8);
    return w.kind == WindowKind::kAdaptive ? adaptive_tps.at(w.round)
                                           : static_tps.at({w.threads, w.round});
  };
  absl::StatusOr<std::vector<WindowResult>> log =
      run_schedule(schedule, window, [&] { return machine.sample(); });
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? *log : std::vector<WindowResult>{};
}

TEST(MeasurementProtocolTest, RunScheduleRunsInOrderAndSamplesBetweenWindows) {
  FakeMachine machine;
  std::vector<int> order;
  const std::vector<WindowResult> log =
      run_fake(interleaved_schedule({2}, 1, 1), {{{2, 0}, 10}, {{2, 1}, 20}}, {{1, 15}},
               machine, &order);
  EXPECT_THAT(order, ElementsAre(0, 1, 2));
  ASSERT_EQ(log.size(), 3u);
  EXPECT_DOUBLE_EQ(log[0].before.total_s, 0.0);
  EXPECT_DOUBLE_EQ(log[0].after.total_s, 2.0);
  EXPECT_DOUBLE_EQ(log[1].before.total_s, 2.0);  // one sample between windows
  EXPECT_DOUBLE_EQ(log[2].after.total_s, 6.0);
  EXPECT_DOUBLE_EQ(log[1].throughput, 15.0);
}

TEST(MeasurementProtocolTest, RunScheduleStopsAtTheFirstError) {
  FakeMachine machine;
  int calls = 0;
  const RunWindow window = [&](const ProtocolWindow& w, int,
                               int) -> absl::StatusOr<double> {
    ++calls;
    if (w.kind == WindowKind::kAdaptive) return absl::InternalError("pool refused");
    return 1.0;
  };
  absl::StatusOr<std::vector<WindowResult>> log = run_schedule(
      interleaved_schedule({2}, 1, 2), window, [&] { return machine.sample(); });
  EXPECT_EQ(log.status().message(), "pool refused");
  EXPECT_EQ(calls, 2);
}

TEST(MeasurementProtocolTest, EachRunIsScoredAgainstTheBestSizeOfItsAdjacentBlocks) {
  FakeMachine machine;
  // Block 0: 8 is best; block 1: 32 is best; block 2: 16. Round 1 sees
  // blocks 0 and 1: means 8 -> (100+60)/2 = 80, 16 -> (90+80)/2 = 85,
  // 32 -> (50+110)/2 = 80: the reference is 16 threads at 85. Round 2 sees
  // blocks 1 and 2: 8 -> 65, 16 -> 90, 32 -> 105: 32 threads at 105.
  const std::map<std::pair<int, int>, double> tps = {
      {{8, 0}, 100}, {{16, 0}, 90}, {{32, 0}, 50},
      {{8, 1}, 60},  {{16, 1}, 80}, {{32, 1}, 110},
      {{8, 2}, 70},  {{16, 2}, 100}, {{32, 2}, 100}};
  const std::vector<WindowResult> log =
      run_fake(interleaved_schedule({8, 16, 32}, 1, 2), tps, {{1, 85}, {2, 84}}, machine);
  const std::vector<PairedRun> pairs = pair_runs(log);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].round, 1);
  EXPECT_EQ(pairs[0].reference_threads, 16);
  EXPECT_DOUBLE_EQ(pairs[0].reference_throughput, 85.0);
  EXPECT_DOUBLE_EQ(pairs[0].percent, 100.0);
  EXPECT_EQ(pairs[1].round, 2);
  EXPECT_EQ(pairs[1].reference_threads, 32);
  EXPECT_DOUBLE_EQ(pairs[1].reference_throughput, 105.0);
  EXPECT_DOUBLE_EQ(pairs[1].percent, 80.0);
  // The pair's span is its seven windows (3 + 1 + 3): 14 CPU-seconds, of
  // which 0.7 stolen and 10.5 - 0.7 - 5.6 = 4.2 used by other processes.
  EXPECT_DOUBLE_EQ(pairs[0].conditions.steal_percent, 5.0);
  EXPECT_DOUBLE_EQ(pairs[0].conditions.other_cpu_percent, 30.0);
  EXPECT_DOUBLE_EQ(pairs[0].conditions.load_average, 8.0);   // after window 7
  EXPECT_DOUBLE_EQ(pairs[1].conditions.load_average, 12.0);  // after window 11
}

TEST(MeasurementProtocolTest, PairingStopsAtTheNeighbouringRunAndBreaksTiesLow) {
  FakeMachine machine;
  // Two policies share the middle blocks; each run sees only its own two.
  const std::vector<WindowResult> log = run_fake(
      interleaved_schedule({4, 8}, 2, 1),
      {{{4, 0}, 50}, {{8, 0}, 50}, {{4, 1}, 50}, {{8, 1}, 50}, {{4, 2}, 10}, {{8, 2}, 90}},
      {{1, 25}}, machine);
  const std::vector<PairedRun> pairs = pair_runs(log);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].variant, 0);
  EXPECT_EQ(pairs[0].reference_threads, 4);  // 50 = 50: the smaller size
  EXPECT_DOUBLE_EQ(pairs[0].percent, 50.0);
  EXPECT_EQ(pairs[1].variant, 1);
  EXPECT_EQ(pairs[1].reference_threads, 8);  // (50 + 90) / 2 = 70 > 30
  EXPECT_DOUBLE_EQ(pairs[1].reference_throughput, 70.0);
}

TEST(MeasurementProtocolTest, MedianAndRange) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({NAN, 5, 1}), 3.0);
  EXPECT_TRUE(std::isnan(median({})));
  const PercentSummary s = summarize_percentages({92.0, 97.5, 95.0, NAN});
  EXPECT_EQ(s.runs, 3);
  EXPECT_DOUBLE_EQ(s.median, 95.0);
  EXPECT_DOUBLE_EQ(s.min, 92.0);
  EXPECT_DOUBLE_EQ(s.max, 97.5);
  EXPECT_DOUBLE_EQ(s.range(), 5.5);
}

TEST(MeasurementProtocolTest, AWideRangeIsNeverAWinOrALoss) {
  EXPECT_EQ(summarize_percentages({80, 90.5, 85}).verdict, Verdict::kTooWide);
  EXPECT_EQ(summarize_percentages({105, 120, 111}).verdict, Verdict::kTooWide);
  EXPECT_EQ(verdict_text(Verdict::kTooWide), "range too wide to conclude");
  // Exactly kMaxConclusiveRange points still concludes.
  EXPECT_EQ(summarize_percentages({80, 90, 85}).verdict, Verdict::kSlower);
}

TEST(MeasurementProtocolTest, ANarrowRangeIsAWinALossOrEven) {
  EXPECT_EQ(summarize_percentages({101, 104, 102}).verdict, Verdict::kFaster);
  EXPECT_EQ(summarize_percentages({90, 94, 99}).verdict, Verdict::kSlower);
  EXPECT_EQ(summarize_percentages({91, 96, 99}).verdict, Verdict::kSlowerWithinGoal);
  // The goal's edge: a median of exactly kGoalPercent meets it.
  EXPECT_EQ(summarize_percentages({93, 95, 99}).verdict, Verdict::kSlowerWithinGoal);
  EXPECT_EQ(verdict_text(Verdict::kSlowerWithinGoal),
            "slower than the best static size, within 5 %");
  EXPECT_EQ(summarize_percentages({97, 103, 100}).verdict, Verdict::kEven);
  EXPECT_EQ(summarize_percentages({97, 100}).verdict, Verdict::kEven);
}

TEST(MeasurementProtocolTest, OneRunIsNoConclusion) {
  const PercentSummary s = summarize_percentages({150});
  EXPECT_EQ(s.verdict, Verdict::kTooFewRuns);
  EXPECT_DOUBLE_EQ(s.range(), 0.0);
  EXPECT_EQ(summarize_percentages({}).runs, 0);
  EXPECT_EQ(summarize_percentages({}).verdict, Verdict::kTooFewRuns);
}

}  // namespace
}  // namespace betapool

// The sweep's summaries: the best static size skips points that never
// reached a steady state.
#include "lab/lab_runner.h"

#include <vector>

#include "gtest/gtest.h"
#include "lab/lab_report.h"

namespace betapool {
namespace {

SweepPoint point(int threads, double throughput, bool steady = true) {
  SweepPoint p;
  p.threads = threads;
  p.throughput = throughput;
  p.steady = steady;
  return p;
}

TEST(LabRunnerTest, BestStaticIsTheFastestSteadyPoint) {
  const std::vector<SweepPoint> points = {point(8, 60), point(64, 64), point(1024, 80, false)};
  EXPECT_EQ(best_static(points).threads, 64);
  const CliffSummary cliff = summarize_cliff(points);
  EXPECT_EQ(cliff.peak_threads, 64);
  EXPECT_EQ(cliff.largest_threads, 1024);
  EXPECT_LT(cliff.drop_at_largest, 0.0);  // reported as measured, faster than the peak
}

TEST(LabRunnerTest, BestStaticFallsBackToAllPointsWhenNoneIsSteady) {
  const std::vector<SweepPoint> points = {point(512, 10, false), point(1024, 20, false)};
  EXPECT_EQ(best_static(points).threads, 1024);
}

TEST(LabRunnerTest, BestStaticPrefersFewerThreadsOnTies) {
  EXPECT_EQ(best_static({point(4, 50), point(8, 50)}).threads, 4);
}

TEST(LabRunnerTest, SummarizeSweepMarksAPointUnsteadyIfAnyRepetitionWas) {
  std::vector<SweepRow> rows(3);
  rows[0].threads = 4;
  rows[0].throughput = 10;
  rows[1].threads = 4;
  rows[1].throughput = 12;
  rows[1].steady = false;
  rows[2].threads = 8;
  rows[2].throughput = 11;
  const std::vector<SweepPoint> points = summarize_sweep(rows);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_FALSE(points[0].steady);
  EXPECT_DOUBLE_EQ(points[0].throughput, 11.0);  // median of 10 and 12
  EXPECT_TRUE(points[1].steady);
}

}  // namespace
}  // namespace betapool

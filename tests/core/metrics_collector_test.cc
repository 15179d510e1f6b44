#include "core/metrics_collector.h"

#include <cmath>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TaskMetrics task(double timestamp, double wall, double cpu, bool ok = true) {
  TaskMetrics m;
  m.timestamp = timestamp;
  m.wall_time = wall;
  m.cpu_time = cpu;
  m.blocking_ratio = blocking_ratio(wall, cpu);
  m.success = ok;
  return m;
}

TEST(BlockingRatioTest, SeedConventions) {
  EXPECT_DOUBLE_EQ(blocking_ratio(1.0, 0.25), 0.75);
  EXPECT_DOUBLE_EQ(blocking_ratio(0.0, 0.0), 0.0);   // no wall time
  EXPECT_DOUBLE_EQ(blocking_ratio(1.0, 2.0), 0.0);   // clamped
  EXPECT_DOUBLE_EQ(blocking_ratio(1.0, -1.0), 1.0);  // clamped
}

TEST(MetricsCollectorTest, WindowHoldsTheLastWindowSizeTasks) {
  MetricsCollector c(/*window_size=*/10, /*max_history=*/100);
  for (int i = 0; i < 30; ++i) c.record(task(1.0 + i * 0.01, 1.0, i < 20 ? 1.0 : 0.0));
  const AggregatedMetrics a = c.aggregated(1.5);
  EXPECT_EQ(a.task_count, 10);
  EXPECT_DOUBLE_EQ(a.avg_blocking_ratio, 1.0);  // only the last 10 (beta 1)
  EXPECT_EQ(c.total_tasks(), 30);
  EXPECT_EQ(c.export_to_list().size(), 30u);
}

TEST(MetricsCollectorTest, OldTasksLeaveTheWindow) {
  MetricsCollector c(100, 1000, absl::Seconds(2));
  for (int i = 0; i < 50; ++i) c.record(task(10.0, 1.0, 0.1));
  EXPECT_EQ(c.aggregated(11.0).task_count, 50);
  EXPECT_EQ(c.aggregated(12.5).task_count, 0);  // idle: no evidence
  EXPECT_EQ(c.aggregated(12.5).avg_blocking_ratio, 0.0);
}

TEST(MetricsCollectorTest, MeanStdAndPercentiles) {
  MetricsCollector c;
  // betas 0.0, 0.5, 1.0 (wall 2, cpu 2/1/0); latencies 2.
  c.record(task(1.0, 2.0, 2.0));
  c.record(task(1.1, 2.0, 1.0));
  c.record(task(1.2, 2.0, 0.0));
  const AggregatedMetrics a = c.aggregated(1.5);
  EXPECT_DOUBLE_EQ(a.avg_blocking_ratio, 0.5);
  EXPECT_DOUBLE_EQ(a.std_blocking_ratio, 0.5);  // sample std of {0, .5, 1}
  EXPECT_DOUBLE_EQ(a.avg_wall_time, 2.0);
  EXPECT_DOUBLE_EQ(a.avg_cpu_time, 1.0);
  EXPECT_DOUBLE_EQ(c.recent_blocking_ratio(1.5), 0.5);
  EXPECT_DOUBLE_EQ(c.blocking_ratio_std(1.5), 0.5);
}

TEST(MetricsCollectorTest, PercentilesInterpolateLikeTheSeed) {
  MetricsCollector c;
  for (int i = 1; i <= 100; ++i) c.record(task(5.0, i * 0.001, 0.0));
  const LatencyPercentiles p = c.latency_percentiles(5.0);
  EXPECT_NEAR(p.p50, 0.0505, 1e-12);   // k = 49.5
  EXPECT_NEAR(p.p95, 0.09505, 1e-12);  // k = 94.05
  EXPECT_NEAR(p.p99, 0.09901, 1e-12);  // k = 98.01
  EXPECT_EQ(percentile_of_sorted({}, 50), 0.0);
}

TEST(MetricsCollectorTest, ErrorsAreCounted) {
  MetricsCollector c;
  c.record(task(1.0, 1.0, 1.0, false));
  c.record(task(1.0, 1.0, 1.0, true));
  EXPECT_EQ(c.aggregated(1.0).error_count, 1);
}

TEST(MetricsCollectorTest, ThroughputCountsUnrecordedCompletions) {
  MetricsCollector c(100, 1000, absl::Seconds(2));
  c.record(task(0.0, 0.001, 0.001));
  // 1000 completions per second for 4 s, most of them without a record.
  for (int i = 1; i <= 40; ++i) c.count_completions(100, i * 0.1);
  EXPECT_NEAR(c.throughput(4.0), 1000.0, 1.0);
  EXPECT_EQ(c.total_tasks(), 4001);
  EXPECT_EQ(c.throughput(0.05), 0.0);  // span under 0.1 s
}

TEST(MetricsCollectorTest, ResetClearsEverything) {
  MetricsCollector c;
  c.record(task(1.0, 1.0, 0.5));
  c.reset();
  EXPECT_EQ(c.total_tasks(), 0);
  EXPECT_EQ(c.aggregated(1.0).task_count, 0);
  EXPECT_TRUE(c.export_to_list().empty());
}

TEST(MetricsCollectorTest, HistoryIsBounded) {
  MetricsCollector c(10, 50);
  for (int i = 0; i < 500; ++i) c.record(task(i * 0.001, 1, 1));
  EXPECT_EQ(c.export_to_list().size(), 50u);
  EXPECT_EQ(c.total_tasks(), 500);
}

}  // namespace
}  // namespace betapool

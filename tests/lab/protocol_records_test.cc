// The paired protocol's rows: built from a made-up comparison, and their
// CSV columns.
#include "lab/protocol_records.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/record_writer.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

LabConfig two_policies() {
  LabConfig c;
  c.workload = "mixed";
  c.rounds = 3;
  c.adaptive = {{"beta_veto", false}, {"bottleneck", false}};
  return c;
}

PairedRun pair(int variant, int round, double percent, double load) {
  PairedRun p;
  p.variant = variant;
  p.round = round;
  p.percent = percent;
  p.conditions = {load, 0.5, 40.0};
  return p;
}

TEST(ProtocolRecordsTest, ComparisonRowsSummarizeEachPolicysPairs) {
  Comparison cmp;
  cmp.reference_sizes = {8, 16, 32};
  cmp.pairs = {pair(0, 1, 90, 3), pair(1, 1, 80, 4), pair(0, 2, 95, 5),
               pair(1, 2, 101, 9), pair(0, 3, 93, 4), pair(1, 3, 85, 6)};
  const std::vector<ComparisonRow> rows = comparison_rows(two_policies(), cmp);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].policy, "beta_veto");
  EXPECT_EQ(rows[0].runs, 3);
  EXPECT_EQ(rows[0].reference_sizes, "8/16/32");
  EXPECT_DOUBLE_EQ(rows[0].median_percent_of_paired, 93.0);
  EXPECT_DOUBLE_EQ(rows[0].range_points, 5.0);
  EXPECT_TRUE(rows[0].conclusive);
  EXPECT_EQ(rows[0].verdict, "slower than the best static size by more than 5 %");
  EXPECT_DOUBLE_EQ(rows[0].median_load_average, 4.0);
  EXPECT_DOUBLE_EQ(rows[0].max_load_average, 5.0);
  EXPECT_DOUBLE_EQ(rows[0].median_other_cpu_percent, 40.0);
  EXPECT_EQ(rows[1].policy, "bottleneck");
  EXPECT_DOUBLE_EQ(rows[1].range_points, 21.0);
  EXPECT_FALSE(rows[1].conclusive);
  EXPECT_EQ(rows[1].verdict, "range too wide to conclude");
  EXPECT_DOUBLE_EQ(rows[1].max_load_average, 9.0);
  EXPECT_THAT(format_record(rows[1], RecordFormat::kCsv),
              HasSubstr(",false,range too wide to conclude,"));
}

TEST(ProtocolRecordsTest, WindowRowsListTheScheduleInOrder) {
  const LabConfig c = two_policies();
  Comparison cmp;
  cmp.per_variant.resize(2);
  cmp.per_variant[1].rows.resize(1);
  cmp.per_variant[1].rows[0].mean_threads_steady = 11.6;
  MachineSample a{0, 0, 0, 0, 1.0};
  MachineSample b{1.5, 0.2, 2.0, 0.5, 2.0};
  cmp.windows = {{{WindowKind::kReference, 16, -1, 0}, 100.0, a, b},
                 {{WindowKind::kAdaptive, 0, 1, 1}, 90.0, a, b}};
  const std::vector<ProtocolWindowRow> rows = protocol_window_rows(c, cmp);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[0].kind, "static");
  EXPECT_EQ(rows[0].policy, "");
  EXPECT_EQ(rows[0].threads, 16);
  EXPECT_DOUBLE_EQ(rows[0].steal_percent, 10.0);
  EXPECT_DOUBLE_EQ(rows[0].other_cpu_percent, 40.0);  // 1.5 - 0.2 - 0.5 of 2 s
  EXPECT_DOUBLE_EQ(rows[0].load_average, 2.0);
  EXPECT_EQ(rows[1].kind, "adaptive");
  EXPECT_EQ(rows[1].policy, "bottleneck");
  EXPECT_EQ(rows[1].round, 1);
  EXPECT_EQ(rows[1].threads, 12);
  EXPECT_EQ(csv_header<ProtocolWindowRow>(),
            "workload,position,kind,policy,round,threads,throughput,load_average,"
            "steal_percent,other_cpu_percent");
}

TEST(ProtocolRecordsTest, AdaptiveRowsCarryTheirPairing) {
  const std::string header = csv_header<AdaptiveRow>();
  EXPECT_THAT(header, HasSubstr("paired_static_threads,paired_static_throughput,"
                                "percent_of_paired_steady,pair_load_average,"
                                "pair_steal_percent,pair_other_cpu_percent"));
}

}  // namespace
}  // namespace betapool

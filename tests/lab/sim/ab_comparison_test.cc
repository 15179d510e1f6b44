#include "lab/sim/ab_comparison.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/scenarios.h"
#include "policies/beta_veto_policy.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

AbOptions short_options(double seconds) {
  AbOptions o;
  o.duration = absl::Seconds(seconds);
  return o;
}

TEST(AbComparisonTest, StaticPolicyAtTheOracleSizeScoresExactlyHundred) {
  const Scenario s = scenarios::mixed();
  const AbOptions o = short_options(20);
  const AbTable first =
      compare_policies(s, {AbCandidate::registered("beta_veto")}, o).value();
  const AbTable t =
      compare_policies(s, {AbCandidate::fixed(first.oracle_size)}, o).value();
  const AbRow& row = t.row("static " + std::to_string(first.oracle_size));
  EXPECT_EQ(t.oracle_size, first.oracle_size);
  EXPECT_DOUBLE_EQ(row.throughput_pct_of_oracle, 100.0);
  EXPECT_DOUBLE_EQ(row.time_to_90, 0.0);
  EXPECT_DOUBLE_EQ(row.p99_latency, t.oracle_p99_latency);
  EXPECT_NEAR(row.mean_workers, first.oracle_size, 1e-9);
  EXPECT_DOUBLE_EQ(row.oscillation_per_minute, 0.0);
  EXPECT_EQ(row.policy, "static");
}

TEST(AbComparisonTest, RowsFollowCandidatesAndAverageSeeds) {
  AbOptions o = short_options(10);
  o.seeds = {1, 2};
  const AbTable t =
      compare_policies(scenarios::io_bound(),
                       {AbCandidate::registered("beta_veto"),
                        AbCandidate::of<BetaVetoPolicy>("paper, again")},
                       o)
          .value();
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].label, "beta_veto");
  EXPECT_EQ(t.rows[1].label, "paper, again");
  EXPECT_EQ(t.rows[1].policy, "beta_veto");
  ASSERT_EQ(t.rows[0].runs.size(), 2u);
  EXPECT_DOUBLE_EQ(t.rows[0].throughput,
                   (t.rows[0].runs[0].throughput + t.rows[0].runs[1].throughput) / 2);
  // The same policy from the registry and by type: the same numbers.
  EXPECT_DOUBLE_EQ(t.rows[0].throughput, t.rows[1].throughput);
  EXPECT_EQ(t.find("nope"), nullptr);
  EXPECT_THROW(t.row("nope"), std::out_of_range);
}

TEST(AbComparisonTest, PrintsAMarkdownTable) {
  const AbTable t = compare_policies(scenarios::cpu_bound(),
                                     {AbCandidate::registered("beta_veto")},
                                     short_options(10))
                        .value();
  const std::string md = t.to_markdown();
  EXPECT_THAT(md, HasSubstr("scenario cpu_bound: oracle = static 4 threads"));
  EXPECT_THAT(md, HasSubstr("| policy | tasks/s | % of oracle |"));
  EXPECT_THAT(md, HasSubstr("| beta_veto | "));
}

TEST(AbComparisonTest, ReportsBadCandidates) {
  const Scenario s = scenarios::cpu_bound();
  const AbOptions o = short_options(5);
  EXPECT_THAT(std::string(compare_policies(s, {}, o).status().message()),
              HasSubstr("candidates must not be empty"));
  EXPECT_THAT(std::string(compare_policies(s,
                                           {AbCandidate::registered("static"),
                                            AbCandidate::registered("static")},
                                           o)
                              .status()
                              .message()),
              HasSubstr("duplicate candidate label 'static'"));
  const absl::Status unknown =
      compare_policies(s, {AbCandidate::registered("nope")}, o).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("nope"));
  AbCandidate null_factory{"null", [](const ComponentContext&) {
                             return std::unique_ptr<ScalingPolicy>();
                           }};
  EXPECT_EQ(compare_policies(s, {null_factory}, o).status().code(),
            absl::StatusCode::kInternal);
}

SimResult ticks_of(std::vector<int64_t> completed) {
  SimResult r;
  for (std::size_t i = 0; i < completed.size(); ++i) {
    DecisionRecord t;
    t.timestamp = 0.5 * (i + 1);
    t.interval_completed = completed[i];
    r.ticks.push_back(t);
  }
  return r;
}

TEST(AbComparisonTest, TimeToFractionUsesLeadingWindows) {
  const SimResult oracle = ticks_of({100, 100, 100, 100, 100, 100});
  // Window of 2 intervals (1 s): [10, 50] = 30 %, [50, 95] = 72.5 %,
  // [95, 95] = 95 % from the interval starting at 1.0 s.
  const SimResult run = ticks_of({10, 50, 95, 95, 95, 95});
  EXPECT_DOUBLE_EQ(time_to_fraction(run, oracle, 0.9, absl::Seconds(1)), 1.0);
  EXPECT_DOUBLE_EQ(time_to_fraction(oracle, oracle, 0.9, absl::Seconds(1)), 0.0);
  EXPECT_TRUE(std::isinf(
      time_to_fraction(ticks_of({1, 1, 1}), oracle, 0.9, absl::Seconds(1))));
}

}  // namespace
}  // namespace betapool

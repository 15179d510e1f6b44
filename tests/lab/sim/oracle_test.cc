#include "lab/sim/oracle.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/scenarios.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

SimOptions short_run(double seconds) {
  SimOptions o;
  o.duration = absl::Seconds(seconds);
  return o;
}

TEST(OracleTest, NativeCpuWorkPeaksAtTheCoreCount) {
  Scenario s = scenarios::cpu_bound();
  s.min_workers = 1;
  s.max_workers = 16;
  const OracleResult o = find_oracle(s, short_run(30), {1}).value();
  EXPECT_EQ(o.best_size, 4);
  EXPECT_NEAR(o.throughput, 400, 4);
  // The automatic sweep tried the grid and the neighbours of its best point.
  ASSERT_FALSE(o.sweep.empty());
  EXPECT_EQ(o.sweep.front().size, 1);
  EXPECT_EQ(o.sweep.back().size, 16);
  EXPECT_EQ(o.best_runs.size(), 1u);
}

TEST(OracleTest, TheOracleIsAtLeastAsGoodAsEverySizeTried) {
  const OracleResult o = find_oracle(scenarios::mixed(), short_run(20), {1, 2}).value();
  for (const OraclePoint& p : o.sweep) {
    EXPECT_LE(p.throughput, o.throughput * 1.005) << p.size;
  }
  EXPECT_EQ(o.best_runs.size(), 2u);
}

TEST(OracleTest, ExplicitSizesAreTheOnlyOnesTried) {
  OracleOptions opt;
  opt.sizes = {4, 8, 16};
  const OracleResult o =
      find_oracle(scenarios::io_bound(), short_run(20), {1}, opt).value();
  ASSERT_EQ(o.sweep.size(), 3u);
  EXPECT_EQ(o.best_size, 16);  // I/O-bound: more threads, more throughput
}

TEST(OracleTest, TiesGoToTheLowerLatency) {
  // Open loop at 100 tasks/s: every size from 16 up completes all of them;
  // larger pools queue less.
  Scenario s = scenarios::io_bound();
  s.arrivals = ArrivalSpec::poisson(100);
  OracleOptions opt;
  opt.sizes = {4, 16, 32, 64};
  opt.tie_tolerance = 0.02;
  const OracleResult o = find_oracle(s, short_run(60), {1}, opt).value();
  EXPECT_GE(o.best_size, 16);
  for (const OraclePoint& p : o.sweep) {
    if (p.throughput >= o.throughput * 0.98) {
      EXPECT_GE(p.p99_latency, o.p99_latency) << p.size;
    }
  }
}

TEST(OracleTest, RejectsBadInput) {
  EXPECT_THAT(std::string(
                  find_oracle(scenarios::io_bound(), {}, {}).status().message()),
              HasSubstr("seeds must not be empty"));
  OracleOptions opt;
  opt.sizes = {2};
  EXPECT_THAT(std::string(find_oracle(scenarios::io_bound(), {}, {1}, opt)
                              .status()
                              .message()),
              HasSubstr("oracle size must be within [4, 64], got 2"));
}

}  // namespace
}  // namespace betapool

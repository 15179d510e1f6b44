#include "lab/burst_arrival_generator.h"

#include <cmath>

#include "gtest/gtest.h"

namespace betapool {
namespace {

BurstArrivalOptions options(double burst, double quiet, double burst_s, double quiet_s) {
  BurstArrivalOptions o;
  o.burst_rate = burst;
  o.quiet_rate = quiet;
  o.burst_duration = absl::Seconds(burst_s);
  o.quiet_duration = absl::Seconds(quiet_s);
  return o;
}

TEST(BurstArrivalGeneratorTest, RejectsBadOptions) {
  EXPECT_FALSE(BurstArrivalGenerator::create(options(-1, 10, 5, 10), 1).ok());
  EXPECT_FALSE(BurstArrivalGenerator::create(options(100, NAN, 5, 10), 1).ok());
  EXPECT_FALSE(BurstArrivalGenerator::create(options(0, 0, 5, 10), 1).ok());
  EXPECT_FALSE(BurstArrivalGenerator::create(options(100, 10, 0, 10), 1).ok());
  EXPECT_FALSE(BurstArrivalGenerator::create(options(100, 10, 5, -1), 1).ok());
  const absl::Status s = BurstArrivalGenerator::create(options(100, 10, 0, 10), 1).status();
  EXPECT_NE(s.message().find("burst_duration"), absl::string_view::npos) << s;
  EXPECT_TRUE(BurstArrivalGenerator::create(options(100, 0, 5, 10), 1).ok());
}

TEST(BurstArrivalGeneratorTest, PhasesAlternateStartingWithABurst) {
  auto gen = BurstArrivalGenerator::create(options(100, 10, 5, 10), 1).value();
  EXPECT_TRUE(gen.is_burst_phase(absl::ZeroDuration()));
  EXPECT_TRUE(gen.is_burst_phase(absl::Seconds(5) - absl::Nanoseconds(1)));
  EXPECT_FALSE(gen.is_burst_phase(absl::Seconds(5)));
  EXPECT_FALSE(gen.is_burst_phase(absl::Seconds(15) - absl::Nanoseconds(1)));
  EXPECT_TRUE(gen.is_burst_phase(absl::Seconds(15)));
  EXPECT_EQ(gen.rate_at(absl::Seconds(16)), 100.0);
  EXPECT_EQ(gen.rate_at(absl::Seconds(21)), 10.0);
}

// Arrivals form a Poisson process with the phase's rate: the count over all
// burst time is Poisson with mean burst_rate x total burst time (likewise
// for quiet time), so each count is checked to 5 standard deviations
// (sqrt of its mean). 300 cycles of 1 s at 200/s and 2 s at 20/s give means
// 60000 (sd 245) and 12000 (sd 110).
TEST(BurstArrivalGeneratorTest, CountsPerPhaseMatchTheRates) {
  auto gen = BurstArrivalGenerator::create(options(200, 20, 1, 2), 7).value();
  constexpr int kCycles = 300;
  const absl::Duration end = absl::Seconds(3 * kCycles);
  int64_t burst = 0, quiet = 0;
  absl::Duration t = absl::ZeroDuration();
  while (true) {
    t += gen.next_interarrival();
    if (t >= end) break;
    (gen.is_burst_phase(t) ? burst : quiet) += 1;
  }
  const double burst_mean = 200.0 * kCycles;
  const double quiet_mean = 20.0 * 2 * kCycles;
  EXPECT_NEAR(burst, burst_mean, 5 * std::sqrt(burst_mean));
  EXPECT_NEAR(quiet, quiet_mean, 5 * std::sqrt(quiet_mean));
}

TEST(BurstArrivalGeneratorTest, ZeroQuietRateMeansNoQuietArrivals) {
  auto gen = BurstArrivalGenerator::create(options(50, 0, 0.5, 1.5), 3).value();
  absl::Duration t = absl::ZeroDuration();
  int arrivals = 0;
  while (t < absl::Seconds(100)) {
    t += gen.next_interarrival();
    EXPECT_TRUE(gen.is_burst_phase(t)) << t;
    ++arrivals;
  }
  EXPECT_GT(arrivals, 0);
}

TEST(BurstArrivalGeneratorTest, SameSeedSameArrivals) {
  auto a = BurstArrivalGenerator::create(options(100, 10, 1, 1), 9).value();
  auto b = BurstArrivalGenerator::create(options(100, 10, 1, 1), 9).value();
  for (int i = 0; i < 200; ++i) EXPECT_EQ(a.next_interarrival(), b.next_interarrival());
}

}  // namespace
}  // namespace betapool

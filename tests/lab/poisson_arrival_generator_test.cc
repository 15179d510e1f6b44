#include "lab/poisson_arrival_generator.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(PoissonArrivalGeneratorTest, RejectsBadRates) {
  for (double rate : {0.0, -1.0, std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_FALSE(PoissonArrivalGenerator::create(rate, 1).ok()) << rate;
  }
  EXPECT_TRUE(PoissonArrivalGenerator::create(0.5, 1).ok());
}

TEST(PoissonArrivalGeneratorTest, SameSeedSameGaps) {
  auto a = PoissonArrivalGenerator::create(100, 42).value();
  auto b = PoissonArrivalGenerator::create(100, 42).value();
  auto c = PoissonArrivalGenerator::create(100, 43).value();
  bool all_equal_c = true;
  for (int i = 0; i < 100; ++i) {
    const absl::Duration x = a.next_interarrival();
    EXPECT_EQ(x, b.next_interarrival());
    all_equal_c = all_equal_c && x == c.next_interarrival();
  }
  EXPECT_FALSE(all_equal_c);
}

// Gaps of a Poisson process are exponential with mean 1/rate and variance
// 1/rate^2. With n = 200000 gaps the sample mean has standard error
// (1/rate)/sqrt(n), i.e. 0.22 % of the mean, and the sample variance has
// relative standard error sqrt(8/n) = 0.63 % (the exponential's fourth
// central moment is 9/rate^4). Both are checked to 5 standard errors: a
// correct generator fails with probability below 1e-6 for a random seed,
// and the seed is fixed.
TEST(PoissonArrivalGeneratorTest, MeanRateAndVarianceMatchTheRate) {
  constexpr double kRate = 250.0;
  constexpr int kN = 200000;
  auto gen = PoissonArrivalGenerator::create(kRate, 20240601).value();
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kN; ++i) {
    const double g = absl::ToDoubleSeconds(gen.next_interarrival());
    ASSERT_GE(g, 0.0);
    sum += g;
    sum_sq += g * g;
  }
  const double mean = sum / kN;
  const double var = (sum_sq - kN * mean * mean) / (kN - 1);
  const double expected_mean = 1.0 / kRate;
  EXPECT_NEAR(mean, expected_mean, 5.0 * expected_mean / std::sqrt(kN));
  const double expected_var = expected_mean * expected_mean;
  EXPECT_NEAR(var, expected_var, 5.0 * expected_var * std::sqrt(8.0 / kN));
  // The achieved rate, as the lab reports it.
  EXPECT_NEAR(kN / sum, kRate, 5.0 * kRate / std::sqrt(kN) * 1.01);
}

}  // namespace
}  // namespace betapool

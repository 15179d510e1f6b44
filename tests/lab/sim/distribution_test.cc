#include "lab/sim/distribution.h"

#include <cmath>

#include "gtest/gtest.h"
#include "lab/sim/sim_random.h"

namespace betapool {
namespace {

struct Moments {
  double mean = 0;
  double cv = 0;
  double min = 1e300;
};

Moments moments(const Distribution& d, int n = 200000, uint64_t seed = 1) {
  internal::SimRandom rng(seed);
  double sum = 0, sq = 0;
  Moments m;
  for (int i = 0; i < n; ++i) {
    const double x = d.sample(rng);
    sum += x;
    sq += x * x;
    m.min = std::min(m.min, x);
  }
  m.mean = sum / n;
  m.cv = std::sqrt(std::max(0.0, sq / n - m.mean * m.mean)) / m.mean;
  return m;
}

// With 200k draws the sample mean's relative standard error is below
// cv / 447, so 1 % bounds hold with a wide margin for every shape here.
TEST(DistributionTest, ConstantIsConstant) {
  const Distribution d = Distribution::constant(absl::Milliseconds(7));
  internal::SimRandom rng(3);
  for (int i = 0; i < 10; ++i) EXPECT_DOUBLE_EQ(d.sample(rng), 0.007);
  EXPECT_DOUBLE_EQ(d.mean_seconds(), 0.007);
}

TEST(DistributionTest, UniformHasItsMeanAndRange) {
  const Distribution d =
      Distribution::uniform(absl::Milliseconds(70), absl::Milliseconds(30));
  const Moments m = moments(d);
  EXPECT_NEAR(m.mean, 0.050, 0.0005);
  EXPECT_GE(m.min, 0.030);
  EXPECT_DOUBLE_EQ(d.mean_seconds(), 0.050);
}

TEST(DistributionTest, ExponentialHasItsMeanAndUnitCv) {
  const Moments m = moments(Distribution::exponential(absl::Milliseconds(4)));
  EXPECT_NEAR(m.mean, 0.004, 0.00004);
  EXPECT_NEAR(m.cv, 1.0, 0.01);
}

TEST(DistributionTest, LognormalHasItsMeanAndCv) {
  const Distribution d = Distribution::lognormal(absl::Milliseconds(200), 0.5);
  const Moments m = moments(d);
  EXPECT_NEAR(m.mean, 0.200, 0.002);
  EXPECT_NEAR(m.cv, 0.5, 0.01);
  EXPECT_NEAR(d.mean_seconds(), 0.200, 1e-12);
}

TEST(DistributionTest, NegativeDurationsAreZero) {
  internal::SimRandom rng(1);
  EXPECT_EQ(Distribution::constant(absl::Milliseconds(-5)).sample(rng), 0.0);
  EXPECT_EQ(Distribution::exponential(absl::Milliseconds(-5)).sample(rng), 0.0);
  EXPECT_EQ(Distribution::lognormal(absl::Milliseconds(-5), 1).sample(rng), 0.0);
}

TEST(DistributionTest, SameSeedSameDraws) {
  const Distribution d = Distribution::lognormal(absl::Milliseconds(200), 0.5);
  internal::SimRandom a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = d.sample(a);
    EXPECT_EQ(x, d.sample(b));
    differs |= x != d.sample(c);
  }
  EXPECT_TRUE(differs);
}

TEST(DistributionTest, TaskStreamsAreIndependentOfOrder) {
  // Task 7's draws do not depend on how many other tasks drew before it:
  // the basis of common random numbers across policies.
  auto first_of = [](uint64_t task) {
    internal::SimRandom r = internal::task_stream(9, task);
    return r.next();
  };
  const uint64_t seven = first_of(7);
  for (uint64_t t = 0; t < 7; ++t) first_of(t);
  EXPECT_EQ(first_of(7), seven);
  EXPECT_NE(first_of(8), seven);
}

TEST(DistributionTest, DescribesItself) {
  EXPECT_EQ(Distribution::uniform(absl::Milliseconds(30), absl::Milliseconds(70))
                .to_string(),
            "uniform(30ms, 70ms)");
  EXPECT_EQ(Distribution::exponential(absl::Milliseconds(1)).to_string(),
            "exp(mean 1ms)");
  EXPECT_EQ(Distribution::lognormal(absl::Milliseconds(200), 0.5).to_string(),
            "lognormal(mean 200ms, cv 0.50)");
  EXPECT_EQ(Distribution::constant(absl::Seconds(2)).to_string(), "2s");
}

}  // namespace
}  // namespace betapool

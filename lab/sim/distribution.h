// File: lab/sim/distribution.h
//
// Distribution: a non-negative duration drawn at random — the length of one
// CPU or wait part of a simulated task. Constant, uniform, exponential and
// lognormal shapes cover the seed's workloads (fixed sleeps, the variable-
// latency task's uniform range, heavy-tailed LLM calls).
//
// Sampling uses inverse transforms over SimRandom (lab/sim/sim_random.h), so
// results are identical on every platform for a given seed.
//
// Example:
//   auto llm = betapool::Distribution::lognormal(absl::Milliseconds(200), 0.5);
//   betapool::internal::SimRandom rng(1);
//   double seconds = llm.sample(rng);
//   std::string text = llm.to_string();   // "lognormal(mean 200ms, cv 0.50)"
//
// Thread safety: immutable after construction; sample() uses the caller's rng.
#ifndef BETAPOOL_LAB_SIM_DISTRIBUTION_H_
#define BETAPOOL_LAB_SIM_DISTRIBUTION_H_

#include <string>

#include "absl/time/time.h"
#include "lab/sim/sim_random.h"

namespace betapool {

class Distribution {
 public:
  enum class Shape { kConstant, kUniform, kExponential, kLognormal };

  // Always `d` (negative is treated as zero).
  static Distribution constant(absl::Duration d);
  // Uniform in [lo, hi]; swapped if hi < lo.
  static Distribution uniform(absl::Duration lo, absl::Duration hi);
  // Exponential with the given mean.
  static Distribution exponential(absl::Duration mean);
  // Lognormal with the given mean and coefficient of variation (std/mean).
  static Distribution lognormal(absl::Duration mean, double cv);

  // Zero duration.
  Distribution() = default;

  // One draw, in seconds (>= 0).
  double sample(internal::SimRandom& rng) const;
  // The mean, in seconds.
  double mean_seconds() const;
  Shape shape() const { return shape_; }
  // Human-readable description, e.g. "uniform(30ms, 70ms)".
  std::string to_string() const;

 private:
  Distribution(Shape shape, double a, double b) : shape_(shape), a_(a), b_(b) {}

  Shape shape_ = Shape::kConstant;
  // kConstant: a = value. kUniform: [a, b]. kExponential: a = mean.
  // kLognormal: a = mu, b = sigma of the underlying normal.
  double a_ = 0.0;
  double b_ = 0.0;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_DISTRIBUTION_H_

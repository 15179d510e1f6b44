#include "lab/sim/distribution.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"

namespace betapool {
namespace {

double nonneg_seconds(absl::Duration d) {
  return std::max(0.0, absl::ToDoubleSeconds(d));
}

std::string format_seconds(double s) {
  if (s >= 1.0 || s == 0.0) return absl::StrFormat("%gs", s);
  if (s >= 1e-3) return absl::StrFormat("%gms", s * 1e3);
  return absl::StrFormat("%gus", s * 1e6);
}

}  // namespace

Distribution Distribution::constant(absl::Duration d) {
  return Distribution(Shape::kConstant, nonneg_seconds(d), 0.0);
}

Distribution Distribution::uniform(absl::Duration lo, absl::Duration hi) {
  double a = nonneg_seconds(lo);
  double b = nonneg_seconds(hi);
  if (b < a) std::swap(a, b);
  return Distribution(Shape::kUniform, a, b);
}

Distribution Distribution::exponential(absl::Duration mean) {
  return Distribution(Shape::kExponential, nonneg_seconds(mean), 0.0);
}

Distribution Distribution::lognormal(absl::Duration mean, double cv) {
  const double m = nonneg_seconds(mean);
  if (!(m > 0.0)) return constant(absl::ZeroDuration());
  const double c = std::isfinite(cv) && cv > 0.0 ? cv : 0.0;
  const double sigma2 = std::log1p(c * c);
  return Distribution(Shape::kLognormal, std::log(m) - sigma2 / 2.0,
                      std::sqrt(sigma2));
}

double Distribution::sample(internal::SimRandom& rng) const {
  switch (shape_) {
    case Shape::kConstant:
      return a_;
    case Shape::kUniform:
      return a_ + (b_ - a_) * rng.uniform01();
    case Shape::kExponential:
      return a_ * rng.exponential1();
    case Shape::kLognormal:
      return std::exp(a_ + b_ * rng.normal01());
  }
  return 0.0;
}

double Distribution::mean_seconds() const {
  switch (shape_) {
    case Shape::kConstant:
    case Shape::kExponential:
      return a_;
    case Shape::kUniform:
      return (a_ + b_) / 2.0;
    case Shape::kLognormal:
      return std::exp(a_ + b_ * b_ / 2.0);
  }
  return 0.0;
}

std::string Distribution::to_string() const {
  switch (shape_) {
    case Shape::kConstant:
      return format_seconds(a_);
    case Shape::kUniform:
      return absl::StrFormat("uniform(%s, %s)", format_seconds(a_),
                             format_seconds(b_));
    case Shape::kExponential:
      return absl::StrFormat("exp(mean %s)", format_seconds(a_));
    case Shape::kLognormal:
      return absl::StrFormat("lognormal(mean %s, cv %.2f)",
                             format_seconds(mean_seconds()),
                             std::sqrt(std::expm1(b_ * b_)));
  }
  return "?";
}

}  // namespace betapool

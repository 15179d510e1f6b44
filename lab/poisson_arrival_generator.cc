#include "lab/poisson_arrival_generator.h"

#include <cmath>
#include <random>

#include "absl/random/distributions.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace betapool {

absl::StatusOr<PoissonArrivalGenerator> PoissonArrivalGenerator::create(
    double rate_per_second, uint64_t seed) {
  if (!std::isfinite(rate_per_second) || rate_per_second <= 0.0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rate_per_second = ", rate_per_second, ": must be finite and > 0"));
  }
  std::seed_seq seq{static_cast<uint32_t>(seed),
                    static_cast<uint32_t>(seed >> 32)};
  return PoissonArrivalGenerator(rate_per_second, absl::InsecureBitGen(seq));
}

absl::StatusOr<PoissonArrivalGenerator> PoissonArrivalGenerator::create(
    double rate_per_second) {
  absl::BitGen entropy;
  return create(rate_per_second, absl::Uniform<uint64_t>(entropy));
}

absl::Duration PoissonArrivalGenerator::next_interarrival() {
  return absl::Seconds(absl::Exponential<double>(gen_, rate_));
}

void PoissonArrivalGenerator::wait_for_next_arrival() {
  absl::SleepFor(next_interarrival());
}

}  // namespace betapool

// File: lab/poisson_arrival_generator.h
//
// PoissonArrivalGenerator: open-loop arrivals at a steady mean rate — the
// gaps between arrivals are exponential with mean 1/rate (the seed's class,
// on Abseil random). Seeded, it yields the same gaps every run.
//
// Example:
//   auto arrivals = betapool::PoissonArrivalGenerator::create(200.0, 42).value();
//   while (running) {
//     arrivals.wait_for_next_arrival();
//     executor->post(task);
//   }
//
// Errors: create() returns InvalidArgument unless the rate is finite and
// positive.
// Thread safety: one thread at a time (it owns a random engine).
#ifndef BETAPOOL_LAB_POISSON_ARRIVAL_GENERATOR_H_
#define BETAPOOL_LAB_POISSON_ARRIVAL_GENERATOR_H_

#include <cstdint>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betapool {

class PoissonArrivalGenerator {
 public:
  // Deterministic: the same seed gives the same gaps (for this build of
  // Abseil, whose engines are not promised stable across versions).
  static absl::StatusOr<PoissonArrivalGenerator> create(double rate_per_second,
                                                        uint64_t seed);
  // Seeded from the OS entropy source.
  static absl::StatusOr<PoissonArrivalGenerator> create(double rate_per_second);

  double rate() const { return rate_; }

  // The time until the next arrival: an exponential draw, mean 1/rate.
  absl::Duration next_interarrival();

  // Sleeps for the next gap (the seed's wait_for_next_arrival).
  void wait_for_next_arrival();

 private:
  PoissonArrivalGenerator(double rate, absl::InsecureBitGen gen)
      : rate_(rate), gen_(std::move(gen)) {}

  double rate_;
  absl::InsecureBitGen gen_;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_POISSON_ARRIVAL_GENERATOR_H_

// File: lab/burst_arrival_generator.h
//
// BurstArrivalGenerator: open-loop arrivals that alternate between a burst
// rate and a quiet rate (the seed's class, on Abseil random). Time starts
// at 0 in a burst phase of `burst_duration`, then `quiet_duration` of quiet,
// and repeats.
//
// Unlike the seed, which drew each whole gap at the rate of the phase it
// started in (so a long quiet-rate gap could swallow the start of a burst),
// arrivals here are an exact Poisson process with that piecewise-constant
// rate: the number of arrivals in any stretch of one phase is Poisson with
// mean rate x length. Arrival times are generated on the generator's own
// timeline, so a seeded generator yields the same times whatever the
// machine's load; wait_for_next_arrival() sleeps until the next one is due
// on the real clock (no drift; it returns at once when behind).
//
// Example:
//   auto arrivals = betapool::BurstArrivalGenerator::create(
//       {.burst_rate = 100, .quiet_rate = 10,
//        .burst_duration = absl::Seconds(5), .quiet_duration = absl::Seconds(10)},
//       42).value();
//   while (running) { arrivals.wait_for_next_arrival(); executor->post(task); }
//
// Errors: create() returns InvalidArgument naming the field when a rate is
// negative or not finite, both rates are 0, or a duration is not positive.
// Thread safety: one thread at a time.
#ifndef BETAPOOL_LAB_BURST_ARRIVAL_GENERATOR_H_
#define BETAPOOL_LAB_BURST_ARRIVAL_GENERATOR_H_

#include <cstdint>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betapool {

struct BurstArrivalOptions {
  double burst_rate = 100.0;  // arrivals per second during a burst
  double quiet_rate = 10.0;   // arrivals per second otherwise
  absl::Duration burst_duration = absl::Seconds(5);
  absl::Duration quiet_duration = absl::Seconds(10);
};

class BurstArrivalGenerator {
 public:
  static absl::StatusOr<BurstArrivalGenerator> create(
      const BurstArrivalOptions& options, uint64_t seed);
  static absl::StatusOr<BurstArrivalGenerator> create(
      const BurstArrivalOptions& options);

  const BurstArrivalOptions& options() const { return options_; }

  // Phase and rate at time `t` since the start of the timeline.
  bool is_burst_phase(absl::Duration t) const;
  double rate_at(absl::Duration t) const;
  // The same, at the real time elapsed since create().
  bool is_burst_phase() const;

  // The first arrival strictly after `t` on a fresh draw (does not move the
  // generator's own timeline).
  absl::Duration next_arrival_after(absl::Duration t);

  // Advances the generator's timeline to its next arrival and returns the
  // gap from the previous one (the first gap is measured from 0).
  absl::Duration next_interarrival();

  // Advances the timeline and sleeps until that arrival is due on the real
  // clock (measured from create()).
  void wait_for_next_arrival();

 private:
  BurstArrivalGenerator(const BurstArrivalOptions& options,
                        absl::InsecureBitGen gen);

  BurstArrivalOptions options_;
  absl::InsecureBitGen gen_;
  absl::Duration last_arrival_ = absl::ZeroDuration();
  absl::Time created_;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_BURST_ARRIVAL_GENERATOR_H_

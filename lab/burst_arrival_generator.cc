#include "lab/burst_arrival_generator.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/random/distributions.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace betapool {
namespace {

absl::Status check_rate(const char* name, double rate) {
  if (!std::isfinite(rate) || rate < 0.0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " = ", rate, ": must be finite and >= 0"));
  }
  return absl::OkStatus();
}

absl::Status check_duration(const char* name, absl::Duration d) {
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " = ", absl::FormatDuration(d), ": must be finite and > 0"));
  }
  return absl::OkStatus();
}

}  // namespace

BurstArrivalGenerator::BurstArrivalGenerator(const BurstArrivalOptions& options,
                                             absl::InsecureBitGen gen)
    : options_(options), gen_(std::move(gen)), created_(absl::Now()) {}

absl::StatusOr<BurstArrivalGenerator> BurstArrivalGenerator::create(
    const BurstArrivalOptions& options, uint64_t seed) {
  for (absl::Status s :
       {check_rate("burst_rate", options.burst_rate),
        check_rate("quiet_rate", options.quiet_rate),
        check_duration("burst_duration", options.burst_duration),
        check_duration("quiet_duration", options.quiet_duration)}) {
    if (!s.ok()) return s;
  }
  if (options.burst_rate == 0.0 && options.quiet_rate == 0.0) {
    return absl::InvalidArgumentError(
        "burst_rate = 0 and quiet_rate = 0: at least one must be > 0");
  }
  std::seed_seq seq{static_cast<uint32_t>(seed),
                    static_cast<uint32_t>(seed >> 32)};
  return BurstArrivalGenerator(options, absl::InsecureBitGen(seq));
}

absl::StatusOr<BurstArrivalGenerator> BurstArrivalGenerator::create(
    const BurstArrivalOptions& options) {
  absl::BitGen entropy;
  return create(options, absl::Uniform<uint64_t>(entropy));
}

bool BurstArrivalGenerator::is_burst_phase(absl::Duration t) const {
  if (t < absl::ZeroDuration()) t = absl::ZeroDuration();
  const absl::Duration cycle = options_.burst_duration + options_.quiet_duration;
  return (t % cycle) < options_.burst_duration;
}

double BurstArrivalGenerator::rate_at(absl::Duration t) const {
  return is_burst_phase(t) ? options_.burst_rate : options_.quiet_rate;
}

bool BurstArrivalGenerator::is_burst_phase() const {
  return is_burst_phase(absl::Now() - created_);
}

absl::Duration BurstArrivalGenerator::next_arrival_after(absl::Duration t) {
  // Inverts the cumulative rate: an Exp(1) amount of "rate x time" is used
  // up phase by phase, so each phase contributes exactly its own rate.
  double budget = absl::Exponential<double>(gen_, 1.0);
  const absl::Duration cycle = options_.burst_duration + options_.quiet_duration;
  if (t < absl::ZeroDuration()) t = absl::ZeroDuration();
  double now = absl::ToDoubleSeconds(t);
  while (true) {
    const absl::Duration pos = absl::Seconds(now) % cycle;
    const bool burst = pos < options_.burst_duration;
    const double rate = burst ? options_.burst_rate : options_.quiet_rate;
    const double left = absl::ToDoubleSeconds(
        burst ? options_.burst_duration - pos : cycle - pos);
    if (rate > 0.0 && budget <= rate * left) return absl::Seconds(now + budget / rate);
    budget -= rate * left;
    // Step to the phase boundary (never by less than a nanosecond, so
    // rounding cannot stall the loop).
    now += std::max(left, 1e-9);
  }
}

absl::Duration BurstArrivalGenerator::next_interarrival() {
  const absl::Duration next = next_arrival_after(last_arrival_);
  const absl::Duration gap = next - last_arrival_;
  last_arrival_ = next;
  return gap;
}

void BurstArrivalGenerator::wait_for_next_arrival() {
  next_interarrival();
  absl::SleepFor(created_ + last_arrival_ - absl::Now());
}

}  // namespace betapool

// File: lab/sim/sim_random.h
//
// SimRandom: the simulator's deterministic random source (SplitMix64), and
// task_stream(): an independent stream per (seed, task id).
//
// Why not <random>: std::uniform_real_distribution and friends are
// implementation-defined, so the same seed may give different numbers on
// another standard library; and absl::BitGen is deliberately non-
// deterministic. SplitMix64 is tiny, fast, passes BigCrush, and its output is
// fixed by its definition, so a scenario run is reproducible everywhere.
// Per-task streams make the k-th task of a scenario draw the same durations
// whatever policy runs it (common random numbers), which makes A/B
// differences policy effects rather than sampling noise.
//
// Example:
//   betapool::internal::SimRandom rng(42);
//   double u = rng.uniform01();            // in [0, 1)
//   auto task_rng = betapool::internal::task_stream(42, /*task_id=*/7);
//
// Thread safety: a SimRandom is a value; use one per thread.
#ifndef BETAPOOL_LAB_SIM_SIM_RANDOM_H_
#define BETAPOOL_LAB_SIM_SIM_RANDOM_H_

#include <cmath>
#include <cstdint>

namespace betapool::internal {

class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) : state_(seed) {}

  // Next 64 random bits.
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open0() { return 1.0 - uniform01(); }

  // Exponential with mean 1 (inverse transform).
  double exponential1() { return -std::log(uniform_open0()); }

  // Standard normal (Box-Muller; one of the pair is discarded for
  // simplicity, which keeps the stream stateless between calls).
  double normal01() {
    const double r = std::sqrt(-2.0 * std::log(uniform_open0()));
    return r * std::cos(6.283185307179586 * uniform01());
  }

 private:
  uint64_t state_;
};

// Mixes two words into a well-spread seed (one SplitMix64 finalisation).
inline uint64_t mix_seed(uint64_t a, uint64_t b) {
  SimRandom r(a ^ (b * 0xd1b54a32d192ed03ULL + 0x8cb92ba72f3d8dd7ULL));
  return r.next();
}

// An independent stream for task `task_id` of a run seeded with `seed`.
inline SimRandom task_stream(uint64_t seed, uint64_t task_id) {
  return SimRandom(mix_seed(seed, task_id));
}

}  // namespace betapool::internal

#endif  // BETAPOOL_LAB_SIM_SIM_RANDOM_H_

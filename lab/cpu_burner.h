// File: lab/cpu_burner.h
//
// The CPU work inside the lab's workloads: the seed's inner loop
// (`result += sin(x) * cos(x)`), optionally run as "Python" under a
// SimulatedGil — then the loop calls the lock's eval-breaker check every
// kGilCheckEvery iterations, as CPython's eval loop does between bytecodes.
//
// One C++ iteration is several times faster than one CPython iteration, so
// the lab states CPU phases as durations and converts them with
// iterations_for(), calibrated once per process on the thread's CPU clock
// (so a loaded machine slows the wall clock, not the calibration).
//
// Example:
//   int64_t n = betapool::iterations_for(absl::Microseconds(25));
//   double r = betapool::burn_cpu(n, &betapool::SimulatedGil::process_wide());
//
// Thread safety: all functions are safe from any thread.
#ifndef BETAPOOL_LAB_CPU_BURNER_H_
#define BETAPOOL_LAB_CPU_BURNER_H_

#include <cstdint>

#include "absl/time/time.h"
#include "lab/simulated_gil.h"

namespace betapool {

// Iterations between two eval-breaker checks (about 1 us of work here).
inline constexpr int64_t kGilCheckEvery = 32;

// Runs `iterations` of the math loop and returns its result (so the work
// cannot be optimized away). With a non-null `gil`, which the caller must
// hold, calls gil->check() every kGilCheckEvery iterations.
double burn_cpu(int64_t iterations, SimulatedGil* gil = nullptr);

// Loop iterations per second of thread CPU time on this machine, measured
// on first use (about 0.1 s, once per process).
double burn_rate_per_second();

// Iterations that take about `cpu_time` of CPU; at least 1 for a positive
// duration, 0 otherwise.
int64_t iterations_for(absl::Duration cpu_time);

// The calling thread's CPU time in nanoseconds (CLOCK_THREAD_CPUTIME_ID).
int64_t thread_cpu_ns();

}  // namespace betapool

#endif  // BETAPOOL_LAB_CPU_BURNER_H_

#include "lab/cpu_burner.h"

#include <time.h>

#include <algorithm>
#include <cmath>

#include "absl/base/call_once.h"

namespace betapool {
namespace {

// The argument is kept in a small range so every iteration costs the same
// (libm's range reduction gets slower for large arguments).
inline double step(int64_t i) {
  const double x = static_cast<double>(i & 0xFFFF) * 1e-3;
  return std::sin(x) * std::cos(x);
}

absl::once_flag calibration_once;
double calibrated_rate = 0.0;

void calibrate() {
  // Best of three runs of ~30 ms of CPU each: the best run is the one least
  // disturbed by cache misses and frequency changes.
  double best = 0.0;
  volatile double sink = 0.0;
  for (int run = 0; run < 3; ++run) {
    int64_t iterations = 0;
    const int64_t start = thread_cpu_ns();
    int64_t elapsed = 0;
    while (elapsed < 30'000'000) {
      sink = sink + burn_cpu(20'000, nullptr);
      iterations += 20'000;
      elapsed = thread_cpu_ns() - start;
    }
    best = std::max(best, static_cast<double>(iterations) * 1e9 /
                              static_cast<double>(elapsed));
  }
  calibrated_rate = best;
}

}  // namespace

double burn_cpu(int64_t iterations, SimulatedGil* gil) {
  double result = 0.0;
  int64_t i = 0;
  if (gil == nullptr) {
    for (; i < iterations; ++i) result += step(i);
    return result;
  }
  while (i < iterations) {
    const int64_t end = std::min(iterations, i + kGilCheckEvery);
    for (; i < end; ++i) result += step(i);
    gil->check();
  }
  return result;
}

double burn_rate_per_second() {
  absl::call_once(calibration_once, calibrate);
  return calibrated_rate;
}

int64_t iterations_for(absl::Duration cpu_time) {
  if (cpu_time <= absl::ZeroDuration()) return 0;
  const double n = absl::ToDoubleSeconds(cpu_time) * burn_rate_per_second();
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(n)));
}

int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace betapool

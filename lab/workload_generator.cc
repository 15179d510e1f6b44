#include "lab/workload_generator.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lab/cpu_burner.h"

namespace betapool {
namespace {

void require_non_negative(const char* name, absl::Duration d) {
  if (d < absl::ZeroDuration()) {
    throw std::invalid_argument(absl::StrCat(
        name, " = ", absl::FormatDuration(d), ": must not be negative"));
  }
}

void require_non_negative(const char* name, int64_t n) {
  if (n < 0) {
    throw std::invalid_argument(
        absl::StrCat(name, " = ", n, ": must not be negative"));
  }
}

// Sleeping stands for blocking I/O, which releases the GIL.
void do_io(SimulatedGil* gil, absl::Duration d) {
  GilRelease released(gil);
  absl::SleepFor(d);
}

double do_native_cpu(SimulatedGil* gil, int64_t iterations) {
  GilRelease released(gil);
  return burn_cpu(iterations, nullptr);
}

double run_phases(SimulatedGil* gil, const std::vector<WorkloadPhase>& phases) {
  GilScope python(gil);
  double result = 0.0;
  for (const WorkloadPhase& p : phases) {
    switch (p.kind) {
      case WorkloadPhase::Kind::kPythonCpu:
        result += burn_cpu(p.iterations, gil);
        break;
      case WorkloadPhase::Kind::kNativeCpu:
        result += do_native_cpu(gil, p.iterations);
        break;
      case WorkloadPhase::Kind::kIo:
        do_io(gil, p.duration);
        break;
    }
  }
  return result;
}

int64_t fib(int n, SimulatedGil* gil) {
  if (gil != nullptr) gil->check();
  return n <= 1 ? n : fib(n - 1, gil) + fib(n - 2, gil);
}

// SplitMix64: a fixed, well-mixed sequence indexed by draw number.
uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

WorkloadGenerator::WorkloadGenerator(WorkloadOptions options)
    : options_(options) {}

WorkloadGenerator::Task WorkloadGenerator::phased_task(
    std::vector<WorkloadPhase> phases) const {
  for (const WorkloadPhase& p : phases) {
    require_non_negative("phase iterations", p.iterations);
    require_non_negative("phase duration", p.duration);
  }
  auto shared =
      std::make_shared<const std::vector<WorkloadPhase>>(std::move(phases));
  SimulatedGil* gil = options_.gil;
  return [shared, gil] { return run_phases(gil, *shared); };
}

WorkloadGenerator::Task WorkloadGenerator::io_task(
    absl::Duration duration) const {
  require_non_negative("duration", duration);
  return phased_task({WorkloadPhase::io(duration)});
}

WorkloadGenerator::Task WorkloadGenerator::cpu_task(int64_t iterations) const {
  require_non_negative("iterations", iterations);
  return phased_task({WorkloadPhase::python_cpu(iterations)});
}

WorkloadGenerator::Task WorkloadGenerator::cpu_task_parallel(
    int64_t iterations) const {
  require_non_negative("iterations", iterations);
  return phased_task({WorkloadPhase::native_cpu(iterations)});
}

WorkloadGenerator::Task WorkloadGenerator::mixed_task(
    absl::Duration io, int64_t cpu_iterations) const {
  require_non_negative("io_duration", io);
  require_non_negative("cpu_iterations", cpu_iterations);
  return phased_task(
      {WorkloadPhase::io(io), WorkloadPhase::python_cpu(cpu_iterations)});
}

WorkloadGenerator::Task WorkloadGenerator::rag_pipeline_task(
    absl::Duration network, absl::Duration vector_db, absl::Duration llm,
    int64_t tokenization_iterations, int64_t reranking_iterations) const {
  require_non_negative("network_latency", network);
  require_non_negative("vector_db_latency", vector_db);
  require_non_negative("llm_latency", llm);
  require_non_negative("tokenization_iterations", tokenization_iterations);
  require_non_negative("reranking_iterations", reranking_iterations);
  return phased_task({WorkloadPhase::io(network),
                      WorkloadPhase::python_cpu(tokenization_iterations),
                      WorkloadPhase::io(vector_db),
                      WorkloadPhase::python_cpu(reranking_iterations),
                      WorkloadPhase::io(llm)});
}

WorkloadGenerator::Task WorkloadGenerator::fibonacci_task(int n) const {
  if (n < 0 || n > 50) {
    throw std::invalid_argument(
        absl::StrCat("n = ", n, ": must be within [0, 50]"));
  }
  SimulatedGil* gil = options_.gil;
  return [n, gil] {
    GilScope python(gil);
    return static_cast<double>(fib(n, gil));
  };
}

WorkloadGenerator::Task WorkloadGenerator::variable_latency_task(
    absl::Duration min, absl::Duration max, double cpu_fraction) const {
  require_non_negative("min", min);
  require_non_negative("max", max);
  if (min > max) {
    throw std::invalid_argument(absl::StrCat(
        "min = ", absl::FormatDuration(min), ", max = ",
        absl::FormatDuration(max), ": min must not exceed max"));
  }
  if (!(cpu_fraction >= 0.0 && cpu_fraction <= 1.0)) {
    throw std::invalid_argument(absl::StrCat(
        "cpu_fraction = ", cpu_fraction, ": must be within [0, 1]"));
  }
  auto draws = std::make_shared<std::atomic<uint64_t>>(0);
  const uint64_t seed = options_.seed;
  SimulatedGil* gil = options_.gil;
  return [=] {
    const uint64_t k = draws->fetch_add(1, std::memory_order_relaxed);
    const double u =
        static_cast<double>(splitmix64(seed * 0x100000001B3ull + k) >> 11) *
        0x1.0p-53;
    const absl::Duration total = min + (max - min) * u;
    const absl::Duration cpu = total * cpu_fraction;
    GilScope python(gil);
    do_io(gil, total - cpu);
    return burn_cpu(iterations_for(cpu), gil);
  };
}

}  // namespace betapool

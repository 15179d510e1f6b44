// File: lab/workload_generator.h
//
// WorkloadGenerator: the seed's test workloads as C++ callables to submit
// to an executor — io_task, cpu_task (the seed's cpu_task_python),
// cpu_task_parallel (the seed's cpu_task_numpy: CPU work that does not hold
// the interpreter lock), mixed_task, rag_pipeline_task, fibonacci_task and
// variable_latency_task — plus phased_task, from which the lab's named
// profiles (lab/workload_catalog.h) are built.
//
// "Python" emulation: with WorkloadOptions::gil set, every task runs as a
// CPython thread would. It holds the SimulatedGil from start to end, except
// around I/O and native (NumPy-like) CPU work, which release it
// (Py_BEGIN_ALLOW_THREADS) and take it back afterwards; "Python" CPU loops
// call the lock's check() every few microseconds, like the eval loop. With
// no GIL the same tasks are plain C++ (free-threaded).
//
// I/O is emulated by sleeping (the seed uses time.sleep). CPU work is the
// seed's math loop (lab/cpu_burner.h); its iteration counts are C++
// iterations, several times faster than CPython's — use iterations_for() to
// state CPU work as a duration.
//
// Example:
//   betapool::WorkloadGenerator gen({.gil = &betapool::SimulatedGil::process_wide()});
//   auto task = gen.mixed_task(absl::Milliseconds(50), 10000);
//   executor->submit(task).get();
//
// Errors: a negative duration or iteration count, min > max, or a
// cpu_fraction outside [0, 1] throws std::invalid_argument naming the
// argument and its value (the seed's factories are constructors too).
// Thread safety: a generator is immutable; the returned callables may run
// on many threads at once.
#ifndef BETAPOOL_LAB_WORKLOAD_GENERATOR_H_
#define BETAPOOL_LAB_WORKLOAD_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "lab/simulated_gil.h"

namespace betapool {

struct WorkloadOptions {
  // When set, tasks run as "Python" under this lock (see above).
  SimulatedGil* gil = nullptr;
  // Seeds variable_latency_task's draws: the k-th task to start draws the
  // k-th number of a fixed sequence, whatever thread runs it.
  uint64_t seed = 1;
};

// One step of a phased task.
struct WorkloadPhase {
  enum class Kind {
    kPythonCpu,  // holds the GIL, checks it periodically
    kNativeCpu,  // releases the GIL (NumPy, ONNX Runtime, ...)
    kIo,         // releases the GIL and sleeps
  };
  Kind kind = Kind::kIo;
  int64_t iterations = 0;                       // CPU phases
  absl::Duration duration = absl::ZeroDuration();  // I/O phases

  static WorkloadPhase python_cpu(int64_t iterations) {
    return {Kind::kPythonCpu, iterations, absl::ZeroDuration()};
  }
  static WorkloadPhase native_cpu(int64_t iterations) {
    return {Kind::kNativeCpu, iterations, absl::ZeroDuration()};
  }
  static WorkloadPhase io(absl::Duration d) { return {Kind::kIo, 0, d}; }
};

class WorkloadGenerator {
 public:
  // A task returns a checksum of its CPU work (so it is not optimized away).
  using Task = std::function<double()>;

  explicit WorkloadGenerator(WorkloadOptions options = {});

  // Sleeps `duration` (the GIL released).
  Task io_task(absl::Duration duration = absl::Milliseconds(50)) const;
  // Pure CPU holding the GIL (the seed's cpu_task_python).
  Task cpu_task(int64_t iterations = 100000) const;
  // Pure CPU that releases the GIL (the seed's cpu_task_numpy).
  Task cpu_task_parallel(int64_t iterations = 100000) const;
  // Sleeps `io`, then `cpu_iterations` of CPU holding the GIL (seed order).
  Task mixed_task(absl::Duration io = absl::Milliseconds(50),
                  int64_t cpu_iterations = 10000) const;
  // The seed's RAG pipeline: network (I/O), tokenization (CPU), vector DB
  // (I/O), re-ranking (CPU), LLM generation (I/O).
  Task rag_pipeline_task(absl::Duration network = absl::Milliseconds(10),
                         absl::Duration vector_db = absl::Milliseconds(200),
                         absl::Duration llm = absl::Milliseconds(500),
                         int64_t tokenization_iterations = 10000,
                         int64_t reranking_iterations = 20000) const;
  // Naive recursive Fibonacci holding the GIL, checking it at every call
  // (CPython checks at calls too). Requires 0 <= n <= 50.
  Task fibonacci_task(int n = 30) const;
  // Total time uniform in [min, max]; `cpu_fraction` of it CPU (holding the
  // GIL, sized with iterations_for), the rest I/O — I/O first, as the seed.
  Task variable_latency_task(absl::Duration min = absl::Milliseconds(10),
                             absl::Duration max = absl::Milliseconds(100),
                             double cpu_fraction = 0.2) const;
  // Runs `phases` in order, as "Python" when a GIL is set.
  Task phased_task(std::vector<WorkloadPhase> phases) const;

  const WorkloadOptions& options() const { return options_; }

 private:
  WorkloadOptions options_;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_WORKLOAD_GENERATOR_H_

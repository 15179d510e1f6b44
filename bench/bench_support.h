// File: bench/bench_support.h
//
// Helpers shared by the benchmark programs:
//  - `Completions`: counts finished tasks without a shared cache line (each
//    thread increments its own padded slot), so detecting "all N tasks ran"
//    costs every pool the same ~1 ns per task instead of a contended atomic;
//  - `burn` / `calibrated_iterations`: a fixed amount of CPU work (~1 us);
//  - `RoundTripSamples`: individual round-trip times of one repetition,
//    reported as the p50_ns / p99_ns counters;
//  - `make_betapool`: our executor as the benchmarks run it (BetaVetoPolicy
//    ticking every 100 ms with the /proc/stat sensor and the real thread-CPU
//    clock, i.e. the adaptive controller and the instrumentation on);
//  - `read_rss_bytes`, `os_thread_count`: for the scale benchmark.
//
// Example:
//   const int64_t base = betapool::bench::Completions::total();
//   for (int i = 0; i < n; ++i) pool.post([] { betapool::bench::Completions::add(); });
//   betapool::bench::Completions::wait_until(base + n);
#ifndef BETAPOOL_BENCH_BENCH_SUPPORT_H_
#define BETAPOOL_BENCH_BENCH_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "core/executor.h"

namespace betapool::bench {

class Completions {
 public:
  // Counts one completion on the calling thread's slot. Thread-safe.
  static void add() noexcept;
  // Sum over all threads (relaxed; exact once the counting threads are done).
  static int64_t total() noexcept;
  // Polls total() until it reaches `target`, sleeping ~20 us between polls
  // so the waiting producer does not steal a core from the workers.
  static void wait_until(int64_t target);
};

// Spins `iterations` rounds of dependent integer arithmetic.
void burn(int64_t iterations) noexcept;
// Iterations of burn() that take about `target` of CPU time on this
// machine (median of several runs, timed with the thread's CPU clock).
int64_t calibrated_iterations(absl::Duration target);

// Collects the nanoseconds of individual round trips (the first 2^20 of a
// repetition; later ones are timed by the benchmark loop but not kept) and
// sets the counters p50_ns and p99_ns. Not thread-safe: the producer owns it.
class RoundTripSamples {
 public:
  RoundTripSamples() { samples_.reserve(kMaxSamples); }
  void add(int64_t ns) {
    if (samples_.size() < kMaxSamples) samples_.push_back(ns);
  }
  // Sorts the samples and sets state.counters["p50_ns"] and ["p99_ns"];
  // sets nothing when no sample was taken.
  void report(benchmark::State& state);

 private:
  static constexpr std::size_t kMaxSamples = std::size_t{1} << 20;
  std::vector<int64_t> samples_;
};

// Options for make_betapool.
struct BetapoolSetup {
  int workers = 2;
  bool manual_control = false;  // no controller thread (scale benchmark)
  absl::Duration monitor_interval = absl::Milliseconds(100);
};
// Our executor with BetaVetoPolicy, ProcStatSensor and ThreadCpuClock,
// min = max = initial = `workers` so that it stays comparable to fixed-size
// peers while the controller still ticks, drains and decides.
std::unique_ptr<Executor> make_betapool(const BetapoolSetup& setup);

// Our executor behind the peers' post/submit interface (bench/peer_pools.h).
class BetapoolPool {
 public:
  explicit BetapoolPool(int threads)
      : executor_(make_betapool(BetapoolSetup{threads})) {}
  template <class F>
  void post(F&& fn) {
    executor_->post(std::forward<F>(fn));
  }
  // betapool::Future: no system call when the result is ready before get().
  template <class F>
  auto submit(F&& fn) {
    return executor_->submit(std::forward<F>(fn));
  }
  Executor& executor() { return *executor_; }
  static constexpr const char* kName = "betapool";

 private:
  std::unique_ptr<Executor> executor_;
};

// Same executor, futures through submit_std (std::future interop path).
class BetapoolStdFuturePool : public BetapoolPool {
 public:
  using BetapoolPool::BetapoolPool;
  template <class F>
  auto submit(F&& fn) {
    return executor().submit_std(std::forward<F>(fn));
  }
  static constexpr const char* kName = "betapool_submit_std";
};

// Resident set size of this process, from /proc/self/statm.
int64_t read_rss_bytes();
// Virtual memory size of this process (reserved address space, e.g. each
// thread's stack reservation), from /proc/self/statm.
int64_t read_vm_bytes();
// Threads of this process, from /proc/self/task.
int os_thread_count();

}  // namespace betapool::bench

#endif  // BETAPOOL_BENCH_BENCH_SUPPORT_H_

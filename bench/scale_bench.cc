// Scale (goal: 2048 worker threads work): memory per idle worker (resident,
// and reserved address space: mostly the thread's stack), the time
// to start and to retire 2048 workers, 2048 sleeping tasks run at once, and
// the cost of one controller-sized resize step (+2 threads, BetaVetoPolicy's
// default scale_up_step, and -1) at several pool sizes. Each benchmark is
// one iteration per repetition (threads are real: the numbers are OS costs).
//
// Run (see docs/benchmarks.md for the exact command behind the table):
//   build-bench/bench/scale_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench/bench_support.h"
#include "benchmark/benchmark.h"
#include "betapool/executor_builder.h"
#include "policies/static_policy.h"

namespace betapool::bench {
namespace {

std::unique_ptr<Executor> manual_pool(int initial, int max) {
  auto built = ExecutorBuilder()
                   .policy<StaticPolicy>(initial)
                   .no_sensor()
                   .min_workers(1)
                   .max_workers(max)
                   .initial_workers(initial)
                   .manual_control()
                   .build();
  if (!built.ok()) std::abort();
  return *std::move(built);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

// Waits until no worker is inside a task, then a little longer so that the
// idle ones have stopped spinning and parked.
void settle(Executor& ex) {
  while (ex.metrics().busy_workers > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void BM_Workers2048(benchmark::State& state) {
  constexpr int kWorkers = 2048;
  for (auto _ : state) {
    auto ex = manual_pool(1, kWorkers);
    settle(*ex);
    const int64_t rss0 = read_rss_bytes();
    const int64_t vm0 = read_vm_bytes();
    const int threads0 = os_thread_count();

    auto t0 = std::chrono::steady_clock::now();
    const int started = ex->resize(kWorkers);
    const double start_s = seconds_since(t0);
    settle(*ex);
    const int64_t rss1 = read_rss_bytes();
    const int64_t vm1 = read_vm_bytes();
    const int threads1 = os_thread_count();

    // Every worker sleeps 100 ms at the same time: about 100 ms in total
    // if all 2048 really run concurrently (204.8 s if one at a time).
    std::vector<Future<void>> futures;
    futures.reserve(kWorkers);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kWorkers; ++i) {
      futures.push_back(ex->submit(
          [] { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }));
    }
    for (auto& f : futures) f.get();
    const double sleepers_s = seconds_since(t0);
    settle(*ex);

    t0 = std::chrono::steady_clock::now();
    ex->resize(1);
    while (ex->thread_count() > 1) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    ex->resize(1);  // reaps (joins) the retired threads
    const double shrink_s = seconds_since(t0);
    const int threads2 = os_thread_count();

    state.counters["started"] = started;
    state.counters["os_threads_added"] = threads1 - threads0;
    state.counters["os_threads_after_shrink"] = threads2 - threads0;
    state.counters["rss_per_idle_worker_KiB"] =
        static_cast<double>(rss1 - rss0) / (threads1 - threads0) / 1024.0;
    state.counters["vm_per_idle_worker_KiB"] =
        static_cast<double>(vm1 - vm0) / (threads1 - threads0) / 1024.0;
    state.counters["start_2048_ms"] = start_s * 1e3;
    state.counters["start_per_thread_us"] = start_s * 1e6 / kWorkers;
    state.counters["2048x_sleep100ms_ms"] = sleepers_s * 1e3;
    state.counters["shrink_2048_to_1_ms"] = shrink_s * 1e3;
  }
}
BENCHMARK(BM_Workers2048)
    ->Name("workers_2048")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// One controller step at pool size n: +2 threads (started before resize
// returns), then -1 (until the thread has exited and been joined).
void BM_ResizeStep(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto ex = manual_pool(n, n + 2);
  settle(*ex);
  double grow_us = 0, shrink_us = 0;
  int steps = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    ex->resize(n + 2);
    grow_us += seconds_since(t0) * 1e6;
    settle(*ex);
    t0 = std::chrono::steady_clock::now();
    ex->resize(n + 1);
    while (ex->thread_count() > n + 1) std::this_thread::yield();
    ex->resize(n + 1);  // reap
    shrink_us += seconds_since(t0) * 1e6;
    ex->resize(n);
    settle(*ex);
    ++steps;
  }
  state.counters["grow_by_2_us"] = grow_us / steps;
  state.counters["shrink_by_1_us"] = shrink_us / steps;
}
BENCHMARK(BM_ResizeStep)
    ->Name("resize_step")
    ->ArgNames({"threads"})
    ->Arg(2)
    ->Arg(64)
    ->Arg(512)
    ->Arg(2048)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

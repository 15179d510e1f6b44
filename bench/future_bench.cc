// Futures: (1) throughput of submit + one future per task (N submitted,
// then every get() in order), and (2) round trip: submit one task, wait for
// its future, repeat. One producer, two workers, near-empty tasks.
// betapool is measured with its own Future (submit) and with std::future
// (submit_std); every peer with std::future (std::packaged_task).
//
// Run (see docs/benchmarks.md for the exact command behind the table):
//   build-bench/bench/future_bench --benchmark_repetitions=9
//       --benchmark_enable_random_interleaving=true
//       --benchmark_report_aggregates_only=true
#include <chrono>
#include <cstdint>
#include <vector>

#include "bench/bench_support.h"
#include "bench/peer_pools.h"
#include "benchmark/benchmark.h"

namespace betapool::bench {
namespace {

constexpr int kWorkers = 2;

template <class Pool, class Body>
void in_pool_context(Pool& pool, Body&& body) {
  if constexpr (requires { pool.arena(); }) {
    pool.arena().execute(body);
  } else {
    body();
  }
}

// state.range(0): tasks per iteration.
template <class Pool>
void BM_SubmitThenGetAll(benchmark::State& state) {
  const int64_t tasks = state.range(0);
  Pool pool(kWorkers);
  using FutureT = decltype(pool.submit([] { return 1; }));
  std::vector<FutureT> futures;
  futures.reserve(tasks);
  for (auto _ : state) {
    in_pool_context(pool, [&] {
      for (int64_t i = 0; i < tasks; ++i) {
        futures.push_back(pool.submit([] { return 1; }));
      }
      int64_t sum = 0;
      for (auto& f : futures) sum += f.get();
      benchmark::DoNotOptimize(sum);
      futures.clear();
    });
  }
  state.SetItemsProcessed(state.iterations() * tasks);
}

// One task in flight: submit, get, repeat. Counters p50_ns / p99_ns are
// percentiles of the individual round trips of one repetition.
template <class Pool>
void BM_RoundTrip(benchmark::State& state) {
  Pool pool(kWorkers);
  RoundTripSamples samples;
  in_pool_context(pool, [&] {
    for (auto _ : state) {
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(pool.submit([] { return 1; }).get());
      const auto t1 = std::chrono::steady_clock::now();
      samples.add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
  });
  samples.report(state);
}

#define FUTURE_BENCH(Pool)                                           \
  BENCHMARK_TEMPLATE(BM_SubmitThenGetAll, Pool)                      \
      ->Name(std::string("submit_get_all/") + Pool::kName)          \
      ->ArgNames({"tasks"})                                          \
      ->Arg(100'000)                                                 \
      ->UseRealTime()                                                \
      ->Unit(benchmark::kMillisecond);                               \
  BENCHMARK_TEMPLATE(BM_RoundTrip, Pool)                             \
      ->Name(std::string("round_trip/") + Pool::kName)              \
      ->UseRealTime()                                                \
      ->Unit(benchmark::kMicrosecond)

FUTURE_BENCH(BetapoolPool);
FUTURE_BENCH(BetapoolStdFuturePool);
FUTURE_BENCH(MoodycamelPool);
FUTURE_BENCH(MutexDequePool);
FUTURE_BENCH(AsioPool);
FUTURE_BENCH(TbbArenaPool);
FUTURE_BENCH(TbbTaskGroupPool);

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

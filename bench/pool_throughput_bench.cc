// Fire-and-forget throughput: one producer posts N tasks to a pool of two
// workers and waits until all N ran. Tasks are near-empty (one per-thread
// counter increment) or ~1 us of CPU work. Every pool detects completion
// the same way (bench_support.h's Completions), in one binary, so run with
// --benchmark_enable_random_interleaving=true to interleave the peers.
//
// Run (see docs/benchmarks.md for the exact command behind the table):
//   build-bench/bench/pool_throughput_bench --benchmark_repetitions=9
//       --benchmark_enable_random_interleaving=true
//       --benchmark_report_aggregates_only=true
#include <cstdint>

#include "bench/bench_support.h"
#include "bench/peer_pools.h"
#include "benchmark/benchmark.h"

namespace betapool::bench {
namespace {

constexpr int kWorkers = 2;

int64_t one_us_iterations() {
  static const int64_t n = calibrated_iterations(absl::Microseconds(1));
  return n;
}

// state.range(0): tasks per iteration; state.range(1): 0 empty, 1 ~1 us.
template <class Pool>
void BM_Post(benchmark::State& state) {
  const int64_t tasks = state.range(0);
  const int64_t work = state.range(1) == 0 ? 0 : one_us_iterations();
  Pool pool(kWorkers);
  for (auto _ : state) {
    const int64_t base = Completions::total();
    auto body = [&pool, tasks, work] {
      for (int64_t i = 0; i < tasks; ++i) {
        if (work == 0) {
          pool.post([] { Completions::add(); });
        } else {
          pool.post([work] {
            burn(work);
            Completions::add();
          });
        }
      }
      if constexpr (requires { pool.wait(); }) pool.wait();
    };
    if constexpr (requires { pool.arena(); }) {
      pool.arena().execute(body);
    } else {
      body();
    }
    Completions::wait_until(base + tasks);
  }
  state.SetItemsProcessed(state.iterations() * tasks);
}

#define POST_BENCH(Pool)                                      \
  BENCHMARK_TEMPLATE(BM_Post, Pool)                           \
      ->Name(std::string("post/") + Pool::kName)             \
      ->ArgNames({"tasks", "work_us"})                        \
      ->Args({1'000'000, 0})                                  \
      ->Args({200'000, 1})                                    \
      ->UseRealTime()                                         \
      ->Unit(benchmark::kMillisecond)

POST_BENCH(BetapoolPool);
POST_BENCH(MoodycamelPool);
POST_BENCH(MutexDequePool);
POST_BENCH(AsioPool);
POST_BENCH(TbbArenaPool);
POST_BENCH(TbbTaskGroupPool);

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

// Idle cost: the CPU a mostly idle pool burns. One producer (the benchmark
// thread) posts one near-empty task (a relaxed counter increment) every
// `period_us` microseconds, on absolute deadlines (clock_nanosleep with
// TIMER_ABSTIME, so the rate holds however long a post or a wake-up takes),
// for a fixed wall time per repetition (kWindow, 2 s). Args: workers (8, 64)
// and period_us (1000, 100); min = max = workers for betapool.
//
// Measured over the window: the process CPU time (CLOCK_PROCESS_CPUTIME_ID)
// minus the producer's own (CLOCK_THREAD_CPUTIME_ID), divided by the wall
// time: the cores the pool's threads used (workers, and for betapool its
// controller thread). Pool start-up and shutdown are outside the window (the
// pool is started, then left idle for kSettle, before the window opens).
//
// Counters (one iteration per repetition, manual time = the window):
//   cores           pool CPU / wall time (the result);
//   producer_cores  the producer's CPU / wall time (posts, wake-up system
//                   calls, its sleeps), excluded from `cores`;
//   tasks           tasks posted in the window;
//   tasks_done      of those, run by the end of the window;
//   rate_hz         tasks posted per second (shows whether the rate held).
//
// Pools: betapool (bench/bench_support.h make_betapool: BetaVetoPolicy, the
// controller thread ticking every 100 ms, the /proc/stat sensor, the thread
// CPU clock, instrumentation on), betapool_no_controller (the same executor
// with manual_control(): no controller thread, nobody ticks), and the peers
// of bench/peer_pools.h with the same number of worker threads.
//
// Run (see docs/benchmarks.md, "Idle cost", for the command behind the
// table):
//   flock /tmp/betapool-timing.lock build-bench/bench/idle_cost_bench
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <time.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/time/time.h"
#include "bench/bench_support.h"
#include "bench/peer_pools.h"
#include "benchmark/benchmark.h"
#include "core/executor.h"

namespace betapool::bench {
namespace {

constexpr int64_t kWindowNs = 2'000'000'000;  // wall time per repetition
constexpr int64_t kSettleNs = 200'000'000;    // idle time before the window

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until_ns(int64_t deadline_ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

// The executor without a controller thread (no one ticks; min = max, so a
// controller would not resize it anyway).
class BetapoolNoControllerPool {
 public:
  explicit BetapoolNoControllerPool(int threads)
      : executor_(make_betapool(
            BetapoolSetup{.workers = threads, .manual_control = true})) {}
  template <class F>
  void post(F&& fn) {
    executor_->post(std::forward<F>(fn));
  }
  static constexpr const char* kName = "betapool_no_controller";

 private:
  std::unique_ptr<Executor> executor_;
};

template <class Pool>
void BM_IdleCost(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const int64_t period_ns = state.range(1) * 1000;
  std::atomic<int64_t> done{0};
  double cores = 0, producer_cores = 0, rate = 0;
  int64_t posted = 0, done_in_window = 0;
  for (auto _ : state) {
    auto pool = std::make_unique<Pool>(workers);
    sleep_until_ns(clock_ns(CLOCK_MONOTONIC) + kSettleNs);
    done.store(0);
    posted = 0;
    const int64_t wall0 = clock_ns(CLOCK_MONOTONIC);
    const int64_t proc0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    const int64_t self0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    const int64_t end = wall0 + kWindowNs;
    for (int64_t next = wall0 + period_ns; next <= end; next += period_ns) {
      sleep_until_ns(next);
      pool->post([&done] { done.fetch_add(1, std::memory_order_relaxed); });
      ++posted;
    }
    sleep_until_ns(end);
    const int64_t wall1 = clock_ns(CLOCK_MONOTONIC);
    const int64_t proc1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    const int64_t self1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    done_in_window = done.load(std::memory_order_relaxed);
    const double wall = static_cast<double>(wall1 - wall0);
    state.SetIterationTime(wall / 1e9);
    cores = static_cast<double>((proc1 - proc0) - (self1 - self0)) / wall;
    producer_cores = static_cast<double>(self1 - self0) / wall;
    rate = static_cast<double>(posted) * 1e9 / wall;
    while (done.load(std::memory_order_relaxed) < posted) {
      std::this_thread::yield();
    }
    pool.reset();  // shutdown outside the window, before `done` goes away
  }
  state.counters["cores"] = cores;
  state.counters["producer_cores"] = producer_cores;
  state.counters["tasks"] = static_cast<double>(posted);
  state.counters["tasks_done"] = static_cast<double>(done_in_window);
  state.counters["rate_hz"] = rate;
}

#define IDLE_COST_BENCH(Pool)                                         \
  BENCHMARK_TEMPLATE(BM_IdleCost, Pool)                               \
      ->Name(std::string("idle_cost/") + Pool::kName)                 \
      ->ArgNames({"workers", "period_us"})                            \
      ->ArgsProduct({{8, 64}, {1000, 100}})                           \
      ->Iterations(1)                                                 \
      ->UseManualTime()                                               \
      ->Unit(benchmark::kMillisecond)

IDLE_COST_BENCH(BetapoolPool);
IDLE_COST_BENCH(BetapoolNoControllerPool);
IDLE_COST_BENCH(MutexDequePool);
IDLE_COST_BENCH(MoodycamelPool);
IDLE_COST_BENCH(AsioPool);

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

// Foreign-waiter round trip: one producer posts one near-empty task and
// blocks until the task signals it through something that is not
// betapool::Future, then repeats. Waiter kinds:
//   std_future  betapool submit_std / peers std::packaged_task, future.get();
//   latch       post + a std::latch the task counts down, latch.wait();
//   eventfd     post + an eventfd the task writes, the producer read()s.
// Args: workers (1, 2, 4, 8) and hog (1: a thread spinning for the whole
// run, pinned to CPU 0 when affinity allows, as on a shared machine).
// Counters: p50_ns / p99_ns of the individual round trips of a repetition;
// hog_pinned says whether the hog really was pinned.
//
// Besides the executor and the peers, two bare WorkerPools (no controller,
// no executor layer) differ only in WorkerPoolOptions::idle_spin, 50 us
// (the default the executor uses) and 0: the difference is what the idle
// workers' spinning costs a waiter the pool cannot see.
//
// Run (see docs/benchmarks.md for the exact command behind the table):
//   flock /tmp/betapool-timing.lock build-bench/bench/foreign_waiter_bench
//       --benchmark_enable_random_interleaving=true
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "bench/bench_support.h"
#include "bench/peer_pools.h"
#include "benchmark/benchmark.h"
#include "core/worker_pool.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool::bench {
namespace {

// A bare WorkerPool with the given idle spin, behind the peers' interface.
template <int kIdleSpinUs>
class BareWorkerPool {
 public:
  explicit BareWorkerPool(int threads) : pool_(clock_, options()) {
    pool_.resize(threads);
  }
  ~BareWorkerPool() { pool_.shutdown(/*wait=*/true); }
  template <class F>
  void post(F&& fn) {
    pool_.enqueue_callable(
        [fn = std::forward<F>(fn)](TaskOutcome&) mutable { fn(); });
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    post(std::move(task));
    return std::move(future);
  }
  static constexpr const char* kName = kIdleSpinUs == 0
                                           ? "worker_pool_spin0"
                                           : "worker_pool_spin50us";

 private:
  static WorkerPoolOptions options() {
    WorkerPoolOptions o;
    o.idle_spin = absl::Microseconds(kIdleSpinUs);
    return o;
  }
  ThreadCpuClock clock_;
  WorkerPool pool_;
};

// A std::future of fn's result: betapool through submit_std (its interop
// path), every other pool through its own submit.
template <class Pool, class F>
auto submit_std(Pool& pool, F&& fn) {
  if constexpr (std::is_same_v<Pool, BetapoolPool>) {
    return pool.executor().submit_std(std::forward<F>(fn));
  } else {
    return pool.submit(std::forward<F>(fn));
  }
}

struct StdFutureWaiter {
  static constexpr const char* kName = "std_future";
  template <class Pool>
  void round_trip(Pool& pool) {
    benchmark::DoNotOptimize(submit_std(pool, [] { return 1; }).get());
  }
};

struct LatchWaiter {
  static constexpr const char* kName = "latch";
  template <class Pool>
  void round_trip(Pool& pool) {
    std::latch done(1);
    pool.post([&done] { done.count_down(); });
    done.wait();
  }
};

class EventfdWaiter {
 public:
  static constexpr const char* kName = "eventfd";
  EventfdWaiter() : fd_(eventfd(0, EFD_CLOEXEC)) {
    if (fd_ < 0) {
      std::perror("eventfd");
      std::abort();
    }
  }
  ~EventfdWaiter() { close(fd_); }
  EventfdWaiter(const EventfdWaiter&) = delete;
  EventfdWaiter& operator=(const EventfdWaiter&) = delete;
  template <class Pool>
  void round_trip(Pool& pool) {
    const int fd = fd_;
    pool.post([fd] {
      const uint64_t one = 1;
      if (write(fd, &one, sizeof one) != sizeof one) std::abort();
    });
    uint64_t value = 0;
    if (read(fd_, &value, sizeof value) != sizeof value) std::abort();
  }

 private:
  int fd_;
};

// A thread that spins until destroyed, pinned to CPU 0 if the process may
// run there (pinned() says whether it is).
class CpuHog {
 public:
  CpuHog() {
    thread_ = std::thread([this] {
      while (!stop_.load(std::memory_order_relaxed)) {
      }
    });
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    pinned_ = pthread_setaffinity_np(thread_.native_handle(), sizeof cpus,
                                     &cpus) == 0;
  }
  ~CpuHog() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
  }
  CpuHog(const CpuHog&) = delete;
  CpuHog& operator=(const CpuHog&) = delete;
  bool pinned() const { return pinned_; }

 private:
  std::atomic<bool> stop_{false};
  bool pinned_ = false;
  std::thread thread_;
};

// state.range(0): workers; state.range(1): 1 to run a CpuHog alongside.
template <class Pool, class Waiter>
void BM_ForeignWaiter(benchmark::State& state) {
  std::optional<CpuHog> hog;
  if (state.range(1) != 0) hog.emplace();
  Pool pool(static_cast<int>(state.range(0)));
  Waiter waiter;
  RoundTripSamples samples;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    waiter.round_trip(pool);
    const auto t1 = std::chrono::steady_clock::now();
    samples.add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  samples.report(state);
  if (hog) state.counters["hog_pinned"] = hog->pinned() ? 1 : 0;
}

#define FOREIGN_WAITER_BENCH(Pool, Waiter)                              \
  BENCHMARK_TEMPLATE(BM_ForeignWaiter, Pool, Waiter)                    \
      ->Name(std::string("foreign_waiter/") + Waiter::kName + "/" +     \
             Pool::kName)                                               \
      ->ArgNames({"workers", "hog"})                                    \
      ->ArgsProduct({{1, 2, 4, 8}, {0, 1}})                             \
      ->UseRealTime()                                                   \
      ->Unit(benchmark::kMicrosecond)

#define FOREIGN_WAITER_POOL(Pool)                  \
  FOREIGN_WAITER_BENCH(Pool, StdFutureWaiter);     \
  FOREIGN_WAITER_BENCH(Pool, LatchWaiter);         \
  FOREIGN_WAITER_BENCH(Pool, EventfdWaiter)

FOREIGN_WAITER_POOL(BetapoolPool);
FOREIGN_WAITER_POOL(BareWorkerPool<50>);
FOREIGN_WAITER_POOL(BareWorkerPool<0>);
FOREIGN_WAITER_POOL(MoodycamelPool);
FOREIGN_WAITER_POOL(MutexDequePool);
FOREIGN_WAITER_POOL(AsioPool);
FOREIGN_WAITER_POOL(TbbArenaPool);

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

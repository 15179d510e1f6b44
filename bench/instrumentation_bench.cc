// What measuring costs per task (goal: <= ~50 ns at high task rates).
//
//  - clock/*: one read of each clock the meter uses (TaskClock is virtual).
//  - task_loop/*: one thread runs `tasks` tasks of `work_ns` of CPU work
//    each, either bare (meter:0) or exactly as a WorkerPool worker does
//    (meter:1): internal::WorkerMeter around every task, the exact record
//    every record_spacing (1 ms) pushed into a mutex-guarded deque. The
//    difference in ns_per_task between meter:1 and meter:0 is the
//    instrumentation's cost per task, recorded tasks included. One thread:
//    rates are on the thread's CPU time, so a loaded machine that
//    deschedules the benchmark does not inflate them.
//  - recorded_task: the cost of one exactly measured task (CPU clock twice).
//
// Run (see docs/benchmarks.md for the exact command behind the table):
//   build-bench/bench/instrumentation_bench --benchmark_repetitions=9
//       --benchmark_report_aggregates_only=true
#include <cstdint>
#include <deque>

#include "bench/bench_support.h"
#include "benchmark/benchmark.h"
#include "core/sync.h"
#include "core/worker_meter.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool::bench {
namespace {

void BM_ClockSteady(benchmark::State& state) {
  ThreadCpuClock clock;
  TaskClock& c = clock;
  for (auto _ : state) benchmark::DoNotOptimize(c.wall_now_ns());
}
BENCHMARK(BM_ClockSteady)->Name("clock/steady_wall_now_ns");

void BM_ClockThreadCpu(benchmark::State& state) {
  ThreadCpuClock clock;
  TaskClock& c = clock;
  for (auto _ : state) benchmark::DoNotOptimize(c.thread_cpu_now_ns());
}
BENCHMARK(BM_ClockThreadCpu)->Name("clock/thread_cpu_now_ns");

// Iterations of burn() for `ns` nanoseconds (0 for none).
int64_t iterations_for(int64_t ns) {
  return ns == 0 ? 0 : calibrated_iterations(absl::Nanoseconds(ns));
}

// state.range(0): work per task in ns; state.range(1): 1 = metered.
void BM_TaskLoop(benchmark::State& state) {
  const int64_t work = iterations_for(state.range(0));
  const bool metered = state.range(1) != 0;
  constexpr int64_t kTasks = 100'000;
  ThreadCpuClock clock;
  internal::WorkerMeter meter(clock, /*record_spacing_ns=*/1'000'000,
                              clock.wall_now_ns());
  Mutex records_mu;
  std::deque<TaskMetrics> records;
  TaskOutcome outcome;
  meter.start();
  for (auto _ : state) {
    for (int64_t i = 0; i < kTasks; ++i) {
      if (!metered) {
        burn(work);
        benchmark::ClobberMemory();
        continue;
      }
      if (!meter.record_next()) {
        burn(work);
        meter.count_task(outcome.ok);
        continue;
      }
      const auto mark = meter.begin_record();
      burn(work);
      TaskMetrics m = meter.end_record(mark, static_cast<uint64_t>(i), outcome);
      MutexLock lock(&records_mu);
      if (records.size() >= 4096) records.pop_front();
      records.push_back(std::move(m));
    }
  }
  state.SetItemsProcessed(state.iterations() * kTasks);
  state.counters["ns_per_task"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kTasks),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["records"] = static_cast<double>(records.size());
}
BENCHMARK(BM_TaskLoop)
    ->Name("task_loop")
    ->ArgNames({"work_ns", "meter"})
    ->ArgsProduct({{0, 100, 1000, 10000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

void BM_RecordedTask(benchmark::State& state) {
  ThreadCpuClock clock;
  internal::WorkerMeter meter(clock, 0, clock.wall_now_ns());
  TaskOutcome outcome;
  meter.start();
  uint64_t id = 0;
  for (auto _ : state) {
    const auto mark = meter.begin_record();
    TaskMetrics m = meter.end_record(mark, id++, outcome);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RecordedTask)->Name("recorded_task");

}  // namespace
}  // namespace betapool::bench

BENCHMARK_MAIN();

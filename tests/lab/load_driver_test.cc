// run_load's closed-loop windows: with min_completions they outlast the
// tasks a large pool starts together (sleep-based tasks, so the checks hold
// on a loaded machine: a sleep can only get longer).
#include "lab/load_driver.h"

#include <chrono>
#include <memory>

#include "absl/time/time.h"
#include "betapool/executor_builder.h"
#include "gtest/gtest.h"
#include "lab/workload_generator.h"

namespace betapool {
namespace {

std::unique_ptr<Executor> static_pool(int n) {
  return ExecutorBuilder()
      .policy("static")
      .min_workers(n)
      .max_workers(n)
      .initial_workers(n)
      .build()
      .value();
}

LoadSpec closed_loop(int clients) {
  LoadSpec spec;
  spec.mode = LoadSpec::Mode::kClosed;
  spec.clients = clients;
  spec.warmup = absl::ZeroDuration();
  spec.measure = absl::Milliseconds(100);
  return spec;
}

TEST(LoadDriverTest, FixedWindowShorterThanTheTasksCountsNothing) {
  // The transient the extension exists for: 8 threads start 2 s tasks
  // together; a 100 ms window sees none finish.
  auto ex = static_pool(8);
  const auto built = std::chrono::steady_clock::now();
  const LoadResult r = run_load(*ex, built, WorkloadGenerator().io_task(absl::Seconds(2)),
                                closed_loop(8), nullptr, {});
  EXPECT_EQ(r.completed, 0);
  EXPECT_TRUE(r.steady);  // nothing was asked for
}

TEST(LoadDriverTest, KeepsTheLatenciesOfTheWindowWhenTheRunOutlastsTheBuffer) {
  // 4 clients of 10 ms sleeps for 1.1 s: ~400 tasks, 64 samples kept.
  // The window is the last 100 ms (~40 tasks), so most kept samples are
  // its own; a few tasks that finish after it overwrite the oldest. (Kept
  // from the start instead, all 64 were the warm-up's: P99 0.)
  auto ex = static_pool(4);
  const auto built = std::chrono::steady_clock::now();
  LoadSpec spec = closed_loop(4);
  spec.warmup = absl::Seconds(1);
  spec.latency_samples = 64;
  const LoadResult r = run_load(
      *ex, built, WorkloadGenerator().io_task(absl::Milliseconds(10)), spec, nullptr, {});
  ASSERT_GT(r.total_completed, 2 * spec.latency_samples);
  EXPECT_GT(r.latency_samples, 0);
  EXPECT_LE(r.latency_samples, spec.latency_samples);
  EXPECT_GE(r.p99_ms, 10.0);  // a 10 ms sleep only gets longer
}

TEST(LoadDriverTest, WindowsExtendUntilThePoolFinishedItsTasks) {
  auto ex = static_pool(8);
  const auto built = std::chrono::steady_clock::now();
  LoadSpec spec = closed_loop(8);
  spec.min_completions = 8;
  spec.max_window = absl::Seconds(30);
  const LoadResult r = run_load(
      *ex, built, WorkloadGenerator().io_task(absl::Milliseconds(300)), spec, nullptr, {});
  EXPECT_TRUE(r.steady);
  EXPECT_GE(r.completed, 8);
  EXPECT_GE(r.warmup_seconds, 0.29);    // the first wave of tasks
  // At least one more wave: its 300 ms sleeps, less the moment between the
  // clients resubmitting and the window opening (11 ms was seen under ASan
  // on a loaded machine, so leave room).
  EXPECT_GE(r.measured_seconds, 0.2);
  // 8 threads of 300 ms sleeps: at most 8 per wave, over a window of at
  // least the 0.2 s allowed above (8 / 0.3 s for long windows), and (sleeps
  // only get longer on a loaded machine) well above zero.
  EXPECT_LE(r.throughput, 8 / 0.2);
  EXPECT_GT(r.throughput, 2.0);
  EXPECT_GT(r.p50_ms, 290.0);
}

TEST(LoadDriverTest, WindowsStopAtMaxWindowAndSaySoIfTheTasksAreSlower) {
  auto ex = static_pool(4);
  const auto built = std::chrono::steady_clock::now();
  LoadSpec spec = closed_loop(4);
  spec.min_completions = 4;
  spec.max_window = absl::Milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  const LoadResult r = run_load(
      *ex, built, WorkloadGenerator().io_task(absl::Seconds(2)), spec, nullptr, {});
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.steady);
  EXPECT_EQ(r.completed, 0);
  EXPECT_LT(r.total_seconds, 1.5);  // both windows capped at 200 ms
  EXPECT_GE(took, r.total_seconds);  // (shutdown waits for the running sleeps)
}

TEST(LoadDriverTest, OpenLoopIgnoresMinCompletions) {
  auto ex = static_pool(2);
  const auto built = std::chrono::steady_clock::now();
  LoadSpec spec;
  spec.mode = LoadSpec::Mode::kOpen;
  spec.rate = 50;
  spec.warmup = absl::ZeroDuration();
  spec.measure = absl::Milliseconds(200);
  spec.min_completions = 1000000;
  const LoadResult r = run_load(
      *ex, built, WorkloadGenerator().io_task(absl::Milliseconds(1)), spec, nullptr, {});
  EXPECT_TRUE(r.steady);
  EXPECT_LT(r.total_seconds, 5.0);
}

}  // namespace
}  // namespace betapool

// Goal: the executor's cheap measurement agrees with exact per-task
// measurement. Each task measures itself exactly (thread CPU clock and
// steady clock around its own body); the executor measures the same tasks
// its way (interval totals from busy spans and CPU checkpoints; the window
// from its sampled exact records). On sleep-heavy, CPU-heavy and mixed
// tasks of 2 ms, fed both as a burst and as a paced stream (so workers
// also go idle, spin and park between tasks), the executor's betas must be
// within 0.05 of the exact ones:
//   interval beta  vs  1 - sum(cpu) / sum(wall) over all tasks,
//   window beta    vs  mean of per-task beta over all tasks.
// Both sides see the same threads on the same (possibly loaded) machine,
// so the agreement is a property, not a timing.
#include <time.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "core/sync.h"
#include "gtest/gtest.h"
#include "policies/static_policy.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool {
namespace {

int64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Burns `ns` of this thread's CPU time, however slowly the machine runs.
void burn_cpu(int64_t ns) {
  const int64_t end = thread_cpu_ns() + ns;
  while (thread_cpu_ns() < end) {
  }
}

struct Workload {
  const char* name;
  int64_t cpu_ns;    // CPU part of each task
  int64_t sleep_ns;  // blocking part of each task
};

struct Exact {
  Mutex mu;
  double sum_wall = 0, sum_cpu = 0, sum_beta = 0;
  int n = 0;
};

struct Outcome {
  double exact_interval_beta = 0, exact_mean_beta = 0;
  double interval_beta = 0, window_beta = 0;
  int64_t window_tasks = 0;
};

Outcome run(const Workload& w, bool paced) {
  constexpr int kTasks = 60;
  MetricsOptions metrics;
  metrics.window_size = kTasks;
  metrics.window_max_age = absl::Seconds(600);  // a slow sanitizer run
  auto built = ExecutorBuilder()
                   .policy<StaticPolicy>(2)
                   .no_sensor()
                   .clock<ThreadCpuClock>()
                   .metrics_options(metrics)
                   .min_workers(2)
                   .max_workers(2)
                   .initial_workers(2)
                   .manual_control()
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  std::unique_ptr<Executor> ex = *std::move(built);
  Exact exact;
  for (int i = 0; i < kTasks; ++i) {
    ex->post([&exact, w] {
      const int64_t wall0 = steady_ns();
      const int64_t cpu0 = thread_cpu_ns();
      if (w.sleep_ns > 0) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(w.sleep_ns / 2));
      }
      burn_cpu(w.cpu_ns);
      if (w.sleep_ns > 0) {
        std::this_thread::sleep_for(std::chrono::nanoseconds(w.sleep_ns / 2));
      }
      const double cpu = static_cast<double>(thread_cpu_ns() - cpu0);
      const double wall = static_cast<double>(steady_ns() - wall0);
      MutexLock lock(&exact.mu);
      exact.sum_wall += wall;
      exact.sum_cpu += cpu;
      exact.sum_beta += blocking_ratio(wall, cpu);
      ++exact.n;
    });
    // Paced: about two thirds of the pool's capacity, so workers go idle.
    if (paced) {
      std::this_thread::sleep_for(
          std::chrono::nanoseconds((w.cpu_ns + w.sleep_ns) * 3 / 4));
    }
  }
  ex->shutdown(true);  // every worker has published its last checkpoint
  const ControllerSnapshot s = ex->controller().peek();
  Outcome o;
  MutexLock lock(&exact.mu);
  EXPECT_EQ(exact.n, kTasks);
  o.exact_interval_beta = 1.0 - exact.sum_cpu / exact.sum_wall;
  o.exact_mean_beta = exact.sum_beta / exact.n;
  o.interval_beta = s.interval.beta().value_or(-1.0);
  o.window_beta = s.window.avg_blocking_ratio;
  o.window_tasks = s.window.task_count;
  return o;
}

class BetaAgreementTest
    : public ::testing::TestWithParam<std::tuple<Workload, bool>> {};

TEST_P(BetaAgreementTest, ExecutorBetaMatchesExactPerTaskBeta) {
  const auto& [workload, paced] = GetParam();
  const Outcome o = run(workload, paced);
  EXPECT_NEAR(o.interval_beta, o.exact_interval_beta, 0.05)
      << workload.name << (paced ? " paced" : " burst");
  // Tasks of 2 ms are longer than record_spacing (1 ms): all are recorded.
  EXPECT_GE(o.window_tasks, 50);
  EXPECT_NEAR(o.window_beta, o.exact_mean_beta, 0.05)
      << workload.name << (paced ? " paced" : " burst");
  std::printf("%-12s %s: exact interval %.3f, executor %.3f; exact mean %.3f, "
              "window %.3f (%lld tasks)\n",
              workload.name, paced ? "paced" : "burst", o.exact_interval_beta,
              o.interval_beta, o.exact_mean_beta, o.window_beta,
              static_cast<long long>(o.window_tasks));
}

INSTANTIATE_TEST_SUITE_P(
    LabWorkloads, BetaAgreementTest,
    ::testing::Combine(
        ::testing::Values(Workload{"sleep_heavy", 200'000, 1'800'000},
                          Workload{"cpu_heavy", 2'000'000, 0},
                          Workload{"mixed", 1'000'000, 1'000'000}),
        ::testing::Bool()),
    [](const auto& info) {
      return std::string(std::get<0>(info.param).name) +
             (std::get<1>(info.param) ? "_paced" : "_burst");
    });

}  // namespace
}  // namespace betapool

// The README's quick start: replace a fixed-size pool with one that sizes
// itself, submit work, read the result and what the controller decided.
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "betapool/betapool.h"

int main() {
  betapool::ControllerConfig config;
  config.monitor_interval = absl::Milliseconds(100);  // decide quickly
  config.stabilization_window = absl::Milliseconds(200);

  absl::StatusOr<std::unique_ptr<betapool::Executor>> built =
      betapool::ExecutorBuilder()
          .policy<betapool::BetaVetoPolicy>()
          .sensor<betapool::ProcStatSensor>()
          .min_workers(2)
          .max_workers(32)
          .config(config)
          .build();
  if (!built.ok()) {
    std::fprintf(stderr, "cannot build executor: %s\n",
                 std::string(built.status().message()).c_str());
    return 1;
  }
  betapool::Executor& executor = **built;

  // An I/O-bound stream: each task waits 20 ms (a stand-in for an RPC).
  std::vector<betapool::Future<int>> futures;
  for (int i = 0; i < 400; ++i) {
    futures.push_back(executor.submit([i] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return i;
    }));
  }
  long sum = 0;
  for (auto& f : futures) sum += f.get();

  const betapool::ExecutorMetrics m = executor.metrics();
  std::printf("sum of results: %ld\n", sum);
  std::printf("threads now: %d (started at 2, max 32)\n", m.thread_count);
  std::printf("window beta: %.2f over %lld tasks\n", m.window.avg_blocking_ratio,
              static_cast<long long>(m.window.task_count));
  for (const betapool::DecisionRecord& d : executor.decision_history()) {
    if (d.decision != "hold") {
      std::printf("t=%.1fs %s %d -> %d: %s\n", d.timestamp, d.decision.c_str(),
                  d.threads_before, d.threads_after, d.reason.c_str());
    }
  }
  executor.shutdown();
  return 0;
}

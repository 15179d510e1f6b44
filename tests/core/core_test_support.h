// File: tests/core/core_test_support.h
//
// Helpers shared by the core's real-thread tests: a fixed-size executor
// that only the test resizes, a bounded poll, and the OS thread count.
#ifndef BETAPOOL_TESTS_CORE_CORE_TEST_SUPPORT_H_
#define BETAPOOL_TESTS_CORE_CORE_TEST_SUPPORT_H_

#include <dirent.h>

#include <chrono>
#include <memory>
#include <thread>

#include "betapool/executor_builder.h"
#include "core/executor.h"
#include "gtest/gtest.h"
#include "policies/static_policy.h"

namespace betapool::testing_support {

// `workers` threads (bounds [1, max_workers], max_workers 0 = workers), no
// CPU sensor and no background controller: only the test changes its size.
inline std::unique_ptr<Executor> fixed_executor(
    int workers, int max_workers = 0, MetricsOptions metrics = {}) {
  auto built = ExecutorBuilder()
                   .metrics_options(metrics)
                   .policy<StaticPolicy>(workers)
                   .no_sensor()
                   .min_workers(1)
                   .max_workers(max_workers > 0 ? max_workers : workers)
                   .initial_workers(workers)
                   .manual_control()
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  return built.ok() ? *std::move(built) : nullptr;
}

// Polls `done` for up to 60 s: generous, so only a hang fails on a loaded
// machine.
template <class Pred>
bool eventually(Pred done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// Threads of this process as the kernel lists them (/proc/self/task), or -1.
inline int os_thread_count() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace betapool::testing_support

#endif  // BETAPOOL_TESTS_CORE_CORE_TEST_SUPPORT_H_

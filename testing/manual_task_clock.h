// File: testing/manual_task_clock.h
//
// ManualTaskClock: a TaskClock that moves only when told to, for
// deterministic tests of measurement and control. Wall time is shared by all
// threads; CPU time is one counter shared by all threads too, so exact
// per-task CPU figures need a single worker (or tasks that do not overlap).
//
// Example:
//   betapool::ManualTaskClock clock;
//   executor.submit([&] { clock.advance(absl::Milliseconds(10),   // wall
//                                       absl::Milliseconds(2)); }); // cpu
//   // the task's beta is 1 - 2/10 = 0.8
//
// Thread safety: all methods are safe from any thread.
#ifndef BETAPOOL_TESTING_MANUAL_TASK_CLOCK_H_
#define BETAPOOL_TESTING_MANUAL_TASK_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "core/task_clock.h"

namespace betapool {

class ManualTaskClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override {
    return wall_ns_.load(std::memory_order_acquire);
  }
  int64_t thread_cpu_now_ns() noexcept override {
    return cpu_ns_.load(std::memory_order_acquire);
  }
  std::string_view name() const noexcept override { return "manual"; }

  // Moves wall time forward by `wall` and CPU time by `cpu`.
  void advance(absl::Duration wall, absl::Duration cpu = absl::ZeroDuration()) {
    cpu_ns_.fetch_add(absl::ToInt64Nanoseconds(cpu), std::memory_order_acq_rel);
    wall_ns_.fetch_add(absl::ToInt64Nanoseconds(wall),
                       std::memory_order_acq_rel);
  }

 private:
  std::atomic<int64_t> wall_ns_{1'000'000'000};
  std::atomic<int64_t> cpu_ns_{0};
};

}  // namespace betapool

#endif  // BETAPOOL_TESTING_MANUAL_TASK_CLOCK_H_

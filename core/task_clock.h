// File: core/task_clock.h
//
// TaskClock: the time source behind the blocking ratio. It answers two
// questions for the calling thread: "what time is it" (monotonic wall time)
// and "how much CPU has this thread used". Workers call it around tasks; the
// controller calls `wall_now_ns` to timestamp its ticks.
//
// Implementations: `ThreadCpuClock` (sensors/thread_cpu_clock.h, the real
// one) and `ManualTaskClock` (testing/manual_task_clock.h, for tests).
//
// Example:
//   class MyClock : public betapool::TaskClock {
//    public:
//     int64_t wall_now_ns() noexcept override { ... }
//     int64_t thread_cpu_now_ns() noexcept override { ... }
//   };
#ifndef BETAPOOL_CORE_TASK_CLOCK_H_
#define BETAPOOL_CORE_TASK_CLOCK_H_

#include <cstdint>
#include <string_view>

namespace betapool {

class TaskClock {
 public:
  virtual ~TaskClock() = default;

  // Monotonic wall time in nanoseconds from an arbitrary fixed origin.
  // Must be callable from any thread concurrently.
  virtual int64_t wall_now_ns() noexcept = 0;

  // CPU time consumed so far by the *calling* thread, in nanoseconds.
  // Must be callable from any thread concurrently.
  virtual int64_t thread_cpu_now_ns() noexcept = 0;

  // A short registered-style name for logs ("thread_cpu", "manual").
  virtual std::string_view name() const noexcept { return "custom"; }
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_TASK_CLOCK_H_

// File: testing/task_clock_contract.h
//
// The TaskClock contract (core/task_clock.h) as a typed GoogleTest suite
// that every clock — betapool's and yours — can run. A clock must:
//   - give monotonic wall time: never lower than a reading that happened
//     before it, on the same thread or another (one fixed origin);
//   - give the calling thread's CPU time, never decreasing on a thread;
//   - not count other threads' CPU: a blocked thread's CPU time stays below
//     half of what a busy thread burnt meanwhile;
//   - never report more CPU than wall time for a busy thread;
//   - be callable from several threads at once;
//   - have a non-empty name().
// A clock that follows real time (declares `static constexpr bool
// kRealTime = true`) is also checked against std::chrono::steady_clock:
// wall time runs at the steady clock's rate in nanoseconds, and a busy
// thread's CPU time advances. A manual clock (testing/manual_task_clock.h)
// leaves kRealTime out: it moves only when told to.
//
// Example (your test .cc; link betapool::testing and GTest::gtest_main):
//   #include "testing/task_clock_contract.h"
//   struct MakeMine {
//     static constexpr bool kRealTime = true;
//     std::unique_ptr<betapool::TaskClock> make() {
//       return std::make_unique<MyClock>();
//     }
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Mine, TaskClockContract,
//                                  ::testing::Types<MakeMine>);
//
// The busy checks burn ~10 ms of CPU (real-time clocks: as measured by the
// clock under test, failing after 10 s if it never gets there); they never
// sleep.
#ifndef BETAPOOL_TESTING_TASK_CLOCK_CONTRACT_H_
#define BETAPOOL_TESTING_TASK_CLOCK_CONTRACT_H_

#include <memory>

#include "core/task_clock.h"
#include "gtest/gtest.h"

namespace betapool::testing {

// Reads wall time `reads` times on this thread; fails at the first reading
// below its predecessor.
::testing::AssertionResult check_wall_monotonic(TaskClock& clock, int reads);

// Burns CPU, reading the thread's CPU time after each slice; fails at the
// first reading below its predecessor.
::testing::AssertionResult check_cpu_non_decreasing(TaskClock& clock,
                                                    bool real_time);

// A reading on one thread, then on a thread started after it, then on the
// first again after joining: each at least the one before.
::testing::AssertionResult check_one_origin_across_threads(TaskClock& clock);

// `threads` threads call both methods at once; each sees both monotonic.
::testing::AssertionResult check_concurrent_calls(TaskClock& clock, int threads);

// Busy thread: CPU delta <= wall delta (+ 1 % + 0.5 ms for clock sources
// that tick apart); real-time clocks: the CPU delta reaches the burn target
// and the wall delta matches the steady clock's.
::testing::AssertionResult check_busy_thread(TaskClock& clock, bool real_time);

// A thread blocked while this one burns CPU sees at most half that CPU.
::testing::AssertionResult check_cpu_is_per_thread(TaskClock& clock,
                                                   bool real_time);

}  // namespace betapool::testing

template <class Maker>
class TaskClockContract : public ::testing::Test {
 protected:
  static constexpr bool real_time() {
    if constexpr (requires { Maker::kRealTime; }) {
      return Maker::kRealTime;
    } else {
      return false;
    }
  }
  std::unique_ptr<betapool::TaskClock> make() {
    std::unique_ptr<betapool::TaskClock> clock = maker_.make();
    EXPECT_NE(clock, nullptr);
    return clock;
  }

  Maker maker_;
};

TYPED_TEST_SUITE_P(TaskClockContract);

TYPED_TEST_P(TaskClockContract, NameIsNonEmpty) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_FALSE(clock->name().empty());
}

TYPED_TEST_P(TaskClockContract, WallTimeIsMonotonic) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_TRUE(betapool::testing::check_wall_monotonic(*clock, 100000));
  EXPECT_TRUE(betapool::testing::check_one_origin_across_threads(*clock));
}

TYPED_TEST_P(TaskClockContract, ThreadCpuTimeNeverDecreases) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_TRUE(betapool::testing::check_cpu_non_decreasing(*clock, TestFixture::real_time()));
}

TYPED_TEST_P(TaskClockContract, CallableFromSeveralThreadsAtOnce) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_TRUE(betapool::testing::check_concurrent_calls(*clock, 4));
}

TYPED_TEST_P(TaskClockContract, BusyThreadCpuTimeIsNotAboveWallTime) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_TRUE(betapool::testing::check_busy_thread(*clock, TestFixture::real_time()));
}

TYPED_TEST_P(TaskClockContract, CpuTimeIsTheCallingThreads) {
  std::unique_ptr<betapool::TaskClock> clock = this->make();
  ASSERT_NE(clock, nullptr);
  EXPECT_TRUE(betapool::testing::check_cpu_is_per_thread(*clock, TestFixture::real_time()));
}

REGISTER_TYPED_TEST_SUITE_P(TaskClockContract, NameIsNonEmpty, WallTimeIsMonotonic,
                            ThreadCpuTimeNeverDecreases,
                            CallableFromSeveralThreadsAtOnce,
                            BusyThreadCpuTimeIsNotAboveWallTime,
                            CpuTimeIsTheCallingThreads);

#endif  // BETAPOOL_TESTING_TASK_CLOCK_CONTRACT_H_

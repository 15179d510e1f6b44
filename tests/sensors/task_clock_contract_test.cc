// Runs the TaskClock contract (testing/task_clock_contract.h) on the real
// clock (ThreadCpuClock, checked against the steady clock too) and on the
// manual test clock.
#include <memory>

#include "gtest/gtest.h"
#include "sensors/thread_cpu_clock.h"
#include "testing/manual_task_clock.h"
#include "testing/task_clock_contract.h"

namespace {

struct MakeThreadCpu {
  static constexpr bool kRealTime = true;
  std::unique_ptr<betapool::TaskClock> make() {
    return std::make_unique<betapool::ThreadCpuClock>();
  }
};

struct MakeManual {
  std::unique_ptr<betapool::TaskClock> make() {
    return std::make_unique<betapool::ManualTaskClock>();
  }
};

using BuiltinClocks = ::testing::Types<MakeThreadCpu, MakeManual>;
INSTANTIATE_TYPED_TEST_SUITE_P(BuiltinTaskClockContract, TaskClockContract, BuiltinClocks);

}  // namespace

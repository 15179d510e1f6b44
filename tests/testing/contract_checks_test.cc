// The contract checks of betapool::testing can fail: each is run on a
// deliberately broken implementation of its interface and must reject it
// (and accept a correct one), so a suite that passes means something.
#include <time.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/cpu_sensor.h"
#include "core/metrics_sink.h"
#include "core/scaling_policy.h"
#include "core/task_clock.h"
#include "gtest/gtest.h"
#include "sensors/thread_cpu_clock.h"
#include "testing/cpu_sensor_contract.h"
#include "testing/metrics_sink_contract.h"
#include "testing/scaling_policy_contract.h"
#include "testing/task_clock_contract.h"

// This file calls the suites' check functions directly; it instantiates no
// suite.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CpuSensorContract);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(MetricsSinkContract);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ScalingPolicyContract);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TaskClockContract);

namespace betapool {
namespace {

namespace bt = ::betapool::testing;

// --- CpuSensor --------------------------------------------------------------

TEST(CpuSensorChecksTest, RejectOutOfRangeNaNAndSilentReadings) {
  CpuReading good;
  good.system_percent = 42.0;
  good.effective_cpus = 1.5;
  EXPECT_TRUE(bt::check_reading(good));

  CpuReading over = good;
  over.process_percent = 100.5;
  EXPECT_FALSE(bt::check_reading(over));
  CpuReading nan = good;
  nan.throttled_percent = std::nan("");
  EXPECT_FALSE(bt::check_reading(nan));
  CpuReading negative = good;
  negative.pressure_some_percent = -0.1;
  EXPECT_FALSE(bt::check_reading(negative));
  CpuReading no_cpus = good;
  no_cpus.effective_cpus = 0.0;
  EXPECT_FALSE(bt::check_reading(no_cpus));

  CpuReading silent;  // nothing, and no reason
  EXPECT_FALSE(bt::check_reading(silent));
  silent.status = "cannot open /proc/stat";
  EXPECT_TRUE(bt::check_reading(silent));
}

class ThrowingSensor : public CpuSensor {
 public:
  CpuReading read() override { throw std::runtime_error("cannot open"); }
  std::string_view name() const noexcept override { return "throwing"; }
};

TEST(CpuSensorChecksTest, RejectASensorThatThrows) {
  ThrowingSensor sensor;
  CpuReading r;
  EXPECT_FALSE(bt::read_without_throwing(sensor, &r));
}

// --- TaskClock --------------------------------------------------------------

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The classic mistake: the process's CPU time, not the calling thread's.
class ProcessCpuClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override { return clock_ns(CLOCK_MONOTONIC); }
  int64_t thread_cpu_now_ns() noexcept override {
    return clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  }
};

// Wall time in microseconds where nanoseconds are due.
class MicrosecondWallClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override { return clock_ns(CLOCK_MONOTONIC) / 1000; }
  int64_t thread_cpu_now_ns() noexcept override {
    return clock_ns(CLOCK_THREAD_CPUTIME_ID);
  }
};

// CPU time that runs a million times faster than wall time (scripted, so
// the verdict does not depend on how much CPU this thread gets).
class OvercountingCpuClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override { return wall_ += 1; }
  int64_t thread_cpu_now_ns() noexcept override { return cpu_ += 1'000'000; }

 private:
  std::atomic<int64_t> wall_{0};
  std::atomic<int64_t> cpu_{0};
};

// Runs backwards now and then.
class BackwardsClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override { return 1'000'000 - (++calls_ % 7); }
  int64_t thread_cpu_now_ns() noexcept override { return 1'000'000 - (++calls_ % 7); }

 private:
  int64_t calls_ = 0;
};

TEST(TaskClockChecksTest, AcceptTheRealClock) {
  ThreadCpuClock clock;
  EXPECT_TRUE(bt::check_busy_thread(clock, /*real_time=*/true));
  EXPECT_TRUE(bt::check_cpu_is_per_thread(clock, /*real_time=*/true));
}

TEST(TaskClockChecksTest, RejectProcessCpuTime) {
  ProcessCpuClock clock;
  EXPECT_FALSE(bt::check_cpu_is_per_thread(clock, /*real_time=*/true));
}

TEST(TaskClockChecksTest, RejectWallTimeInTheWrongUnit) {
  MicrosecondWallClock clock;
  EXPECT_FALSE(bt::check_busy_thread(clock, /*real_time=*/true));
}

TEST(TaskClockChecksTest, RejectMoreCpuThanWallTime) {
  OvercountingCpuClock clock;
  EXPECT_FALSE(bt::check_busy_thread(clock, /*real_time=*/false));
}

TEST(TaskClockChecksTest, RejectAClockThatRunsBackwards) {
  BackwardsClock clock;
  EXPECT_FALSE(bt::check_wall_monotonic(clock, 100));
  EXPECT_FALSE(bt::check_cpu_non_decreasing(clock, /*real_time=*/false));
}

// --- MetricsSink ------------------------------------------------------------

// Chokes on the NaN of "no evidence".
class NaNIntolerantSink : public MetricsSink {
 public:
  void on_tick(const ExperimentLogEntry& e) override {
    if (std::isnan(e.blocking_ratio)) throw std::domain_error("NaN beta");
  }
};

// Writes a marker at every flush, records or not.
class ChattyFlushSink : public MetricsSink {
 public:
  void flush() override { out_ += "flushed\n"; }
  std::string out_;
};

TEST(MetricsSinkChecksTest, RejectASinkThatThrowsOnNaN) {
  NaNIntolerantSink sink;
  EXPECT_FALSE(bt::feed_edge_records(sink));
  MetricsSink defaults;  // the no-op hooks keep the contract
  EXPECT_TRUE(bt::feed_edge_records(defaults));
}

TEST(MetricsSinkChecksTest, RejectAFlushThatIsNotIdempotent) {
  ChattyFlushSink sink;
  EXPECT_FALSE(bt::check_flush_idempotent(sink, [&] { return sink.out_; }));
}

TEST(MetricsSinkChecksTest, EdgeRecordsCoverNaNHugeAndEmpty) {
  bool nan = false;
  bool huge_string = false;
  bool empty_reason = false;
  for (const TaskMetrics& m : bt::edge_task_records()) {
    nan = nan || std::isnan(m.wall_time);
    huge_string = huge_string || m.error_message.size() >= (1u << 20);
  }
  for (const DecisionRecord& d : bt::edge_decision_records()) {
    empty_reason = empty_reason || d.reason.empty();
  }
  EXPECT_TRUE(nan);
  EXPECT_TRUE(huge_string);
  EXPECT_TRUE(empty_reason);
}

// --- ScalingPolicy ----------------------------------------------------------

// Ignores the upper bound.
class UnboundedPolicy : public ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "unbounded"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    return {s.current_workers + 1, DecisionKind::kScaleUp, "more"};
  }
};

// Says "hold" while changing the count.
class MislabelledPolicy : public ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "mislabelled"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    return {s.min_workers, DecisionKind::kHold, "min"};
  }
};

// Shares state between instances: two fresh ones answer differently.
class SharedCounterPolicy : public ScalingPolicy {
 public:
  std::string_view name() const noexcept override { return "shared"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    static int calls = 0;
    const int target = (++calls % 2 == 0) ? s.min_workers : s.max_workers;
    return {target,
            target > s.current_workers   ? DecisionKind::kScaleUp
            : target < s.current_workers ? DecisionKind::kScaleDown
                                         : DecisionKind::kHold,
            "alternating"};
  }
};

template <class P>
bt::PolicyFactory factory() {
  return [] { return std::make_unique<P>(); };
}

TEST(ScalingPolicyChecksTest, RejectBrokenPolicies) {
  EXPECT_FALSE(bt::check_bounds_and_kinds(factory<UnboundedPolicy>(), 1));
  EXPECT_FALSE(bt::check_bounds_and_kinds(factory<MislabelledPolicy>(), 1));
  EXPECT_FALSE(bt::check_deterministic(factory<SharedCounterPolicy>(), 1));
  EXPECT_FALSE(bt::check_bounds_and_kinds([] { return nullptr; }, 1));
}

}  // namespace
}  // namespace betapool

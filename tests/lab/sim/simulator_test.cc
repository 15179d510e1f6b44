#include "lab/sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/scenarios.h"
#include "policies/beta_veto_policy.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

// Records every snapshot; answers `target(s)` (default: hold).
class Recorder : public ScalingPolicy {
 public:
  explicit Recorder(std::function<int(const ControllerSnapshot&)> target = nullptr)
      : target_(std::move(target)) {}
  std::string_view name() const noexcept override { return "recorder"; }
  ScalingDecision decide(const ControllerSnapshot& s) override {
    seen.push_back(s);
    const int t = target_ ? target_(s) : s.current_workers;
    return {t, t > s.current_workers   ? DecisionKind::kScaleUp
               : t < s.current_workers ? DecisionKind::kScaleDown
                                       : DecisionKind::kHold,
            "recorder"};
  }
  std::vector<ControllerSnapshot> seen;

 private:
  std::function<int(const ControllerSnapshot&)> target_;
};

// Native CPU work (no GIL): every task is `cpu_ms` of CPU, closed loop.
Scenario cpu_only(double cpu_ms) {
  Scenario s;
  s.name = "cpu_only";
  s.machine.cores = 4;
  s.arrivals = ArrivalSpec::closed_loop(200);
  s.phases = {{absl::ZeroDuration(),
               {"cpu", {SegmentSpec::cpu(Distribution::constant(
                                             absl::Microseconds(1000 * cpu_ms)),
                                         0.0)}}}};
  s.min_workers = 1;
  s.max_workers = 64;
  s.duration = absl::Seconds(60);
  return s;
}

SimResult run_static(Scenario s, int n, absl::Duration d, uint64_t seed = 1) {
  s.min_workers = 1;
  s.max_workers = std::max(s.max_workers, n);
  StaticPolicy p(n);
  SimOptions o;
  o.seed = seed;
  o.duration = d;
  o.initial_workers = n;
  return simulate(s, p, o).value();
}

// Mean of a tick field over ticks at or after `from` seconds (NaN skipped).
double tick_mean(const SimResult& r, double from,
                 std::function<double(const DecisionRecord&)> f) {
  double sum = 0;
  int n = 0;
  for (const DecisionRecord& t : r.ticks) {
    if (t.timestamp < from || std::isnan(f(t))) continue;
    sum += f(t);
    ++n;
  }
  return n > 0 ? sum / n : std::nan("");
}

TEST(SimulatorTest, IsDeterministicForASeed) {
  SimOptions o;
  o.duration = absl::Seconds(60);
  BetaVetoPolicy a, b;
  const SimResult ra = simulate(scenarios::mixed(), a, o).value();
  const SimResult rb = simulate(scenarios::mixed(), b, o).value();
  EXPECT_EQ(ra.completed, rb.completed);
  EXPECT_EQ(ra.p99_latency, rb.p99_latency);
  ASSERT_EQ(ra.ticks.size(), rb.ticks.size());
  for (std::size_t i = 0; i < ra.ticks.size(); ++i) {
    EXPECT_EQ(ra.ticks[i].threads_after, rb.ticks[i].threads_after) << i;
    EXPECT_EQ(ra.ticks[i].interval_completed, rb.ticks[i].interval_completed) << i;
    EXPECT_EQ(ra.ticks[i].process_cpu_percent, rb.ticks[i].process_cpu_percent) << i;
  }
  BetaVetoPolicy c;
  o.seed = 2;
  EXPECT_NE(simulate(scenarios::mixed(), c, o).value().completed, ra.completed);
}

TEST(SimulatorTest, TicksEveryMonitorIntervalWithExactIntervalTotals) {
  Recorder rec;
  SimOptions o;
  o.duration = absl::Seconds(20);
  o.controller.monitor_interval = absl::Milliseconds(250);
  const SimResult r = simulate(scenarios::io_bound(), rec, o).value();
  ASSERT_EQ(rec.seen.size(), 80u);
  int64_t total = 0;
  for (std::size_t i = 0; i < rec.seen.size(); ++i) {
    const ControllerSnapshot& s = rec.seen[i];
    EXPECT_NEAR(absl::ToDoubleSeconds(s.now), 0.25 * (i + 1), 1e-9);
    EXPECT_NEAR(absl::ToDoubleSeconds(s.interval.length), 0.25, 1e-9);
    total += s.interval.completed;
    EXPECT_EQ(s.total_completed, total) << "tick " << i;
    EXPECT_EQ(s.min_workers, 4);
    EXPECT_EQ(s.max_workers, 64);
    EXPECT_EQ(s.current_workers, 4);
    // Closed loop: every outstanding task is queued or running.
    EXPECT_EQ(s.queue_depth + s.busy_workers, 200) << "tick " << i;
    EXPECT_LE(s.window.task_count, 100);
    if (s.window.task_count > 0) {
      EXPECT_GE(s.window.window_start, absl::ToDoubleSeconds(s.now) - 2.0);
    }
    ASSERT_TRUE(s.cpu.system_percent.has_value());
    ASSERT_TRUE(s.cpu.process_percent.has_value());
    EXPECT_EQ(s.cpu.effective_cpus, 4.0);
  }
  // The run ends on a tick, so every completion was reported by one.
  EXPECT_EQ(r.completed, total);
}

TEST(SimulatorTest, ClampsAndAppliesTargetsLikeTheController) {
  int tick = 0;
  Recorder rec([&tick](const ControllerSnapshot&) {
    ++tick;
    return tick < 10 ? 1000 : -5;
  });
  SimOptions o;
  o.duration = absl::Seconds(10);
  const SimResult r = simulate(scenarios::io_bound(), rec, o).value();
  EXPECT_EQ(r.ticks[0].requested, 1000);
  EXPECT_EQ(r.ticks[0].threads_after, 64);
  EXPECT_EQ(rec.seen[1].current_workers, 64);
  EXPECT_EQ(rec.seen[1].busy_workers, 64) << "new workers start at once";
  EXPECT_EQ(r.ticks[9].requested, -5);
  EXPECT_EQ(r.ticks[9].threads_after, 4);
  EXPECT_EQ(rec.seen[10].current_workers, 4);
  // Surplus workers retire at their next task boundary (tasks last < 0.1 s).
  EXPECT_LE(rec.seen[10].busy_workers, 4);
  EXPECT_EQ(r.max_workers_seen, 64);
  EXPECT_EQ(r.min_workers_seen, 4);
  EXPECT_EQ(r.direction_changes, 1);
}

TEST(SimulatorTest, APolicyThatThrowsHolds) {
  class Thrower : public ScalingPolicy {
   public:
    std::string_view name() const noexcept override { return "thrower"; }
    ScalingDecision decide(const ControllerSnapshot&) override {
      throw std::runtime_error("boom");
    }
  } thrower;
  SimOptions o;
  o.duration = absl::Seconds(5);
  o.record_reasons = true;
  const SimResult r = simulate(scenarios::io_bound(), thrower, o).value();
  EXPECT_EQ(r.policy_faults, 10);
  EXPECT_EQ(r.final_workers, 4);
  EXPECT_EQ(r.ticks[0].reason, "policy threw: boom");
}

TEST(SimulatorTest, CpuBoundThroughputAndBetaFollowTheModel) {
  // 10 ms tasks on 4 cores: n threads complete n x 100 tasks/s up to 4;
  // beyond, each of n runnable threads gets 4/n of a core and loses
  // 0.004 per thread beyond the cores.
  for (int n : {1, 2, 4}) {
    const SimResult r = run_static(cpu_only(10), n, absl::Seconds(60));
    EXPECT_NEAR(r.throughput, 100.0 * n, 0.5 * n) << n;
    EXPECT_NEAR(tick_mean(r, 1, [](const DecisionRecord& t) { return t.blocking_ratio; }),
                0.0, 1e-6)
        << n;
  }
  const SimResult r8 = run_static(cpu_only(10), 8, absl::Seconds(60));
  EXPECT_NEAR(r8.throughput, 400.0 / (1 + 0.004 * 4), 2.0);
  // Waiting for a CPU is off-CPU time: beta reads 1 - 4/8 on pure CPU work.
  EXPECT_NEAR(tick_mean(r8, 1, [](const DecisionRecord& t) { return t.blocking_ratio; }),
              0.5, 0.01);
  EXPECT_NEAR(tick_mean(r8, 1, [](const DecisionRecord& t) { return t.cpu_percent; }),
              100.0, 1e-6);
  EXPECT_NEAR(tick_mean(r8, 1, [](const DecisionRecord& t) { return t.lock_wait_ratio; }),
              0.0, 1e-12);
}

TEST(SimulatorTest, PlainBetaRisesWithThreadsOnGilBoundWork) {
  // The trap measured in the Python reference: pure-Python CPU tasks, more
  // threads, and beta climbs although nothing waits for I/O. The simulator
  // reports the GIL wait as lock wait, so lock-wait ratio tracks beta.
  double previous_throughput = 1e9;
  for (int n : {1, 4, 32}) {
    const SimResult r = run_static(scenarios::fibonacci(), n, absl::Seconds(60));
    const double beta =
        tick_mean(r, 2, [](const DecisionRecord& t) { return t.blocking_ratio; });
    const double lock =
        tick_mean(r, 2, [](const DecisionRecord& t) { return t.lock_wait_ratio; });
    const double cpu =
        tick_mean(r, 2, [](const DecisionRecord& t) { return t.process_cpu_percent; });
    if (n == 1) {
      EXPECT_LT(beta, 0.05);
    }
    // Each of 4 threads holds the GIL a quarter of the time.
    if (n == 4) {
      EXPECT_NEAR(beta, 0.75, 0.05);
    }
    // The reference measured 0.84-0.92 with 32 threads; the model gives
    // 1 - 1/32 plus wake-up CPU, ~0.96. Either way far above 0.7.
    if (n == 32) {
      EXPECT_GT(beta, 0.9);
    }
    EXPECT_NEAR(lock, beta, 0.05) << n;
    // One core of four runs Python at a time, whatever the thread count.
    EXPECT_GE(cpu, 24.0) << n;
    EXPECT_LE(cpu, 33.0) << n;
    // ...and throughput does not grow with threads: it falls.
    EXPECT_LT(r.throughput, previous_throughput) << n;
    previous_throughput = r.throughput;
  }
}

TEST(SimulatorTest, IoThroughputFollowsLittlesLaw) {
  // 8 threads cycling through ~1 ms of GIL work and a 50 ms wait.
  const SimResult r = run_static(scenarios::io_bound(), 8, absl::Seconds(60));
  EXPECT_NEAR(r.throughput, 8.0 / 0.051, 0.02 * 8.0 / 0.051);
}

TEST(SimulatorTest, PoissonArrivalsAreServedAtTheirRate) {
  Scenario s = scenarios::io_bound();
  s.arrivals = ArrivalSpec::poisson(100);
  // 12000 expected arrivals: the count's sd is ~1 %, the bound is 3 %.
  const SimResult r = run_static(s, 32, absl::Seconds(120));
  EXPECT_NEAR(r.throughput, 100.0, 3.0);
  EXPECT_NEAR(r.submitted, 12000, 360);
}

TEST(SimulatorTest, BurstyArrivalsAlternate) {
  const SimResult r = run_static(scenarios::bursty(), 64, absl::Seconds(150));
  // (800 x 5 + 100 x 10) / 15 tasks/s on average.
  EXPECT_NEAR(r.throughput, 1000.0 / 3.0, 10.0);
  const double burst = tick_mean(r, 0, [](const DecisionRecord& t) {
    return std::fmod(t.timestamp - 0.25, 15.0) < 5.0 && t.timestamp > 1 ? t.throughput
                                                              : std::nan("");
  });
  const double quiet = tick_mean(r, 0, [](const DecisionRecord& t) {
    return std::fmod(t.timestamp, 15.0) > 6.0 ? t.throughput : std::nan("");
  });
  EXPECT_GT(burst, 600);
  EXPECT_LT(quiet, 150);
}

TEST(SimulatorTest, PhasesSwitchTheTaskProfile) {
  Recorder rec;
  SimOptions o;
  o.duration = absl::Seconds(320);
  Scenario s = scenarios::io_to_cpu_phase_change();
  simulate(s, rec, o).value();
  const ControllerSnapshot& before = rec.seen[2 * 290 - 1];
  const ControllerSnapshot& after = rec.seen[2 * 315 - 1];
  EXPECT_NEAR(before.window.avg_cpu_time, 0.001, 0.0005);
  EXPECT_NEAR(after.window.avg_cpu_time, 0.010, 0.002);
}

TEST(SimulatorTest, UnavailableCpuSensorReadsEmpty) {
  Scenario s = scenarios::io_bound();
  s.machine.cpu_sensor_available = false;
  Recorder rec;
  SimOptions o;
  o.duration = absl::Seconds(2);
  simulate(s, rec, o).value();
  for (const ControllerSnapshot& snap : rec.seen) {
    EXPECT_FALSE(snap.cpu.system_percent.has_value());
    EXPECT_FALSE(snap.cpu.process_percent.has_value());
    EXPECT_FALSE(snap.cpu.status.empty());
  }
}

TEST(SimulatorTest, RecordSpacingSamplesRecordsButCountsEveryCompletion) {
  Recorder rec;
  SimOptions o;
  o.duration = absl::Seconds(10);
  o.metrics.record_spacing = absl::Seconds(5);
  simulate(scenarios::io_bound(), rec, o).value();
  const ControllerSnapshot& last = rec.seen.back();
  // Each of 4 workers records at most one task per 5 s.
  EXPECT_LE(last.window.task_count, 8);
  EXPECT_GT(last.total_completed, 700);
}

TEST(SimulatorTest, RejectsInvalidOptionsNamingTheField) {
  StaticPolicy p(4);
  SimOptions o;
  o.controller.monitor_interval = absl::ZeroDuration();
  EXPECT_THAT(std::string(simulate(scenarios::io_bound(), p, o).status().message()),
              HasSubstr("monitor_interval must be positive"));
  o = SimOptions{};
  o.initial_workers = 65;
  EXPECT_THAT(std::string(simulate(scenarios::io_bound(), p, o).status().message()),
              HasSubstr("initial_workers must be within [4, 64], got 65"));
  Scenario bad = scenarios::io_bound();
  bad.machine.cores = 0;
  EXPECT_EQ(simulate(bad, p).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace betapool

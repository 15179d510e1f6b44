// The live Controller and the simulator run the same control step: one
// scripted sequence — per 0.5 s interval, 32 back-to-back tasks of 1/64 s on
// one worker (the next task already running at the tick), CPU share and
// beta changing at 1 s — is played through a manual-clock executor (fake CPU
// sensor fed the script's CPU share) and through simulate() on a one-core
// machine running the same tasks; every field of every DecisionRecord must
// agree. Deterministic: manual clock and fake sensor live, virtual time in
// the simulator, durations that are exact binary fractions.
#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/notification.h"
#include "betapool/executor_builder.h"
#include "boost/pfr.hpp"
#include "core/future.h"
#include "core/scaling_decision.h"
#include "gtest/gtest.h"
#include "lab/sim/scenario.h"
#include "lab/sim/simulator.h"
#include "policies/beta_veto_policy.h"
#include "testing/fake_cpu_sensor.h"
#include "testing/manual_task_clock.h"

namespace betapool {
namespace {

constexpr int kTicks = 5;
constexpr int kTasksPerTick = 32;       // 32 x 1/64 s = one 0.5 s interval
constexpr double kTaskWall = 1.0 / 64;  // seconds
constexpr int kSwitchTask = 64;         // the first task submitted at 1 s

// CPU seconds of task `i` (the rest of its 1/64 s waits).
double task_cpu(int i) { return i < kSwitchTask ? 1.0 / 256 : 1.0 / 128; }

ControllerConfig eager_config() {
  ControllerConfig c;
  c.stabilization_window = absl::ZeroDuration();
  c.warmup_task_count = 0;
  return c;
}

MetricsOptions every_task() {
  MetricsOptions m;
  m.record_spacing = absl::ZeroDuration();
  return m;
}

TaskProfile profile(double cpu) {
  TaskProfile p;
  p.name = "scripted";
  p.segments = {
      SegmentSpec::cpu(Distribution::constant(absl::Seconds(cpu)), 0.0),
      SegmentSpec::wait(Distribution::constant(absl::Seconds(kTaskWall - cpu)))};
  return p;
}

std::vector<DecisionRecord> run_simulated() {
  Scenario s;
  s.name = "scripted";
  s.machine.cores = 1;
  s.machine.overhead_per_thread = 0;
  s.arrivals = ArrivalSpec::closed_loop(1);
  s.phases = {Phase{absl::ZeroDuration(), profile(task_cpu(0))},
              Phase{absl::Seconds(kSwitchTask * kTaskWall),
                    profile(task_cpu(kSwitchTask))}};
  s.min_workers = s.max_workers = s.initial_workers = 1;
  BetaVetoPolicy policy(eager_config());
  SimOptions o;
  o.controller = eager_config();
  o.metrics = every_task();
  o.duration = absl::Seconds(0.5 * kTicks + 0.25);
  o.record_reasons = true;
  absl::StatusOr<SimResult> r = simulate(s, policy, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->ticks : std::vector<DecisionRecord>{};
}

std::vector<DecisionRecord> run_live() {
  auto clock_owner = std::make_unique<ManualTaskClock>();
  auto sensor = std::make_unique<FakeCpuSensor>(0.0);
  ManualTaskClock* clock = clock_owner.get();
  std::shared_ptr<FakeCpuSensor::Handle> cpu = sensor->handle();
  auto built = ExecutorBuilder()
                   .policy(std::make_unique<BetaVetoPolicy>(eager_config()))
                   .sensor(std::move(sensor))
                   .clock(std::move(clock_owner))
                   .metrics_options(every_task())
                   .min_workers(1)
                   .max_workers(1)
                   .initial_workers(1)
                   .manual_control()
                   .build();
  EXPECT_TRUE(built.ok()) << built.status();
  if (!built.ok()) return {};
  std::unique_ptr<Executor> ex = *std::move(built);

  auto run_task = [&](int i) {
    return ex->submit([clock, i] {
      clock->advance(absl::Seconds(kTaskWall), absl::Seconds(task_cpu(i)));
    });
  };
  // The next task's record starts only after the previous one's is closed
  // (its future is ready before the worker's end-of-task clock read).
  auto wait_completed = [&](int64_t n) {
    while (ex->metrics().tasks_completed < n) std::this_thread::yield();
  };

  std::vector<DecisionRecord> records;
  int next = 0;
  std::unique_ptr<absl::Notification> release;
  Future<void> held;
  for (int tick = 1; tick <= kTicks; ++tick) {
    double cpu_seconds = 0;
    if (release) {  // the task running at the previous tick ends first
      release->Notify();
      held.get();
      cpu_seconds += task_cpu(next - 1);
      wait_completed(next);
    }
    while (next < tick * kTasksPerTick) {
      cpu_seconds += task_cpu(next);
      run_task(next++).get();
      wait_completed(next);
    }
    // The next task is inside its first instant at the tick, as in the
    // closed-loop simulation: busy, and no time on the clock yet.
    release = std::make_unique<absl::Notification>();
    absl::Notification entered;
    const int i = next++;
    held = ex->submit([clock, i, &entered, gate = release.get()] {
      entered.Notify();
      gate->WaitForNotification();
      clock->advance(absl::Seconds(kTaskWall), absl::Seconds(task_cpu(i)));
    });
    entered.WaitForNotification();
    // The script's CPU share of the interval, on one CPU.
    CpuReading reading;
    reading.system_percent = reading.process_percent =
        100.0 * cpu_seconds / (kTasksPerTick * kTaskWall);
    reading.effective_cpus = 1.0;
    cpu->set(reading);
    records.push_back(ex->controller().tick());
  }
  release->Notify();
  held.get();
  return records;
}

void expect_same_field(double live, double sim, const char* name, int tick) {
  if (std::isnan(live) || std::isnan(sim)) {
    EXPECT_EQ(std::isnan(live), std::isnan(sim))
        << name << " at tick " << tick << ": live " << live << ", sim " << sim;
    return;
  }
  EXPECT_NEAR(live, sim, 1e-9) << name << " at tick " << tick;
}

template <class T>
void expect_same_field(const T& live, const T& sim, const char* name, int tick) {
  EXPECT_EQ(live, sim) << name << " at tick " << tick;
}

template <std::size_t... I>
void expect_same_record(const DecisionRecord& live, const DecisionRecord& sim,
                        int tick, std::index_sequence<I...>) {
  (expect_same_field(boost::pfr::get<I>(live), boost::pfr::get<I>(sim),
                     DecisionRecord::kFieldNames[I], tick),
   ...);
}

TEST(SharedStepTest, LiveControllerAndSimulatorRecordTheSameDecisions) {
  const std::vector<DecisionRecord> live = run_live();
  const std::vector<DecisionRecord> sim = run_simulated();
  ASSERT_EQ(live.size(), static_cast<std::size_t>(kTicks));
  ASSERT_EQ(sim.size(), static_cast<std::size_t>(kTicks));
  static_assert(boost::pfr::tuple_size_v<DecisionRecord> ==
                DecisionRecord::kFieldNames.size());
  for (int i = 0; i < kTicks; ++i) {
    expect_same_record(
        live[i], sim[i], i + 1,
        std::make_index_sequence<boost::pfr::tuple_size_v<DecisionRecord>>{});
  }
  // The script is what it claims: a busy worker at each tick, full
  // intervals, and inputs that change the policy's evidence at 1 s.
  for (const DecisionRecord& d : sim) {
    EXPECT_EQ(d.busy_workers, 1);
    EXPECT_EQ(d.interval_completed, kTasksPerTick);
    EXPECT_FALSE(d.reason.empty());
  }
  EXPECT_NEAR(sim[0].blocking_ratio, 0.75, 1e-12);
  EXPECT_NEAR(sim[0].cpu_percent, 25.0, 1e-12);
  EXPECT_NEAR(sim[kTicks - 1].cpu_percent, 50.0, 1e-12);
  EXPECT_LT(sim[kTicks - 1].blocking_ratio, 0.7);
}

}  // namespace
}  // namespace betapool

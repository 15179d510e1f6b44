#include "betapool/builtins.h"
#include "policies/bottleneck_policy.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "core/component_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

// One tick of a saturated pool: `n` busy workers, a queue, `rate` tasks/s,
// each task `wall` seconds long of which `cpu` on a CPU and `lock` waiting
// for a lock.
struct Tick {
  int n = 4;
  double rate = 80;
  double wall = 0.05;
  double cpu = 0.001;
  double lock = 0.0;
  std::optional<double> cpu_percent = 2.0;  // this process's share
  std::optional<double> machine_percent;    // the whole machine's; default cpu_percent
  int min_workers = 4;
  int max_workers = 64;
  int busy = -1;        // default: n
  int64_t queue = 100;
};

class Feeder {
 public:
  ScalingDecision feed(BottleneckPolicy& p, const Tick& t) {
    ControllerSnapshot s;
    now_ += absl::Milliseconds(500);
    s.now = now_;
    s.current_workers = t.n;
    s.min_workers = t.min_workers;
    s.max_workers = t.max_workers;
    s.busy_workers = t.busy < 0 ? t.n : t.busy;
    s.queue_depth = t.queue;
    s.interval.length = absl::Milliseconds(500);
    s.interval.completed = std::llround(t.rate * 0.5);
    const double k = static_cast<double>(s.interval.completed);
    s.interval.busy_wall_time = k * t.wall;
    s.interval.cpu_time = k * t.cpu;
    s.interval.lock_wait_time = k * t.lock;
    total_ += s.interval.completed;
    s.total_completed = total_;
    s.cpu.system_percent = t.machine_percent ? t.machine_percent : t.cpu_percent;
    s.cpu.process_percent = t.cpu_percent;
    if (t.cpu_percent) s.cpu.effective_cpus = 4;
    return p.decide(s);
  }

 private:
  absl::Duration now_ = absl::ZeroDuration();
  int64_t total_ = 0;
};

// The trial of a resize judged on four ticks of evidence (small_move_ticks)
// waits for as many after it: three holds at the new size, then the verdict.
ScalingDecision verdict_after_four_ticks(Feeder& f, BottleneckPolicy& p, const Tick& t) {
  for (int i = 0; i < 3; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_EQ(d.target, t.n) << "tick " << i << ": " << d.reason;
  }
  return f.feed(p, t);
}

// Feeds `t` until the policy moves the pool, at most 9 ticks; returns the
// decision that moved it (or the last one).
ScalingDecision feed_until_moved(Feeder& f, BottleneckPolicy& p, const Tick& t) {
  ScalingDecision d = f.feed(p, t);
  for (int i = 0; i < 8 && d.target == t.n; ++i) d = f.feed(p, t);
  return d;
}

// Feeds `t` for `ticks` ticks and expects the pool held at `n` on each
// (the backoff of a failed growth: no retry, not even a smaller one).
void expect_held(Feeder& f, BottleneckPolicy& p, Tick t, int n, int ticks) {
  for (int i = 0; i < ticks; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_EQ(d.target, n) << "tick " << i << ": " << d.reason;
    t.n = d.target;
  }
}

TEST(BottleneckPolicyTest, RegisteredAsBottleneck) {
  ComponentContext ctx;
  auto p = builtin_registry().create_policy("bottleneck", ctx);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ((*p)->name(), "bottleneck");
}

TEST(BottleneckPolicyTest, GrowsByTheMaximumFactorIntoCpuHeadroom) {
  // 4 threads, CPU 2 %: the CPU knee is ~190 threads; one step is x2.
  BottleneckPolicy p;
  Feeder f;
  const ScalingDecision d = f.feed(p, Tick{});
  EXPECT_EQ(d.target, 8) << d.reason;
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp);
}

TEST(BottleneckPolicyTest, KeepsGrowingWhileGrowthPays) {
  BottleneckPolicy p;
  Feeder f;
  Tick t;
  for (int expected : {8, 16, 32, 64}) {
    const ScalingDecision d = f.feed(p, t);
    ASSERT_EQ(d.target, expected) << d.reason;
    t.n = d.target;
    t.rate = 20.0 * t.n;  // throughput proportional to threads
    t.cpu_percent = 0.5 * t.n;
  }
}

TEST(BottleneckPolicyTest, UndoesAGrowthThatDidNotPayAndAvoidsItForAWhile) {
  BottleneckPolicy p;
  Feeder f;
  Tick t;
  ASSERT_EQ(f.feed(p, t).target, 8);
  t.n = 8;  // same throughput with twice the threads: a hidden bottleneck
  const ScalingDecision undo = f.feed(p, t);
  EXPECT_EQ(undo.target, 4) << undo.reason;
  t.n = 4;
  // The model still sees CPU headroom, but 8 is avoided (backoff 10 s = 20
  // ticks): it may try something smaller, never 8 or more.
  for (int i = 0; i < 15; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_LT(d.target, 8) << "tick " << i << ": " << d.reason;
    t.n = d.target;
  }
}

TEST(BottleneckPolicyTest, StaysAtTheMinimumOnGilBoundWork) {
  // Pure GIL work at 4 threads: 10 ms of CPU under the lock per task, each
  // task waits for the 3 others: lock wait 30 ms of a 40 ms task (75 %),
  // CPU 25 % (one core of four). Plain beta reads 0.75 here.
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 4, .rate = 100, .wall = 0.040, .cpu = 0.010, .lock = 0.030,
         .cpu_percent = 25.0};
  for (int i = 0; i < 40; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_EQ(d.target, 4) << "tick " << i << ": " << d.reason;
  }
}

TEST(BottleneckPolicyTest, ShrinksTowardTheLockKneeUnderContention) {
  // 64 threads, 874 tasks/s, tasks of 73 ms of which 21.8 ms lock wait: the
  // simulator's io_bound scenario at 64 threads, where a 1.1 ms GIL hold per
  // task saturates the lock at ~47 threads (its best static size is ~56).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 64, .rate = 874, .wall = 0.0732, .cpu = 0.00105, .lock = 0.0218,
         .cpu_percent = 26.0};
  // A move by less than a quarter of the pool waits for 4 ticks of evidence.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.feed(p, t).target, 64) << "tick " << i;
  const ScalingDecision d = f.feed(p, t);
  EXPECT_EQ(d.kind, DecisionKind::kScaleDown) << d.reason;
  // 1.2 x the knee (51.4 ms / 1.1 ms = 47) is 56.
  EXPECT_GE(d.target, 52) << d.reason;
  EXPECT_LE(d.target, 60) << d.reason;
}

TEST(BottleneckPolicyTest, NeverGrowsWhileTheCpuIsSaturatedAndProbesSmaller) {
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 16, .rate = 400, .wall = 0.040, .cpu = 0.010, .cpu_percent = 100.0};
  // A probe waits for small_move_ticks (4) ticks of steady evidence.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.feed(p, t).target, 16) << "tick " << i;
  const ScalingDecision d = f.feed(p, t);
  EXPECT_EQ(d.target, 12) << d.reason;  // 16 x saturated_probe 0.75
  t.n = 12;  // throughput held: the smaller pool is kept, and probed further
  for (int i = 0; i < 8; ++i) {
    const ScalingDecision next = f.feed(p, t);
    EXPECT_LE(next.target, 12) << "tick " << i << ": " << next.reason;
    t.n = next.target;
  }
}

// Ticks at `rate` that alternate +-`swing` (relative) around it: a machine
// whose tick-to-tick noise is large.
void feed_noisy(Feeder& f, BottleneckPolicy& p, Tick t, int ticks, double swing,
                int expected_target) {
  const double rate = t.rate;
  for (int i = 0; i < ticks; ++i) {
    t.rate = rate * (i % 2 == 0 ? 1.0 + swing : 1.0 - swing);
    const ScalingDecision d = f.feed(p, t);
    ASSERT_EQ(d.target, expected_target) << "tick " << i << ": " << d.reason;
  }
}

TEST(BottleneckPolicyTest, ProbesALargerPoolBelowSaturationAndKeepsItIfItPays) {
  // 12 threads at 88 % CPU: the CPU model's knee (12 x 95 / 88 = 13) is
  // within the deadband, but near the knee CPU use understates what more
  // threads buy. After 4 steady ticks it tries x1.25.
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 12, .rate = 150, .wall = 0.08, .cpu = 0.012, .cpu_percent = 88.0};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(f.feed(p, t).target, 12) << "tick " << i;
  const ScalingDecision probe = f.feed(p, t);
  ASSERT_EQ(probe.target, 15) << probe.reason;
  t.n = 15;
  t.rate = 159;  // +6 %: kept
  t.cpu_percent = 96.0;
  for (int i = 0; i < 6; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_GE(d.target, 15) << "tick " << i << ": " << d.reason;
    t.n = d.target;
  }
}

TEST(BottleneckPolicyTest, SizesAboveTheBracketedKneeAndKeepsItWithinNoise) {
  // 12 threads at 88 % CPU, then 15 at 98 %: the knee lies between them,
  // and the pool goes to 1.25 x 15 = 19. There a thread more costs a
  // little CPU per task (2 % fewer tasks at the same CPU use): within the
  // noise, so the larger pool stays. (23.5 ms of CPU per task: 88 % of 4
  // CPUs at 150 tasks/s.)
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 12, .rate = 150, .wall = 0.08, .cpu = 0.0235, .cpu_percent = 88.0};
  for (int i = 0; i < 3; ++i) f.feed(p, t);
  ASSERT_EQ(f.feed(p, t).target, 15);
  t.n = 15;
  t.rate = 167;
  t.cpu_percent = 98.0;
  const ScalingDecision above = verdict_after_four_ticks(f, p, t);
  ASSERT_EQ(above.target, 19) << above.reason;
  t.n = 19;
  t.rate = 167 * 0.98;
  t.cpu = 0.0235 / 0.98;
  const ScalingDecision verdict = verdict_after_four_ticks(f, p, t);
  EXPECT_EQ(verdict.target, 19) << verdict.reason;
}

TEST(BottleneckPolicyTest, UndoesAProbeThatBoughtNothingAndDoesNotRetrySoon) {
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 12, .rate = 150, .wall = 0.08, .cpu = 0.012, .cpu_percent = 88.0};
  for (int i = 0; i < 3; ++i) f.feed(p, t);
  ASSERT_EQ(f.feed(p, t).target, 15);
  t.n = 15;
  t.rate = 151;  // +0.7 %: less than min_growth_gain (2 %)
  const ScalingDecision undo = verdict_after_four_ticks(f, p, t);
  ASSERT_EQ(undo.target, 12) << undo.reason;
  t.n = 12;
  t.rate = 150;
  // The failed size is a ceiling for the backoff (10 s = 20 ticks): no
  // probe back up meanwhile, so no reversals.
  for (int i = 0; i < 18; ++i) {
    EXPECT_EQ(f.feed(p, t).target, 12) << "tick " << i;
  }
}

TEST(BottleneckPolicyTest, NoisyMachineDoesNotKeepAGrowthThatBoughtNothing) {
  // Ticks swing +-15 %, so two standard errors of the noise exceed half the
  // predicted gain; the growth must still show min_growth_gain.
  BottleneckPolicy p;
  Feeder f;
  const Tick t{.n = 12, .rate = 150, .wall = 0.08, .cpu = 0.012, .cpu_percent = 88.0};
  feed_noisy(f, p, t, 3, 0.15, 12);  // +15 %, -15 %, +15 %
  Tick fourth = t;
  fourth.rate = 150 * 0.85;  // 150 tasks/s on average over the four
  const ScalingDecision probe = f.feed(p, fourth);
  ASSERT_EQ(probe.target, 15) << probe.reason;
  Tick at15 = t;
  at15.n = 15;  // the same 150 tasks/s with 25 % more threads
  const ScalingDecision undo = verdict_after_four_ticks(f, p, at15);
  EXPECT_EQ(undo.target, 12) << undo.reason;
}

TEST(BottleneckPolicyTest, JudgesATrialByTheCpuItsTasksUseWhenCountsAreNoisy) {
  // ~120 tasks/s: 60 completions a tick, which swing +-15 % between ticks.
  // The probe 12 -> 15 raised the pool's CPU use from 88 % to 94 % at the
  // same CPU per task, i.e. 7 % more tasks, while the noisy count of the
  // four ticks after it happens to read 3 % fewer: kept.
  BottleneckPolicy p;
  Feeder f;
  // 88 % of 4 CPUs at 120 tasks/s: 29 ms of CPU per task.
  const Tick t{.n = 12, .rate = 120, .wall = 0.08, .cpu = 0.029, .cpu_percent = 88.0};
  feed_noisy(f, p, t, 3, 0.15, 12);
  Tick fourth = t;
  fourth.rate = 120 * 0.85;
  const ScalingDecision probe = f.feed(p, fourth);
  ASSERT_EQ(probe.target, 15) << probe.reason;
  Tick at15 = t;
  at15.n = 15;
  at15.rate = 120 * 0.97;
  at15.cpu_percent = 94.0;
  const ScalingDecision verdict = verdict_after_four_ticks(f, p, at15);
  EXPECT_GE(verdict.target, 15) << verdict.reason;
}

TEST(BottleneckPolicyTest, OnIoWorkJudgesATrialByItsCompletions) {
  // 1 ms of CPU per task at 80 tasks/s is 0.08 of a CPU; the process uses
  // 0.4 (10 % of 4), mostly to submit and wake. Twice the threads complete
  // twice the tasks while the process's CPU use rises by a fifth: the
  // growth paid, and the CPU reading must not say otherwise.
  BottleneckPolicy p;
  Feeder f;
  Tick t{.cpu_percent = 10.0};
  ASSERT_EQ(f.feed(p, t).target, 8);
  t.n = 8;
  t.rate = 160;
  t.cpu_percent = 12.0;
  const ScalingDecision d = f.feed(p, t);
  EXPECT_GE(d.target, 8) << d.reason;
}

TEST(BottleneckPolicyTest, SizesToTheNearestThreadOfTheLockKnee) {
  // 5 threads, lock wait 11 ms of a 60 ms task: the lock's hold time is
  // ~9.6 ms and its knee (x 1.2 headroom) 6.2 threads. The pool goes to 6,
  // not to the next size past the knee, 7, from which it reads below 6.
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 5, .rate = 70, .wall = 0.060, .cpu = 0.012, .lock = 0.011,
         .cpu_percent = 45.0};
  const ScalingDecision d = feed_until_moved(f, p, t);
  EXPECT_EQ(d.target, 6) << d.reason;
}

TEST(BottleneckPolicyTest, AfterAGrowthThatLostDoesNotRetryASmallerOneSoon) {
  // 6 threads whose lock knee reads well above the pool: the model asks
  // for more threads, but more threads lose throughput (the lab's mixed
  // workload: 6 -> 9 lost 13.6 %, then 6 -> 8 lost 3.6 %, four reversals
  // in 2 s). A smaller step is the same bet on the same model: the pool
  // stays at 6 for the backoff (10 s = 20 ticks).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 6, .rate = 100, .wall = 0.060, .cpu = 0.010, .lock = 0.004,
         .cpu_percent = 50.0};
  const ScalingDecision grow = feed_until_moved(f, p, t);
  ASSERT_GT(grow.target, 7) << grow.reason;
  Tick bigger = t;
  bigger.n = grow.target;
  bigger.rate = 90;  // more threads, less throughput
  bigger.cpu_percent = 45.0;
  const ScalingDecision undo = feed_until_moved(f, p, bigger);
  ASSERT_EQ(undo.target, 6) << undo.reason;
  expect_held(f, p, t, 6, 18);
}

TEST(BottleneckPolicyTest, AfterAGrowthFarShortOfItsPredictionDoesNotRetrySoon) {
  // A neighbour in its own cgroup holds this process to half of its CPUs
  // while the machine reads 100 %: the CPU knee reads twice the pool, but
  // more threads get no more CPU. In the lab (vision_pipeline beside a
  // tenant cgroup) 8 -> 15 gained +6.0 % of +32.3 % needed, then 8 -> 14
  // +0.1 % of +27.7 %, then 8 -> 13 +5.5 % of +18.6 %: three reversals in
  // 6 s, each probe costing throughput. A gain below half of what was
  // needed says the model is wrong here, as a loss does: every larger size
  // is avoided for the backoff (10 s = 20 ticks).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 8, .rate = 100, .wall = 0.080, .cpu = 0.020, .cpu_percent = 50.0,
         .machine_percent = 100.0};
  const ScalingDecision grow = feed_until_moved(f, p, t);
  ASSERT_GT(grow.target, 10) << grow.reason;
  Tick bigger = t;
  bigger.n = grow.target;
  bigger.rate = 103;  // +3 %, where the model promised about +50 %
  bigger.wall = bigger.n / bigger.rate;
  bigger.cpu_percent = 51.5;
  const ScalingDecision undo = feed_until_moved(f, p, bigger);
  ASSERT_EQ(undo.target, 8) << undo.reason;
  expect_held(f, p, t, 8, 18);
}

TEST(BottleneckPolicyTest, AShortGrowthWithCpuToSpareLetsASmallerStepTry) {
  // I/O-bound, 1 % CPU: 32 -> 64 threads read +21 % one tick after the
  // resize, where the model needed ~+47 % (the ramp's completions lag).
  // With the machine's CPU to spare that is no sign the model is wrong: a
  // smaller growth follows at once (avoiding every size above 32 delayed
  // 90 % of the best from 4.5 to 8.8 s in the lab's io run).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 32, .rate = 640, .wall = 0.050, .cpu = 0.0001, .cpu_percent = 1.0,
         .machine_percent = 5.0};
  const ScalingDecision grow = feed_until_moved(f, p, t);
  ASSERT_EQ(grow.target, 64) << grow.reason;
  Tick bigger = t;
  bigger.n = 64;
  bigger.rate = 774;
  bigger.wall = bigger.n / bigger.rate;
  bigger.cpu_percent = *t.cpu_percent * bigger.rate / t.rate;
  const ScalingDecision undo = feed_until_moved(f, p, bigger);
  ASSERT_EQ(undo.target, 32) << undo.reason;
  const ScalingDecision next = feed_until_moved(f, p, t);
  EXPECT_GT(next.target, 32) << undo.reason << "; then " << next.reason;
  EXPECT_LT(next.target, 64) << next.reason;
}

TEST(BottleneckPolicyTest, AFailedSizeIsRememberedInTheMixOfThePoolsOwnSize) {
  // Past the CPU knee every task waits longer for a core: at twice the
  // threads its wall time more than doubles. The ceiling a failed growth
  // leaves is forgotten early only if the task mix changes, and that must
  // be judged against the mix at the size the pool returns to, not the
  // inflated one of the trial (mixed --nogil beside a tenant cgroup:
  // 18 -> 34 lost 8.4 %, and 4.7 s later 18 -> 34 again).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 8, .rate = 100, .wall = 0.080, .cpu = 0.020, .cpu_percent = 50.0,
         .machine_percent = 100.0};
  const ScalingDecision grow = feed_until_moved(f, p, t);
  ASSERT_GT(grow.target, 10) << grow.reason;
  Tick bigger = t;
  bigger.n = grow.target;
  bigger.wall = 2.2 * t.wall;
  bigger.rate = bigger.n / bigger.wall;  // Little's law: fewer tasks/s
  bigger.cpu_percent = *t.cpu_percent * bigger.rate / t.rate;
  const ScalingDecision undo = feed_until_moved(f, p, bigger);
  ASSERT_EQ(undo.target, 8) << undo.reason;
  expect_held(f, p, t, 8, 18);
}

TEST(BottleneckPolicyTest, ANeighbourArrivingMidTrialVoidsTheTrial) {
  // 8 threads use 96 % of the CPUs, alone on the machine: the pool probes
  // a larger size. Then a neighbour takes half the machine: throughput
  // falls, but not because of the probe. Read as the trial's verdict, the
  // fall undid the growth and held the pool at 8 for the backoff
  // (vision_pipeline beside a tenant cgroup arriving at 6 s: 8 -> 10 read
  // -20.6 %, the pool stayed at 8 for 40 s where 16 was the new best).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 8, .rate = 192, .wall = 0.0417, .cpu = 0.020, .cpu_percent = 96.0,
         .machine_percent = 96.0};
  const ScalingDecision grow = feed_until_moved(f, p, t);
  ASSERT_GT(grow.target, 8) << grow.reason;
  Tick tenant = t;
  tenant.n = grow.target;
  tenant.rate = 100;  // the process now gets half of the CPUs
  tenant.wall = tenant.n / tenant.rate;
  tenant.cpu_percent = 50.0;
  tenant.machine_percent = 100.0;
  // (Later trials, judged with the neighbour on both sides, may fail.)
  const std::string undone = "undo 8 -> " + std::to_string(grow.target);
  for (int i = 0; i < 8; ++i) {
    const ScalingDecision d = f.feed(p, tenant);
    EXPECT_THAT(d.reason, ::testing::Not(::testing::HasSubstr(undone))) << "tick " << i;
    tenant.n = d.target;
    tenant.wall = tenant.n / tenant.rate;
  }
  // Without the neighbour the same fall is the trial's verdict.
  BottleneckPolicy q;
  Feeder g;
  ASSERT_EQ(feed_until_moved(g, q, t).target, grow.target);
  Tick slower = t;
  slower.n = grow.target;
  slower.rate = 100;
  slower.wall = slower.n / slower.rate;
  slower.cpu_percent = 50.0;
  slower.machine_percent = 50.0;
  EXPECT_EQ(feed_until_moved(g, q, slower).target, 8);
}

TEST(BottleneckPolicyTest, HoldsWhenTheLockKneeIsWithinAThreadOfThePool) {
  // 6 threads, lock wait 12 ms of a 60 ms task: the lock knee reads 6.6.
  // Within one thread of the pool that is no move; rounded to 7 it was one,
  // and from 7 the knee read below 6.5 again.
  BottleneckPolicy p;
  Feeder f;
  const Tick t{.n = 6, .rate = 80, .wall = 0.060, .cpu = 0.012, .lock = 0.012,
               .cpu_percent = 48.0};
  for (int i = 0; i < 20; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_EQ(d.target, 6) << "tick " << i << ": " << d.reason;
  }
}

TEST(BottleneckPolicyTest, OtherTenantsBusyMachineIsNotTheProcesssSaturation) {
  // Other processes keep the machine at 100 % while this pool gets 30 % of
  // its CPUs: the pool's own CPU has headroom (the CPU knee is ~12
  // threads), so it grows, and the throughput trial keeps or undoes it. A
  // shrink here would only hand more of the machine to the neighbours.
  BottleneckPolicy p;
  Feeder f;
  const ScalingDecision d = f.feed(
      p, Tick{.n = 4, .rate = 80, .wall = 0.05, .cpu = 0.015, .cpu_percent = 30.0,
              .machine_percent = 100.0});
  EXPECT_EQ(d.kind, DecisionKind::kScaleUp) << d.reason;
  EXPECT_GT(d.target, 4) << d.reason;
  // Without a process reading, the machine's is all there is: saturated.
  BottleneckPolicy q;
  Feeder g;
  const ScalingDecision blind = g.feed(
      q, Tick{.n = 8, .rate = 160, .wall = 0.05, .cpu = 0.015, .cpu_percent = std::nullopt,
              .machine_percent = 100.0});
  EXPECT_LE(blind.target, 8) << blind.reason;
}

TEST(BottleneckPolicyTest, UndoesAShrinkThatLostThroughput) {
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 8, .rate = 400, .wall = 0.020, .cpu = 0.010, .cpu_percent = 100.0};
  for (int i = 0; i < 3; ++i) f.feed(p, t);
  ASSERT_EQ(f.feed(p, t).target, 6);
  t.n = 6;
  t.rate = 300;  // a quarter less: the cores were not oversubscribed
  t.cpu_percent = 75.0;  // and a quarter of their time went unused
  const ScalingDecision undo = verdict_after_four_ticks(f, p, t);
  EXPECT_EQ(undo.target, 8) << undo.reason;
}

TEST(BottleneckPolicyTest, NoisyMachineDoesNotKeepAShrinkThatLostThroughput) {
  // Ticks swing +-10 %; the smaller pool loses 2 %, well inside the noise.
  // When noise cannot tell, the larger pool stays: below the knee a lost
  // thread costs throughput, above it an extra one only some latency.
  BottleneckPolicy p;
  Feeder f;
  const Tick t{.n = 8, .rate = 400, .wall = 0.020, .cpu = 0.010, .cpu_percent = 100.0};
  feed_noisy(f, p, t, 3, 0.10, 8);  // +10 %, -10 %, +10 %
  Tick fourth = t;
  fourth.rate = 400 * 0.9;  // 400 tasks/s on average over the four
  const ScalingDecision probe = f.feed(p, fourth);
  ASSERT_EQ(probe.target, 6) << probe.reason;
  Tick at6 = t;
  at6.n = 6;
  at6.rate = 392;
  at6.cpu_percent = 98.0;
  const ScalingDecision undo = verdict_after_four_ticks(f, p, at6);
  EXPECT_EQ(undo.target, 8) << undo.reason;
}

TEST(BottleneckPolicyTest, HoldsWhenArrivalsNotThreadsLimitThroughput) {
  BottleneckPolicy p;
  Feeder f;
  Tick t{.n = 16, .rate = 80, .busy = 4, .queue = 0};
  for (int i = 0; i < 20; ++i) {
    const ScalingDecision d = f.feed(p, t);
    EXPECT_EQ(d.target, 16) << d.reason;
  }
}

TEST(BottleneckPolicyTest, WithoutACpuReadingGrowsOnlyWhileTasksMostlyWait) {
  {
    BottleneckPolicy p;
    Feeder f;
    Tick waiting{.cpu_percent = std::nullopt};
    EXPECT_EQ(f.feed(p, waiting).target, 8);
  }
  {
    BottleneckPolicy p;
    Feeder f;
    Tick computing{.wall = 0.010, .cpu = 0.009, .cpu_percent = std::nullopt};
    for (int i = 0; i < 10; ++i) EXPECT_EQ(f.feed(p, computing).target, 4);
  }
}

TEST(BottleneckPolicyTest, WaitsForEnoughEvidence) {
  // 10 tasks/s: 5 per tick, so the first decision needs 30 completions
  // (6 ticks).
  BottleneckPolicy p;
  Feeder f;
  Tick t{.rate = 10};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(f.feed(p, t).target, 4) << "tick " << i;
  EXPECT_EQ(f.feed(p, t).target, 8);
}

}  // namespace
}  // namespace betapool

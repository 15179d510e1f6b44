// Property tests of the built-in policies over the simulator's scenarios
// (issue 8). Every bound is chosen from measurements, stated beside it with
// the measured value; none is tuned to make a test pass.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "betapool/builtins.h"
#include "core/component_registry.h"
#include "gtest/gtest.h"
#include "lab/sim/ab_comparison.h"
#include "lab/sim/oracle.h"
#include "lab/sim/scenarios.h"
#include "lab/sim/simulator.h"
#include "policies/beta_veto_policy.h"
#include "policies/bottleneck_policy.h"
#include "policies/hill_climbing_policy.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

SimResult run(const Scenario& s, ScalingPolicy& p, double seconds,
              uint64_t seed = 1) {
  SimOptions o;
  o.seed = seed;
  o.duration = absl::Seconds(seconds);
  return simulate(s, p, o).value();
}

// Throughput over the ticks in [from, to) seconds of virtual time.
double throughput_between(const SimResult& r, double from, double to) {
  int64_t done = 0;
  for (const DecisionRecord& t : r.ticks) {
    if (t.timestamp > from && t.timestamp <= to) done += t.interval_completed;
  }
  return static_cast<double>(done) / (to - from);
}

TEST(PolicyPropertiesTest, BetaVetoNeverGrowsPastMinOnCpuBound) {
  // Native CPU work saturates the 4 cores at min_workers = 4: the CPU reads
  // 100 % (above cpu_upper 85 %) and beta is ~0 (below beta_low 0.3).
  BetaVetoPolicy p;
  const SimResult r = run(scenarios::cpu_bound(), p, 600);
  EXPECT_EQ(r.max_workers_seen, 4);
  for (const DecisionRecord& t : r.ticks) {
    ASSERT_LE(t.threads_after, 4) << "at " << t.timestamp << " s";
    if (t.timestamp >= 1.0) {
      EXPECT_GE(t.cpu_percent, 85.0) << "at " << t.timestamp << " s";
    }
  }
}

TEST(PolicyPropertiesTest, BetaVetoAddsThreadsToGilHeavyWorkTheFlawPinned) {
  // The paper's flaw, made visible: on pure-Python (GIL-bound) work, GIL
  // waiting is off-CPU time, so beta reads > 0.7 from 4 threads on while the
  // CPU reads ~25 % (one core of four). The faithful policy therefore keeps
  // adding threads (+2 every 2 s) up to max_workers, and throughput falls.
  BetaVetoPolicy beta;
  const SimResult r = run(scenarios::fibonacci(), beta, 150);
  EXPECT_EQ(r.final_workers, 64);
  for (const DecisionRecord& t : r.ticks) {
    if (t.threads_after > t.threads_before) {
      EXPECT_GT(t.blocking_ratio, 0.7) << "at " << t.timestamp << " s";
      EXPECT_GT(t.lock_wait_ratio, 0.7) << "the wait was for the GIL";
      EXPECT_LT(t.cpu_percent, 85.0);
    }
  }
  StaticPolicy four(4);
  const SimResult at_min = run(scenarios::fibonacci(), four, 150);
  // Measured: 92.0 vs 97.3 tasks/s over 150 s (the loss grows with time).
  EXPECT_LT(r.throughput, 0.97 * at_min.throughput);

  // The bottleneck policy reads the lock wait and never adds a thread.
  BottleneckPolicy bottleneck;
  EXPECT_EQ(run(scenarios::fibonacci(), bottleneck, 150).max_workers_seen, 4);
  // The hill climber probes one thread up now and then and comes back.
  // Measured: mean 4.1 threads, throughput equal to static 4 to 0.1 %.
  HillClimbingPolicy climber;
  const SimResult hc = run(scenarios::fibonacci(), climber, 150);
  EXPECT_LT(hc.mean_workers, 4.5);
  EXPECT_GE(hc.throughput, 0.99 * at_min.throughput);
}

TEST(PolicyPropertiesTest, BetaVetoReachesNinetyPercentOfTheOracleOnIoBound) {
  // "Given enough time": from 200 s on, the paper's policy delivers at
  // least 90 % of the best static pool (measured: 99.5 %, at 64 threads vs
  // an oracle of ~55).
  SimOptions sweep;
  sweep.duration = absl::Seconds(60);
  const OracleResult oracle = find_oracle(scenarios::io_bound(), sweep, {1}).value();
  BetaVetoPolicy p;
  const SimResult r = run(scenarios::io_bound(), p, 400);
  EXPECT_GE(throughput_between(r, 200, 400), 0.9 * oracle.throughput);
  // Over the whole run too (measured 94.7 % over 400 s), though it needs
  // ~40 s of +2-thread steps to get there.
  EXPECT_GE(r.throughput, 0.9 * oracle.throughput);
}

TEST(PolicyPropertiesTest, HillClimbingConvergesOnMixedWithBoundedOscillation) {
  // Measured over seeds 1-8 (300 s each): from 60 s on the count stays
  // within a band 3-8 threads wide, between 23 and 36 (oracle: 28-32),
  // 4.0-6.2 direction changes per minute, 98-99 % of the oracle's
  // throughput.
  SimOptions sweep;
  sweep.duration = absl::Seconds(60);
  const OracleResult oracle = find_oracle(scenarios::mixed(), sweep, {1}).value();
  for (uint64_t seed : {1, 2, 3}) {
    HillClimbingPolicy p;
    const SimResult r = run(scenarios::mixed(), p, 300, seed);
    int lo = 1 << 30, hi = 0, reversals = 0, last_dir = 0;
    std::vector<int> sizes;
    for (const DecisionRecord& t : r.ticks) {
      if (t.timestamp < 60) continue;
      lo = std::min(lo, t.threads_after);
      hi = std::max(hi, t.threads_after);
      sizes.push_back(t.threads_after);
      const int dir = (t.threads_after > t.threads_before) -
                      (t.threads_after < t.threads_before);
      if (dir != 0) {
        if (last_dir != 0 && dir != last_dir) ++reversals;
        last_dir = dir;
      }
    }
    std::sort(sizes.begin(), sizes.end());
    const double median = sizes[sizes.size() / 2];
    EXPECT_LE(hi - lo, oracle.best_size / 2) << "seed " << seed;
    EXPECT_NEAR(median, oracle.best_size, 0.25 * oracle.best_size) << "seed " << seed;
    EXPECT_LE(reversals / 4.0, 8.0) << "seed " << seed << ": reversals per minute";
    EXPECT_GE(throughput_between(r, 60, 300), 0.95 * oracle.throughput)
        << "seed " << seed;
  }
}

TEST(PolicyPropertiesTest, EveryPolicyKeepsTheTargetWithinBounds) {
  const ComponentRegistry& registry = builtin_registry();
  for (const Scenario& s : scenarios::all()) {
    for (const std::string& name : registry.policy_names()) {
      ComponentContext ctx;
      ctx.min_workers = s.min_workers;
      ctx.max_workers = s.max_workers;
      ctx.initial_workers = s.min_workers;
      std::unique_ptr<ScalingPolicy> p = registry.create_policy(name, ctx).value();
      SimOptions o;
      o.duration = absl::Seconds(60);
      const SimResult r = simulate(s, *p, o).value();
      for (const DecisionRecord& t : r.ticks) {
        ASSERT_GE(t.requested, s.min_workers) << name << " on " << s.name;
        ASSERT_LE(t.requested, s.max_workers) << name << " on " << s.name;
        ASSERT_GE(t.threads_after, s.min_workers);
        ASSERT_LE(t.threads_after, s.max_workers);
      }
      EXPECT_EQ(r.policy_faults, 0) << name << " on " << s.name;
    }
  }
}

// The new policy against the paper's, where the paper's is slow or wrong.
TEST(PolicyPropertiesTest, BottleneckReachesTheOracleFastOnIoHeavyWork) {
  AbOptions o;
  o.duration = absl::Seconds(120);
  for (const char* name : {"io_bound", "rag_pipeline"}) {
    const AbTable t = compare_policies(scenarios::find(name).value(),
                                       {AbCandidate::registered("beta_veto"),
                                        AbCandidate::registered("bottleneck")},
                                       o)
                          .value();
    const AbRow& mine = t.row("bottleneck");
    const AbRow& paper = t.row("beta_veto");
    // Measured (600 s runs): time to 90 % 1.5 s (io_bound) and 5.5 s (RAG)
    // vs 41.5 s and 40 s for beta_veto; over 120 s runs the bottleneck
    // policy scores 99.1 % and 96.4 % of the oracle.
    EXPECT_LT(mine.time_to_90, 10.0) << name;
    EXPECT_GT(paper.time_to_90, 30.0) << name;
    EXPECT_GT(mine.throughput, paper.throughput) << name;
    EXPECT_GE(mine.throughput_pct_of_oracle, 95.0) << name;
  }
}

TEST(PolicyPropertiesTest, BottleneckShrinksAfterAnIoToCpuPhaseChange) {
  // The CPU phase is GIL-bound: the paper's policy stays at 64 threads, the
  // bottleneck policy returns to min_workers within seconds (measured 4 s).
  BottleneckPolicy mine;
  const SimResult r = run(scenarios::io_to_cpu_phase_change(), mine, 330);
  int at_305 = 0;
  for (const DecisionRecord& t : r.ticks) {
    if (t.timestamp <= 305.0) at_305 = t.threads_after;
  }
  EXPECT_GT(throughput_between(r, 100, 300), 800);  // it was sized for I/O
  EXPECT_LE(at_305, 8);
  EXPECT_EQ(r.final_workers, 4);
  BetaVetoPolicy paper;
  EXPECT_EQ(run(scenarios::io_to_cpu_phase_change(), paper, 330).final_workers, 64);
}

TEST(PolicyPropertiesTest, BottleneckDoesNotLoseToBetaVetoAnywhere) {
  // Measured (600 s, seed 1): bottleneck >= beta_veto's throughput on every
  // scenario (ties on cpu_bound and bursty, where both complete everything).
  for (const Scenario& s : scenarios::all()) {
    BetaVetoPolicy paper;
    BottleneckPolicy mine;
    const double theirs = run(s, paper, 120).throughput;
    const double ours = run(s, mine, 120).throughput;
    EXPECT_GE(ours, 0.99 * theirs) << s.name;
  }
}

}  // namespace
}  // namespace betapool

// File: lab/sim/ab_comparison.h
//
// A/B comparison of scaling policies in the virtual-time simulator: run
// several policies on the same scenario and seeds and get one row per policy
// — throughput as a percentage of the oracle (the best static pool size,
// lab/sim/oracle.h), P99 latency, mean and final thread count, time to reach
// 90 % of the oracle's throughput, and oscillation. Deterministic, and fast
// enough for a unit test (one ten-minute scenario run takes ~0.1 s).
//
// "Time to 90 %" is the earliest time t such that, over the
// `convergence_window` starting at t, the policy completed at least
// `convergence_fraction` of what the oracle pool completed over the same
// window of the same seed (so bursts and phase changes are compared like for
// like); +infinity if never. The oracle itself scores 0.
// "Oscillation" counts reversals of the resize direction per minute.
//
// Example (a test comparing your policy with the paper's):
//   std::vector<betapool::AbCandidate> c = {
//       betapool::AbCandidate::registered("beta_veto"),
//       betapool::AbCandidate::of<MyPolicy>("mine", my_options)};
//   betapool::AbTable t =
//       betapool::compare_policies(betapool::scenarios::io_bound(), c).value();
//   std::cout << t.to_markdown();
//   EXPECT_GE(t.row("mine").throughput_pct_of_oracle, 90.0);
//   EXPECT_LT(t.row("mine").time_to_90, t.row("beta_veto").time_to_90);
//
// Thread safety: compare_policies touches only its arguments; factories are
// called from the calling thread.
#ifndef BETAPOOL_LAB_SIM_AB_COMPARISON_H_
#define BETAPOOL_LAB_SIM_AB_COMPARISON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/component_registry.h"
#include "core/controller_config.h"
#include "lab/sim/oracle.h"
#include "lab/sim/scenario.h"
#include "lab/sim/simulator.h"

namespace betapool {

// One contestant: a label for its row and a factory that makes a fresh
// policy for every run (policies keep state).
struct AbCandidate {
  std::string label;
  ComponentFactory<ScalingPolicy> factory;
  // Pool size at start; default: the scenario's (min_workers unless set).
  std::optional<int> initial_workers;
  // Set by registered(): the policy comes from builtin_registry()
  // under this name (and `factory` is unused).
  std::string registry_name;

  // A policy from builtin_registry(), labelled by its name. An
  // unknown name fails the comparison with the registry's NotFound.
  static AbCandidate registered(std::string name);
  // `P(args...)`, labelled `label`.
  template <class P, class... Args>
  static AbCandidate of(std::string label, Args... args) {
    return {std::move(label),
            [args...](const ComponentContext&) -> std::unique_ptr<ScalingPolicy> {
              return std::make_unique<P>(args...);
            },
            std::nullopt,
            {}};
  }
  // StaticPolicy(size), starting at `size`: "static N".
  static AbCandidate fixed(int size);
};

struct AbOptions {
  std::vector<uint64_t> seeds = {1};
  // Overrides the scenario's run length when set.
  std::optional<absl::Duration> duration;
  // The tick cadence, and the config every factory receives.
  ControllerConfig controller;
  MetricsOptions metrics;
  OracleOptions oracle;
  double convergence_fraction = 0.9;
  absl::Duration convergence_window = absl::Seconds(2);
  // Keep decision reasons in each run's ticks (AbRow::runs).
  bool record_reasons = false;
};

// One policy's results, averaged over the seeds.
struct AbRow {
  std::string label;
  std::string policy;               // ScalingPolicy::name()
  double throughput = 0.0;          // tasks/s
  double throughput_pct_of_oracle = 0.0;
  double p99_latency = 0.0;         // seconds, submit to completion
  double mean_workers = 0.0;        // time-weighted
  double final_workers = 0.0;
  double time_to_90 = 0.0;          // seconds; +inf if some seed never got there
  double oscillation_per_minute = 0.0;
  int64_t policy_faults = 0;        // summed over seeds
  std::vector<SimResult> runs;      // one per seed, with every tick
};

struct AbTable {
  std::string scenario;
  int oracle_size = 0;
  double oracle_throughput = 0.0;
  double oracle_p99_latency = 0.0;
  std::vector<OraclePoint> oracle_sweep;
  std::vector<AbRow> rows;  // in candidate order

  // The row labelled `label`, or nullptr.
  const AbRow* find(std::string_view label) const;
  // The row labelled `label`; throws std::out_of_range naming the labels
  // that exist (meant for tests, like std::map::at).
  const AbRow& row(std::string_view label) const;
  // A Markdown table, one line per row, preceded by the oracle.
  std::string to_markdown() const;
};

// Runs every candidate on `scenario` for every seed, finds the oracle, and
// tabulates. Returns InvalidArgument for an invalid scenario or options, no
// candidates, duplicate labels or no seeds; NotFound for an unknown
// registered name; Internal if a factory returns null.
absl::StatusOr<AbTable> compare_policies(const Scenario& scenario,
                                         const std::vector<AbCandidate>& candidates,
                                         const AbOptions& options = {});

// Time to reach `fraction` of the oracle's throughput, comparing the runs
// tick by tick over a leading window (see the file comment). +inf if never.
double time_to_fraction(const SimResult& run, const SimResult& oracle,
                        double fraction, absl::Duration window);

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_AB_COMPARISON_H_

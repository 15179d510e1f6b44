// File: lab/sim/oracle.h
//
// find_oracle(): the best static pool size for a scenario — the yardstick of
// the A/B comparison. It runs StaticPolicy at candidate sizes in the
// simulator (each starting at its size, as StaticThreadPoolExecutor does) on
// every seed, and picks the size with the highest mean throughput; sizes
// within `tie_tolerance` of the best are tied and the lowest mean P99
// latency wins among them (open-loop scenarios, where every large enough pool
// completes all arrivals, are decided by latency).
//
// Without explicit sizes the sweep is automatic: a geometric grid from
// min_workers to max_workers (ratio ~1.25), then every size between the best
// grid point's neighbours. That finds the peak of the unimodal curves the
// model produces with ~25 runs per seed instead of max - min + 1.
//
// Example:
//   betapool::OracleResult o =
//       betapool::find_oracle(betapool::scenarios::mixed(), {}, {1, 2}).value();
//   std::cout << o.best_size << " threads: " << o.throughput << " tasks/s\n";
//
// Thread safety: touches only its arguments.
#ifndef BETAPOOL_LAB_SIM_ORACLE_H_
#define BETAPOOL_LAB_SIM_ORACLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/sim/scenario.h"
#include "lab/sim/simulator.h"

namespace betapool {

struct OracleOptions {
  // Sizes to try; empty: the automatic sweep. Sizes outside
  // [min_workers, max_workers] are an error.
  std::vector<int> sizes;
  // Relative throughput difference below which two sizes tie.
  double tie_tolerance = 0.005;
};

// One static size, averaged over the seeds.
struct OraclePoint {
  int size = 0;
  double throughput = 0.0;   // tasks/s
  double p99_latency = 0.0;  // seconds
};

struct OracleResult {
  int best_size = 0;
  double throughput = 0.0;   // of the best size, mean over seeds
  double p99_latency = 0.0;  // of the best size, mean over seeds
  std::vector<OraclePoint> sweep;  // every size tried, ascending
  std::vector<SimResult> best_runs;  // the best size's run per seed
};

// Returns the oracle, or InvalidArgument for an invalid scenario, options,
// empty seed list or a size outside the bounds. `options.seed` and
// `options.initial_workers` are ignored (each run sets them).
absl::StatusOr<OracleResult> find_oracle(const Scenario& scenario,
                                         const SimOptions& options,
                                         const std::vector<uint64_t>& seeds,
                                         const OracleOptions& oracle = {});

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_ORACLE_H_

// File: lab/sim/sim_stats.h
//
// internal::SimStats: the result statistics of one simulation run — task
// latency percentiles, mean task beta and lock-wait share, the pool sizes
// seen, resize direction changes (oscillation) and the mean CPU reading —
// gathered from completed tasks and the control step's DecisionRecords and
// written into SimResult at the end.
#ifndef BETAPOOL_LAB_SIM_SIM_STATS_H_
#define BETAPOOL_LAB_SIM_SIM_STATS_H_

#include <cstdint>
#include <vector>

#include "core/scaling_decision.h"
#include "lab/sim/simulator.h"

namespace betapool::internal {

class SimStats {
 public:
  // `initial_workers`: the pool size before the first tick.
  explicit SimStats(int initial_workers);

  // One completed task: submit-to-completion latency, its beta and its
  // lock-wait share of wall time.
  void on_task(double latency, double beta, double lock_wait_ratio);
  // One tick's record, in tick order.
  void on_tick(const DecisionRecord& d);
  // Writes the statistics into `r`: `duration` is the virtual time run,
  // `worker_seconds` the integral of the pool target over it.
  void finish(double duration, double worker_seconds, int final_workers,
              SimResult& r);

 private:
  std::vector<double> latencies_;
  double beta_sum_ = 0.0;
  double lock_ratio_sum_ = 0.0;
  int max_workers_seen_;
  int min_workers_seen_;
  int last_direction_ = 0;
  int direction_changes_ = 0;
  double cpu_percent_sum_ = 0.0;
  int64_t cpu_percent_count_ = 0;
};

}  // namespace betapool::internal

#endif  // BETAPOOL_LAB_SIM_SIM_STATS_H_

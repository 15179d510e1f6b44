// File: policies/hill_climbing_policy.h
//
// HillClimbingPolicy: a throughput hill climber in the spirit of the .NET
// thread pool's (Hellerstein, Morrison & Eilebrecht, "Optimizing Concurrency
// Levels in the .NET ThreadPool", 2008). It knows nothing about beta, locks
// or I/O: it probes thread counts and keeps the one that completes more work.
//
// One climb step, tick by tick:
//   1. measure throughput at the base count for `samples_per_level` samples
//      (after `settle_ticks` ticks that are discarded because the pool is
//      still adjusting to the last change);
//   2. move to a probe count, base +/- step, and measure it the same way;
//   3. compare the two levels. The larger count wins if its throughput is
//      higher by more than `bias` times the relative thread increase (an
//      elasticity test: 25 % more threads must buy more than 3.75 % more
//      throughput with bias 0.15), so fewer threads are preferred when the
//      gain is small;
//   4. a probe that wins becomes the base; the next step in the same
//      direction doubles if the verdict was clear (beyond `significance`
//      standard errors of the measured noise), else keeps its size.
//      A probe that loses sends the pool back to the base, reverses the
//      direction and halves the step. Steps are bounded by
//      `max_step_fraction` of the count and `max_step` threads per change.
// When a small step (one thread, or `converge_share` of the count) loses,
// the climber has converged: it holds for a
// while before probing again, doubling the pause up to `max_hold_ticks`; a
// throughput shift at the held count beyond `change_threshold` ends the pause
// early (the workload changed). It never probes upward while the CPU sensor
// reads at or above `cpu_saturated_percent` (system or process reading; an
// unavailable reading does not block).
//
// Unlike .NET, which superimposes a square wave on the thread count and
// reads the response with a Fourier filter sampled every 10-200 ms, this
// climber runs on the controller's slower tick (500 ms by default), so it
// probes one level at a time and compares sample means.
//
// Example:
//   betapool::HillClimbingOptions o;
//   o.bias = 0.25;   // demand more throughput per added thread
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::HillClimbingPolicy>(o)
//                       .build();
//
// Thread safety: decide() from one thread at a time (the controller's).
#ifndef BETAPOOL_POLICIES_HILL_CLIMBING_POLICY_H_
#define BETAPOOL_POLICIES_HILL_CLIMBING_POLICY_H_

#include <cstdint>

#include "core/scaling_policy.h"

namespace betapool {

class ComponentRegistryBuilder;

struct HillClimbingOptions {
  // Ticks discarded after each change (the pool settles).
  int settle_ticks = 1;
  // Throughput samples measured at each thread count.
  int samples_per_level = 3;
  // A sample spans ticks until it holds at least this many completions, so
  // slow workloads are not judged on a handful of tasks.
  int64_t min_completions_per_sample = 20;
  // The first probe moves by this share of the current count (>= 1 thread).
  double initial_step_fraction = 0.25;
  // Upper bound of the step share after successive wins.
  double max_step_fraction = 1.0;
  // Most threads added or removed in one change.
  int max_step = 16;
  // Least throughput elasticity (relative gain / relative thread increase)
  // for the larger count to win. .NET's default bias is 0.15 too.
  double bias = 0.15;
  // Standard errors beyond the bias line for a verdict to count as clear.
  double significance = 2.0;
  // Weight of each new noise measurement in the running noise estimate.
  double noise_smoothing = 0.3;
  // At or above this CPU % (system or process), never probe upward.
  double cpu_saturated_percent = 95.0;
  // A losing probe whose step is at most this share of the count (or one
  // thread) means the climber has converged.
  double converge_share = 0.05;
  // Longest pause between probes once converged, in ticks.
  int max_hold_ticks = 60;
  // Relative throughput shift at the held count that restarts the climb.
  double change_threshold = 0.25;
};

class HillClimbingPolicy : public ScalingPolicy {
 public:
  using Options = HillClimbingOptions;

  explicit HillClimbingPolicy(Options options = {});

  std::string_view name() const noexcept override { return "hill_climbing"; }
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

  const Options& options() const { return options_; }

 private:
  // Throughput samples measured at one thread count.
  struct Level {
    int workers = 0;
    int samples = 0;
    double sum = 0.0;     // of sample throughputs
    double sum_sq = 0.0;  // of squared sample throughputs
    int64_t pending_completed = 0;  // the sample being filled
    double pending_seconds = 0.0;
    int64_t completed = 0;          // over all samples

    double mean() const { return samples > 0 ? sum / samples : 0.0; }
    void add_interval(int64_t completed, double seconds, int64_t min_completed);
  };
  enum class Phase { kMeasureBase, kMeasureProbe, kHold };

  ScalingDecision climb(const ControllerSnapshot& s);
  ScalingDecision start_probe(const ControllerSnapshot& s, bool cpu_saturated);
  ScalingDecision judge_probe(const ControllerSnapshot& s, bool cpu_saturated);
  ScalingDecision move_to(int target, const ControllerSnapshot& s,
                          std::string reason);
  void enter_hold();
  void update_noise(const Level& level);
  int step_for(int workers) const;

  Options options_;
  Phase phase_ = Phase::kMeasureBase;
  Level base_;
  Level probe_;
  int expected_workers_ = -1;  // what we asked for last (or saw first)
  int settle_left_ = 0;
  int direction_ = 1;
  double step_fraction_;
  int hold_ticks_ = 0;
  int hold_left_ = 0;
  double hold_reference_ = 0.0;  // base throughput when the hold began
  double noise_ = -1.0;          // relative std of one sample; <0: unknown
};

// Registers "hill_climbing" with default options.
void register_hill_climbing_policy(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_POLICIES_HILL_CLIMBING_POLICY_H_

// File: policies/gil_wait_veto_policy.h
//
// GilWaitVetoPolicy: grows on time the workers spend blocked on something
// other than a serializing lock (I/O, sleeps), and shrinks when they spend
// most of their busy time waiting for one — for a Python pool, the GIL.
//
// Why: plain beta = 1 - cpu/wall counts a thread waiting for the GIL as
// "blocked", exactly like one waiting for I/O, so on GIL-bound work it reads
// high and BetaVetoPolicy adds threads to a pool that is already queueing for
// the GIL. This policy splits the interval's exact totals (not the sampled
// window) instead:
//   gil      = interval.lock_wait_ratio(): share of busy time spent waiting
//              to acquire the lock (core/wait_accounting.h; the Python
//              executor reports its wait for the GIL before each task);
//   other    = 1 - (cpu_time + lock_wait_time) / busy_wall_time, at least 0:
//              busy time blocked on something else;
//   gil_load = cpu_time / interval.length: cores of CPU the pool's tasks
//              used; pure-Python work cannot use much more than one.
// At each tick, in this order:
//   1. less than `stabilization_window` since the last change -> hold
//      (the clock starts at executor start, as in BetaVetoPolicy);
//   2. fewer than `warmup_task_count` tasks completed         -> hold;
//   3. no task completed this interval, or no busy time, or a zero-length
//      interval                                               -> hold;
//   4. gil > gil_high                       -> shrink by max(scale_down_step,
//                                              current / 8);
//   5. gil > gil_low and gil_load >= saturated_cores -> hold (the GIL is
//                                              the bottleneck);
//   6. other > beta_high_threshold and the process's CPU share is below
//      cpu_upper_threshold (or unavailable) -> grow by max(scale_up_step,
//                                              current / 4);
//   7. otherwise                            -> hold.
// The target is clamped to the bounds; only an applied change restarts the
// stabilization window.
//
// When to pick it: Python callables on betapool's Python executor (the
// module measures GIL waits), or any C++ work whose serializing lock
// reports through core/wait_accounting.h, where the work mixes I/O with
// lock-bound sections. On the real GIL it grew where beta_veto stayed at
// min_workers because the machine's CPU was busy (it reads the process's CPU
// share, not the whole machine's), and stopped growing as the GIL wait rose
// (docs/results.md, real-GIL section). Without lock-wait reports it is a
// beta policy on the interval totals with multiplicative steps.
//
// It is the C++ port of the Python-written policy of the same rule
// (bindings/python/betapool/policies.py, registered as
// "gil_wait_veto_python"); both answer the same targets and reasons (one
// exception: a NaN busy time, which both hold on, reads "no tasks finished
// this interval" here), but this one runs on the controller thread without
// taking the GIL.
//
// Example:
//   betapool::GilWaitVetoOptions o;
//   o.gil_high = 0.4;   // shrink earlier
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::GilWaitVetoPolicy>(
//                           betapool::ControllerConfig{}, o)
//                       .build();
//   // or by name: ExecutorBuilder().policy("gil_wait_veto"); in Python,
//   // AdaptiveThreadPoolExecutor(4, 64, policy="gil_wait_veto").
//
// Thread safety: decide() from one thread at a time (the controller's).
#ifndef BETAPOOL_POLICIES_GIL_WAIT_VETO_POLICY_H_
#define BETAPOOL_POLICIES_GIL_WAIT_VETO_POLICY_H_

#include <string_view>

#include "absl/time/time.h"
#include "core/controller_config.h"
#include "core/scaling_policy.h"

namespace betapool {

class ComponentRegistryBuilder;

struct GilWaitVetoOptions {
  // Lock-wait share of busy time above which the pool shrinks: more than
  // half the busy time queueing for the GIL means fewer threads lose little.
  double gil_high = 0.5;
  // Lock-wait share above which a pool burning `saturated_cores` holds
  // instead of growing: the GIL, not the thread count, is the limit.
  double gil_low = 0.1;
  // Cores of pool CPU (interval cpu_time / length) that count as the GIL
  // being saturated; pure-Python work peaks at about one.
  double saturated_cores = 0.8;
};

class GilWaitVetoPolicy : public ScalingPolicy {
 public:
  using Options = GilWaitVetoOptions;

  explicit GilWaitVetoPolicy(ControllerConfig config = {},
                             Options options = {});

  std::string_view name() const noexcept override;
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

  const ControllerConfig& config() const { return config_; }
  const Options& options() const { return options_; }

 private:
  ControllerConfig config_;
  Options options_;
  absl::Duration last_change_ = absl::ZeroDuration();
};

// Registers "gil_wait_veto", built from the context's ControllerConfig with
// default options.
void register_gil_wait_veto_policy(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_POLICIES_GIL_WAIT_VETO_POLICY_H_

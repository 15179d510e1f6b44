// File: policies/beta_veto_policy.h
//
// BetaVetoPolicy: the paper's controller (the seed's decision flow and
// defaults), betapool's default policy. At each tick, in this order:
//   1. less than `stabilization_window` since the last change -> hold
//      (the clock starts at executor start, as in the seed);
//   2. fewer than `warmup_task_count` tasks completed         -> hold;
//   3. no task completed recently (empty window)              -> hold
//      (betapool's fix: an idle pool is no evidence of I/O-bound work);
//   4. beta > beta_high: CPU < cpu_upper -> scale up by scale_up_step,
//                        otherwise hold (CPU saturated or unavailable);
//                        opt-in (BetaVetoOptions, off by default): hold
//                        instead when CPU pressure or quota throttling is
//                        above a threshold;
//   5. beta < beta_low                   -> scale down by scale_down_step
//                                           (the "GIL safety veto");
//   6. CPU > cpu_upper                   -> scale down;
//   7. otherwise                         -> hold.
// beta is the window's mean per-task blocking ratio, exactly as the seed
// computes it: it counts lock waiting as blocking, so on GIL-bound work with
// many threads it reads high and this policy adds threads. That flaw is kept
// on purpose (the policy is the paper's); see docs/policies.md. The opt-in
// `lock_wait_correction` (BetaVetoOptions, off by default) removes it: the
// beta compared in steps 4-6 is then beta minus the window's mean lock-wait
// share (core/wait_accounting.h), so time spent queueing for a GIL or a hot
// mutex no longer reads as I/O.
//
// Example:
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::BetaVetoPolicy>()
//                       .build();
//   // The same rule with the lock-wait share subtracted from beta (also
//   // registered as "beta_veto_lock_corrected"):
//   betapool::BetaVetoOptions corrected;
//   corrected.lock_wait_correction = true;
//   auto gil_aware = betapool::ExecutorBuilder()
//                        .policy<betapool::BetaVetoPolicy>(corrected)
//                        .build();
//
// Thread safety: decide() from one thread at a time.
#ifndef BETAPOOL_POLICIES_BETA_VETO_POLICY_H_
#define BETAPOOL_POLICIES_BETA_VETO_POLICY_H_

#include <optional>

#include "absl/time/time.h"
#include "core/controller_config.h"
#include "core/scaling_policy.h"

namespace betapool {

class ComponentRegistryBuilder;

// Which CpuReading field BetaVetoPolicy compares with the CPU thresholds.
enum class CpuSignal {
  kSystem,   // whole-machine CPU %, as the seed (psutil.cpu_percent)
  kProcess,  // this process's share of the CPUs it may use
};

struct BetaVetoOptions {
  CpuSignal cpu_signal = CpuSignal::kSystem;
  // Container/pressure vetoes, off by default (the seed's behaviour). When
  // set, a scale-up the seed's rule would take (step 4) is held instead if
  // the reading's pressure_some_percent (PSI some avg10) or
  // throttled_percent is above the threshold: more threads would only queue
  // for a CPU or for the quota. A reading the sensor could not take does
  // not veto (the reason says it was unavailable). Values are 0-100.
  std::optional<double> max_pressure_some_percent;
  std::optional<double> max_throttled_percent;
  // Off by default (the seed's beta). When set, the beta compared with the
  // thresholds is the window's avg_blocking_ratio minus its
  // avg_lock_wait_ratio, clamped to [0, 1]: the share of task time spent
  // waiting for a serializing lock is not I/O, and more threads only
  // lengthen that queue. A window without lock-wait evidence (share 0 or
  // not a number) corrects nothing, and the reason then reads as the seed's;
  // otherwise it shows the subtraction ("beta 0.94 - lock wait 0.84 =
  // 0.10 < 0.30"). Only locks that report through core/wait_accounting.h
  // are seen. The policy's name() becomes "beta_veto_lock_corrected".
  bool lock_wait_correction = false;
};

class BetaVetoPolicy : public ScalingPolicy {
 public:
  using Options = BetaVetoOptions;

  explicit BetaVetoPolicy(ControllerConfig config = {}, Options options = {});

  std::string_view name() const noexcept override;
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

  const ControllerConfig& config() const { return config_; }

 private:
  // Applies the optional pressure/throttling vetoes to a scale-up.
  void veto_growth(const CpuReading& cpu, int& step, std::string& reason) const;

  ControllerConfig config_;
  Options options_;
  absl::Duration last_change_ = absl::ZeroDuration();
};

// Registers "beta_veto" and "beta_veto_lock_corrected" (the same with
// lock_wait_correction), both built from the context's ControllerConfig.
void register_beta_veto_policy(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_POLICIES_BETA_VETO_POLICY_H_

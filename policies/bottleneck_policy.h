// File: policies/bottleneck_policy.h
//
// BottleneckPolicy: sizes the pool to the knee of its bottleneck — the CPU
// cores or a serializing lock such as a GIL — estimated from what the
// snapshot offers beyond plain beta, and keeps a resize only if throughput
// answered it.
//
// Why not beta: beta = 1 - cpu/wall counts every off-CPU moment as "waiting
// for I/O", including time spent waiting for a lock or for a CPU. On
// GIL-bound work beta therefore rises as threads are added, and a beta
// policy keeps adding them. This policy splits the wall time instead:
//   wall = cpu + lock wait (reported, core/wait_accounting.h) + the rest,
// and reasons about each bottleneck separately:
//   - CPU: with the pool busy and the CPU at u (process %, or the pool's own
//     CPU time over effective CPUs), the pool can grow to about
//     busy * cpu_target / u threads before the cores saturate. On I/O-heavy
//     work u is small, so the first step already goes a long way (capped at
//     `max_growth` per change) instead of +2 threads per 2 s.
//   - Lock: a lock is a single server. From throughput X, lock wait per task
//     W and N busy threads, mean-value analysis of a closed queue
//     (W = g * Q(N-1), Q(N-1) ~ (N-1)/N * X * (W + g)) gives the lock's hold
//     time per task g. The lock saturates at the knee (wall - W) / g threads;
//     the pool is sized `lock_headroom` above it (a single server needs a
//     small queue to stay busy). On GIL-heavy work the knee is ~1 thread, so
//     the pool stays at min_workers; after an I/O -> CPU phase change it
//     shrinks there.
//   - CPU saturated (>= cpu_saturated_percent): never grow; probe a smaller
//     pool (x `saturated_probe`) and keep it only if throughput held —
//     oversubscribed cores lose work to context switches, and the snapshot
//     cannot see run-queue waiting directly.
//   - CPU busy but below saturation, model content: probe a larger pool
//     (x `headroom_probe`), since near the knee CPU use understates what
//     more threads still buy.
// Every resize is verified on the next evidence (throughput read from the
// CPU the tasks use where the process's CPU reading allows and the tasks
// use most of it: a count of completions is too noisy at ~100 tasks/s): a
// growth must deliver at
// least `verify_share` of the throughput gain the model predicted within
// the measured noise, and `min_growth_gain` in any case (a growth above
// the knee only has to lose nothing beyond the noise); a shrink must not
// lose throughput beyond the noise, a shrink probe not beyond
// `max_probe_loss`. A failed step is undone and remembered as a ceiling
// (or floor) for `backoff` — after a growth that lost throughput, or
// gained less than half of what it needed on a machine whose CPU is used
// up, every size above the one it came from — doubling on repeated
// failures, and forgotten early if the task mix changes (CPU or wall time
// per task moves by more than `regime_change`) or other processes' share
// of the machine's CPU moves by more than `neighbour_change`. A trial
// during which that share moved so much is void: a tenant that arrived or
// left mid-trial says nothing about the pool's size. When the pool has idle
// workers and no queue, arrivals limit throughput and the policy holds.
//
// Example:
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::BottleneckPolicy>()
//                       .min_workers(4).max_workers(128)
//                       .build();
//
// Thread safety: decide() from one thread at a time (the controller's).
#ifndef BETAPOOL_POLICIES_BOTTLENECK_POLICY_H_
#define BETAPOOL_POLICIES_BOTTLENECK_POLICY_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "core/scaling_policy.h"

namespace betapool {

class ComponentRegistryBuilder;

struct BottleneckOptions {
  // Size the pool for this CPU use (% of the CPUs the process may use).
  double cpu_target_percent = 95.0;
  // At or above this CPU % (system or process) the CPU is the bottleneck.
  double cpu_saturated_percent = 97.0;
  // Pool size as a multiple of the lock's knee.
  double lock_headroom = 1.2;
  // Lock wait below this share of task wall time is no evidence of a lock.
  double min_lock_wait_ratio = 0.01;
  // Largest growth / shrink factor of one resize.
  double max_growth = 2.0;
  double max_shrink = 0.5;
  // Size tried when the CPU is saturated and the model sees no smaller knee.
  double saturated_probe = 0.75;
  // Model targets within this share of the current size (and within one
  // thread) are ignored: no resizing for noise.
  double deadband = 0.1;
  // Evidence for a decision: completed tasks since the last resize...
  int64_t min_completions = 30;
  // ...or, for slow workloads, this much time with at least 5 completions.
  absl::Duration max_evidence_time = absl::Seconds(5);
  // Evidence is a sliding window of the ticks since the last resize: at most
  // this many ticks (more only while it holds fewer than min_completions),
  // since older ticks say less about the present.
  int max_evidence_ticks = 8;
  // A resize by less than this share of the pool needs at least
  // `small_move_ticks` ticks of evidence: fine adjustments wait for steady
  // estimates, large corrections do not.
  double small_move = 0.25;
  int small_move_ticks = 4;
  // Weight of a new knee estimate when it is within `small_move` of the
  // running estimate (a larger jump replaces it). Transients after each
  // resize bias single estimates in alternating directions; smoothing
  // cancels them instead of chasing them.
  double knee_smoothing = 0.3;
  // A growth must deliver this share of its predicted throughput gain...
  double verify_share = 0.5;
  // ...and at least this relative gain, however noisy the machine: where
  // the measured noise exceeds the predicted share, a growth that bought
  // nothing would pass, and every extra thread past the knee only
  // lengthens each task's wait for the cores (P99 grows with the pool).
  double min_growth_gain = 0.02;
  // Growth tried when every worker is busy, the CPU is below saturation and
  // the model holds. Near the CPU knee the model under-reads the headroom:
  // tasks bunch up on the cores, so CPU use rises more slowly than the
  // pool (measured: 11 threads at 88 %, 16 at 95 %, 32 at 100 % and 4 %
  // more throughput). Kept by the same trial as any growth.
  double headroom_probe = 1.25;
  // Once the CPU knee is bracketed (the smallest saturated size seen and a
  // size one probe below it that was not), the pool is sized this multiple
  // above the smallest saturated size. The CPU reads saturated before
  // throughput peaks, and past the knee a thread costs latency (P99 grows
  // with the pool) while below it a missing thread costs throughput.
  double cpu_headroom = 1.25;
  // Least throughput tolerance of a verification (relative), raised to two
  // standard errors of the measured tick-to-tick noise.
  double min_tolerance = 0.03;
  // A trial reads throughput from the process's CPU use (see the file
  // comment) only while the tasks use at least this share of it: on I/O
  // work the process's own CPU (submitting, waking, measuring) outweighs
  // the tasks', and would read every growth as a gain of almost nothing.
  double min_task_cpu_share = 0.8;
  // A shrink probe may lose at most this much throughput (relative),
  // however noisy the machine. Below the knee throughput falls steeply with every
  // thread removed; above it an extra thread costs only some latency. When
  // noise cannot tell the two apart, the larger pool is the safer bet.
  double max_probe_loss = 0.01;
  // How long a failed size is avoided; doubles on repeated failures.
  absl::Duration backoff = absl::Seconds(10);
  absl::Duration max_backoff = absl::Seconds(160);
  // Relative change of CPU or wall time per task that clears the memory of
  // failed sizes (the workload changed).
  double regime_change = 0.5;
  // Change of other processes' CPU (the machine's reading minus this
  // process's, as a share of the machine) that voids a trial and clears
  // the memory of failed sizes: a neighbour arrived or left.
  double neighbour_change = 0.25;
};

class BottleneckPolicy : public ScalingPolicy {
 public:
  using Options = BottleneckOptions;

  explicit BottleneckPolicy(Options options = {});

  std::string_view name() const noexcept override { return "bottleneck"; }
  ScalingDecision decide(const ControllerSnapshot& snapshot) override;

  const Options& options() const { return options_; }

 private:
  // Totals over one tick, or summed over the evidence window.
  struct Evidence {
    double seconds = 0.0;
    int64_t completed = 0;
    double busy_wall = 0.0;
    double cpu = 0.0;
    double lock = 0.0;
    int ticks = 0;
    int saturated_ticks = 0;
    double busy_workers_sum = 0.0;
    double process_percent_sum = 0.0;
    int process_percent_ticks = 0;
    double system_percent_sum = 0.0;
    int system_percent_ticks = 0;
    double effective_cpus = 0.0;

    void add(const Evidence& o);
  };
  // What the evidence says about the pool and its bottlenecks.
  struct Estimate {
    double throughput = 0.0;  // tasks/s
    double wall = 0.0;        // per task, seconds
    double cpu = 0.0;
    double lock = 0.0;
    double busy = 0.0;        // mean busy workers
    bool saturated = false;   // queue or all workers busy most of the time
    std::optional<double> cpu_util;  // 0..1
    bool cpu_saturated = false;
    // The whole machine's CPU at cpu_saturated_percent (this process's and
    // other processes' use together; false without a machine reading).
    bool machine_saturated = false;
    std::optional<double> lock_hold;  // g, seconds per task
    double n_cpu = 0.0;   // +inf when unknown
    double n_lock = 0.0;  // +inf when no lock contention
    int ticks = 0;
    // Of the process's CPU, the share its tasks used (0: unknown).
    double task_cpu_share = 0.0;
    // Other processes' share of the machine's CPU, 0..1 (both readings
    // needed).
    std::optional<double> others_util;
  };
  // A size that failed verification, avoided for a while.
  struct Limit {
    bool active = false;
    int workers = 0;
    absl::Duration until = absl::ZeroDuration();
    double cpu_per_task = 0.0;
    double wall_per_task = 0.0;
    std::optional<double> others_util;
  };
  struct Pending {
    bool active = false;
    int from = 0;
    int to = 0;
    double throughput = 0.0;  // at `from`
    double predicted_gain = 0.0;
    int ticks = 0;
    double cpu_per_task = 0.0;  // at `from`: a big shift means the workload
                                // changed, and the comparison is void
    double wall_per_task = 0.0;  // at `from`, lock waits excluded
    std::optional<double> others_util;  // at `from`
    std::optional<double> cpu_util;  // at `from` (see trial_gain())
    double task_cpu_share = 0.0;     // at `from`
    bool for_headroom = false;  // expected to cost nothing, not to pay
    bool probe = false;         // a trial, not a correction the model asked for
  };
  // Pool sizes seen with the CPU saturated and not, all workers busy, in
  // the current task mix (0: none seen).
  struct KneeBracket {
    int smallest_saturated = 0;
    int largest_unsaturated = 0;
    double cpu_per_task = 0.0;  // the task mix it was seen in
  };
  // Where the model's target leaves the pool, and why.
  struct Target {
    int workers = 0;
    std::string why;
    bool for_headroom = false;
    bool probe = false;
  };

  ScalingDecision decide_unclamped(const ControllerSnapshot& s);
  Target model_target(const ControllerSnapshot& s, const Estimate& e,
                      bool has_ceiling, bool has_floor);
  void add_interval(const ControllerSnapshot& s);
  Evidence total() const;
  bool enough_evidence(const Evidence& ev) const;
  Estimate estimate(const Evidence& ev) const;
  double predicted_throughput(const Estimate& e, double workers) const;
  bool limit_applies(Limit& limit, const Estimate& e, absl::Duration now) const;
  // The pending trial's relative throughput gain, measured on `e`.
  double trial_gain(const Estimate& e) const;
  // Whether a per-task time moved by more than `regime_change` from what
  // it was: the task mix changed, and what was learnt about it is void.
  bool task_mix_moved(double now_value, double then) const;
  // Whether other processes' CPU share moved by more than
  // `neighbour_change` (false when either reading is missing).
  bool neighbours_moved(const std::optional<double>& now_value,
                        const std::optional<double>& then) const;
  ScalingDecision resize(const ControllerSnapshot& s, const Estimate& e,
                         const Target& target, std::string reason);
  void observe_knee_bracket(int workers, const Estimate& e);
  bool knee_bracketed() const;
  void observe_noise(const ControllerSnapshot& s);

  Options options_;
  int expected_workers_ = -1;
  bool skip_next_interval_ = false;
  std::deque<Evidence> evidence_;  // one entry per tick since the last resize
  Pending pending_;
  Limit ceiling_;
  Limit floor_;
  KneeBracket bracket_;
  absl::Duration ceiling_backoff_;
  absl::Duration floor_backoff_;
  // Tick-to-tick throughput noise (relative variance of one tick).
  double noise_var_ = -1.0;
  double last_tick_throughput_ = -1.0;
  double tick_seconds_ = 0.0;
  // The knee (min of the CPU and lock knees), smoothed across decisions
  // while it moves by less than `small_move`; NaN before the first.
  double knee_;
};

// Registers "bottleneck" with default options.
void register_bottleneck_policy(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_POLICIES_BOTTLENECK_POLICY_H_

// File: policies/bottleneck_policy.cc
//
// BottleneckPolicy's decision flow: construction (option sanitizing),
// decide() and its steps — verify the last resize against its prediction
// and undo a failed one, remember failed sizes as ceilings and floors, pick
// the target from the knees, hold inside the deadband — and the
// tick-to-tick noise estimate the verification uses. What the evidence says
// (the evidence window, the per-task estimates and the knees) is in
// policies/bottleneck_estimate.cc.
#include "policies/bottleneck_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/component_registry.h"

namespace betapool {
namespace {

std::string threads_text(double n) {
  return std::isfinite(n) ? absl::StrFormat("%.1f", n) : std::string("inf");
}

}  // namespace

BottleneckPolicy::BottleneckPolicy(Options options)
    : options_(options), knee_(std::numeric_limits<double>::quiet_NaN()) {
  // Sanitize so a bad option degrades to a cautious policy, not a crash.
  auto positive_or = [](double v, double fallback) {
    return std::isfinite(v) && v > 0.0 ? v : fallback;
  };
  options_.cpu_target_percent = positive_or(options_.cpu_target_percent, 95.0);
  options_.cpu_saturated_percent = positive_or(options_.cpu_saturated_percent, 97.0);
  options_.lock_headroom = positive_or(options_.lock_headroom, 1.2);
  options_.max_growth = std::max(1.0, positive_or(options_.max_growth, 2.0));
  options_.max_shrink = std::clamp(positive_or(options_.max_shrink, 0.5), 0.01, 1.0);
  options_.saturated_probe =
      std::clamp(positive_or(options_.saturated_probe, 0.75), 0.01, 1.0);
  options_.headroom_probe = std::max(1.0, positive_or(options_.headroom_probe, 1.25));
  options_.cpu_headroom = std::max(1.0, positive_or(options_.cpu_headroom, 1.25));
  auto nonneg_or = [](double v, double fallback) {
    return std::isfinite(v) && v >= 0.0 ? v : fallback;
  };
  options_.min_growth_gain = nonneg_or(options_.min_growth_gain, 0.02);
  options_.min_task_cpu_share =
      std::clamp(nonneg_or(options_.min_task_cpu_share, 0.8), 0.0, 1.0);
  options_.max_probe_loss = nonneg_or(options_.max_probe_loss, 0.01);
  options_.min_completions = std::max<int64_t>(1, options_.min_completions);
  if (!(options_.knee_smoothing > 0.0 && options_.knee_smoothing <= 1.0)) {
    options_.knee_smoothing = 1.0;
  }
  options_.backoff = std::max(options_.backoff, absl::ZeroDuration());
  options_.max_backoff = std::max(options_.max_backoff, options_.backoff);
  ceiling_backoff_ = options_.backoff;
  floor_backoff_ = options_.backoff;
}

bool BottleneckPolicy::task_mix_moved(double now_value, double then) const {
  if (!(then > 0)) return now_value > 0;
  return std::abs(now_value / then - 1.0) > options_.regime_change;
}

bool BottleneckPolicy::neighbours_moved(const std::optional<double>& now_value,
                                        const std::optional<double>& then) const {
  return now_value && then && std::abs(*now_value - *then) > options_.neighbour_change;
}

bool BottleneckPolicy::limit_applies(Limit& limit, const Estimate& e,
                                     absl::Duration now) const {
  if (!limit.active) return false;
  if (now >= limit.until || task_mix_moved(e.cpu, limit.cpu_per_task) ||
      task_mix_moved(e.wall - e.lock, limit.wall_per_task) ||
      neighbours_moved(e.others_util, limit.others_util)) {
    limit.active = false;
  }
  return limit.active;
}

double BottleneckPolicy::trial_gain(const Estimate& e) const {
  // Throughput times CPU per task is the CPU the tasks use, so with a
  // reading of the process's CPU the gain is the gain in CPU use per task's
  // CPU time. It is the same quantity as the gain in completions, but read
  // from CPU time instead of counted: at ~120 tasks/s a 0.5 s tick holds ~60
  // completions, which swing +-13 % between ticks, and a trial of a few
  // ticks cannot tell +5 % from -2 % that way (measured: vision_pipeline's
  // pool held at 7 threads and 88 % CPU for a whole run after two such
  // trials failed). Without a process reading, CPU use is the tasks' own CPU
  // time, and this is the count again. Where the tasks use little of the
  // process's CPU (I/O work), the rest of it would mask their gain: there
  // completions are many, and counting them is precise enough.
  const double share = options_.min_task_cpu_share;
  if (pending_.cpu_util && e.cpu_util && *pending_.cpu_util > 0 &&
      pending_.cpu_per_task > 0 && e.cpu > 0 && pending_.task_cpu_share >= share &&
      e.task_cpu_share >= share) {
    return (*e.cpu_util / e.cpu) / (*pending_.cpu_util / pending_.cpu_per_task) - 1.0;
  }
  return pending_.throughput > 0 ? e.throughput / pending_.throughput - 1.0 : 0.0;
}

ScalingDecision BottleneckPolicy::resize(const ControllerSnapshot& s,
                                         const Estimate& e, const Target& to,
                                         std::string reason) {
  const int target = to.workers;
  pending_.active = true;
  pending_.from = s.current_workers;
  pending_.to = target;
  pending_.throughput = e.throughput;
  pending_.ticks = e.ticks;
  pending_.cpu_per_task = e.cpu;
  pending_.wall_per_task = e.wall - e.lock;
  pending_.others_util = e.others_util;
  pending_.cpu_util = e.cpu_util;
  pending_.task_cpu_share = e.task_cpu_share;
  pending_.for_headroom = to.for_headroom;
  pending_.probe = to.probe || to.for_headroom;
  // Shrinks and headroom are expected to cost nothing; growth to pay.
  pending_.predicted_gain =
      target > s.current_workers && !to.for_headroom
          ? predicted_throughput(e, target) /
                    predicted_throughput(e, s.current_workers) -
                1.0
          : 0.0;
  expected_workers_ = target;
  evidence_.clear();
  last_tick_throughput_ = -1.0;  // noise is measured between equal sizes only
  // Tasks that straddle the resize distort the first interval when they are
  // long compared with it; skip it then.
  skip_next_interval_ = e.wall > 0.2 * tick_seconds_;
  ScalingDecision d{target, DecisionKind::kHold, std::move(reason)};
  d.kind = target > s.current_workers ? DecisionKind::kScaleUp
                                      : DecisionKind::kScaleDown;
  return d;
}

void BottleneckPolicy::observe_noise(const ControllerSnapshot& s) {
  const double seconds = absl::ToDoubleSeconds(s.interval.length);
  if (!(seconds > 0) || !std::isfinite(seconds) || s.interval.completed < 10) {
    last_tick_throughput_ = -1.0;
    return;
  }
  const double x = static_cast<double>(s.interval.completed) / seconds;
  if (last_tick_throughput_ > 0) {
    const double mean = (x + last_tick_throughput_) / 2.0;
    const double d = (x - last_tick_throughput_) / mean;
    const double var = d * d / 2.0;  // var(a - b) = 2 var for equal noise
    noise_var_ = noise_var_ < 0 ? var : 0.9 * noise_var_ + 0.1 * var;
  }
  last_tick_throughput_ = x;
}

ScalingDecision BottleneckPolicy::decide(const ControllerSnapshot& s) {
  ScalingDecision d = decide_unclamped(s);
  if (const int bounded = s.bounded(d.target); bounded != d.target) {
    d.target = bounded;
    if (pending_.active) pending_.to = bounded;
    expected_workers_ = bounded;
  }
  d.kind = d.target > s.current_workers   ? DecisionKind::kScaleUp
           : d.target < s.current_workers ? DecisionKind::kScaleDown
                                          : DecisionKind::kHold;
  // A resize clamped to the current size is no resize and has no trial; a
  // hold while a past resize is being verified keeps that trial.
  if (d.kind == DecisionKind::kHold && pending_.from == s.current_workers) {
    pending_.active = false;
  }
  return d;
}

ScalingDecision BottleneckPolicy::decide_unclamped(const ControllerSnapshot& s) {
  const int n = s.current_workers;
  if (n != expected_workers_) {
    // First tick, or someone else resized the pool: start afresh.
    const bool first = expected_workers_ < 0;
    expected_workers_ = n;
    evidence_.clear();
    pending_.active = false;
    skip_next_interval_ = !first;
    last_tick_throughput_ = -1.0;
  }
  const double tick = absl::ToDoubleSeconds(s.interval.length);
  if (tick > 0 && std::isfinite(tick)) tick_seconds_ = tick;
  const bool settling = skip_next_interval_;
  if (skip_next_interval_) {
    skip_next_interval_ = false;
    last_tick_throughput_ = -1.0;
  } else {
    observe_noise(s);
    add_interval(s);
  }
  const Evidence ev = total();
  if (settling || !enough_evidence(ev)) {
    return ScalingDecision::hold(
        n, absl::StrFormat("gathering evidence at %d: %d tasks", n, ev.completed));
  }
  const Estimate e = estimate(ev);
  const std::string facts = absl::StrFormat(
      "%.1f tasks/s, cpu %s, lock wait %.0f%%, knees cpu %s lock %s", e.throughput,
      e.cpu_util ? absl::StrFormat("%.0f%%", 100 * *e.cpu_util) : "unavailable",
      e.wall > 0 ? 100 * e.lock / e.wall : 0.0, threads_text(e.n_cpu),
      threads_text(e.n_lock));

  observe_knee_bracket(n, e);

  // 1. Verify the last resize against what it was expected to do. A probe
  // is judged on as many ticks as the size before it (up to
  // small_move_ticks): its effect is small, one tick just after a resize is
  // part transient, and comparing it with a longer window before would undo
  // good steps for noise. A large correction is judged at once.
  const int verify_ticks =
      pending_.probe ? std::min(pending_.ticks, options_.small_move_ticks) : 1;
  if (pending_.active && e.ticks < verify_ticks) {
    return ScalingDecision::hold(
        n, absl::StrFormat("verifying %d -> %d: %d of %d ticks", pending_.from,
                           pending_.to, e.ticks, verify_ticks));
  }
  if (pending_.active) {
    pending_.active = false;
    const double gain = trial_gain(e);
    const double noise = noise_var_ > 0 ? std::sqrt(noise_var_) : 0.0;
    const double tolerance = std::max(
        options_.min_tolerance,
        2.0 * noise *
            std::sqrt(1.0 / std::max(1, pending_.ticks) + 1.0 / std::max(1, e.ticks)));
    const bool grew = pending_.to > pending_.from;
    // A growth that saturated the CPU found the knee: it is kept if it cost
    // nothing, and the bracket sizes the pool from there.
    const bool must_pay = grew && !pending_.for_headroom && !e.cpu_saturated;
    // A probe that shrank must hold throughput within max_probe_loss; a
    // correction the model asked for (a lock knee far below) within noise,
    // and so must a growth that need not pay (headroom above the knee, or
    // a probe that saturated the CPU). Past the knee a thread more costs
    // ~1-3 % of CPU per task (measured on sensor_fusion, 13 -> 16 threads
    // at 100 % CPU), so a 1 % limit undid every headroom step there, and
    // the pool sat where a thread less costs throughput.
    const double allowed_loss = pending_.probe && !grew
                                    ? std::min(tolerance, options_.max_probe_loss)
                                    : tolerance;
    const double required =
        must_pay ? std::max(options_.min_growth_gain,
                            options_.verify_share * pending_.predicted_gain - tolerance)
                 : -allowed_loss;
    // A neighbour that arrived or left mid-trial moved the throughput, not
    // the pool's size (vision_pipeline beside a tenant cgroup arriving at
    // 6 s: 8 -> 10 read -20.6 % and held the pool at 8 for 40 s, where 16
    // was the new best size).
    const bool workload_changed =
        (pending_.cpu_per_task > 0 && task_mix_moved(e.cpu, pending_.cpu_per_task)) ||
        neighbours_moved(e.others_util, pending_.others_util);
    if (workload_changed) {
      knee_ = std::numeric_limits<double>::quiet_NaN();
    } else if (!e.saturated) {
      // Idle workers and no queue: arrivals set the throughput now, so it
      // says nothing about the pool size, and the pool serves them all.
    } else if (gain < required) {
      // A growth that lost throughput avoids every larger size, not only
      // the one tried: the model is wrong here, and a smaller step is the
      // same model's bet (mixed: 6 -> 9 lost 13.6 %, then 6 -> 8 lost
      // 3.6 %, four reversals in 2 s). So does one that gained less than
      // half of what it needed while the machine's CPU was used up: others
      // hold CPU the model counts as this pool's headroom (beside a tenant
      // cgroup, 8 -> 15, 14, 13 gained +6.0, +0.1, +5.5 % of +32.3, +27.7,
      // +18.6 % needed). With CPU to spare a shortfall is the lag of a
      // ramp (io: 32 -> 64 read +20.9 % of +47.0 % one tick after the
      // resize; avoiding 33 and above delayed 90 % of the best from 4.5 to
      // 8.8 s), and a near miss anywhere lets a smaller step try
      // (vision_pipeline: 6 -> 8 gained +3.0 % of +3.1 % needed; avoiding
      // 7 too held the pool at 6 for 10 s, 92 % of the best static size).
      Limit& limit = grew ? ceiling_ : floor_;
      absl::Duration& backoff = grew ? ceiling_backoff_ : floor_backoff_;
      const bool far_short = gain < 0 || (e.machine_saturated && gain < required / 2);
      const int avoided = grew && far_short ? pending_.from + 1 : pending_.to;
      // In the task mix of `from`, where the pool goes back to: past the
      // CPU knee the trial's wall time per task is inflated by the wait
      // for a core (mixed --nogil: 18 -> 34 threads, x1.9), and against it
      // the mix at `from` read as changed, forgetting the limit at once.
      limit = Limit{true, avoided, s.now + backoff, pending_.cpu_per_task,
                    pending_.wall_per_task, pending_.others_util};
      backoff = std::min(options_.max_backoff, backoff * 2);
      const int back = pending_.from;
      ScalingDecision d = resize(
          s, e, Target{back, ""},
          absl::StrFormat("undo %d -> %d: throughput %+.1f%%, needed %+.1f%%",
                          pending_.from, pending_.to, 100 * gain, 100 * required));
      pending_.active = false;  // an undo is not itself on trial
      return d;
    }
    if (grew) {
      ceiling_backoff_ = options_.backoff;
    } else {
      floor_backoff_ = options_.backoff;
    }
  }

  // 2. Where should the pool be?
  const bool has_ceiling = limit_applies(ceiling_, e, s.now);
  const bool has_floor = limit_applies(floor_, e, s.now);
  const Target target = model_target(s, e, has_ceiling, has_floor);
  if (target.workers == n) {
    return ScalingDecision::hold(
        n, absl::StrCat("hold: ", target.why, " (", facts, ")",
                        has_ceiling ? absl::StrCat(", avoiding ", ceiling_.workers)
                                    : "",
                        has_floor ? absl::StrCat(", avoiding ", floor_.workers) : ""));
  }
  return resize(s, e, target, absl::StrCat(target.why, " (", facts, ")"));
}

BottleneckPolicy::Target BottleneckPolicy::model_target(const ControllerSnapshot& s,
                                                        const Estimate& e,
                                                        bool has_ceiling,
                                                        bool has_floor) {
  const int n = s.current_workers;
  const double current = static_cast<double>(n);
  double want = current;
  std::string why;
  bool for_headroom = false;
  bool probe = false;
  if (!e.saturated) {
    return {n, "idle workers and no queue: arrivals limit throughput"};
  }
  const double raw = std::min(e.n_cpu, e.n_lock);
  if (!std::isfinite(raw) || !std::isfinite(knee_) ||
      std::abs(raw / knee_ - 1.0) > options_.small_move) {
    knee_ = raw;
  } else {
    knee_ += options_.knee_smoothing * (raw - knee_);
  }
  const double knee = knee_;
  // A saturated CPU reads 100 % whatever the oversubscription, so the CPU
  // knee says nothing then; the lock knee still does.
  const bool lock_bound = e.n_lock < (e.cpu_saturated ? current : e.n_cpu);
  if (lock_bound) {
    want = e.cpu_saturated ? e.n_lock : knee;
    why = e.cpu_saturated ? "cpu saturated, lock knee below the pool"
                          : "sized to the lock's knee";
  } else if (knee_bracketed()) {
    want = options_.cpu_headroom * bracket_.smallest_saturated;
    why = absl::StrFormat("cpu saturated from %d threads, not at %d: sized above the knee",
                          bracket_.smallest_saturated, bracket_.largest_unsaturated);
    for_headroom = want > current;
  } else if (e.cpu_saturated) {
    if (e.ticks < options_.small_move_ticks) {
      // A probe, not a correction: it waits for steady evidence.
      return {n, "cpu saturated; gathering evidence before probing smaller"};
    }
    if (has_floor) {
      // A smaller pool lost throughput a moment ago: no creeping back
      // toward it one thread at a time, each step a reversal.
      return {n, "cpu saturated; a smaller pool lost throughput"};
    }
    want = current * options_.saturated_probe;
    why = "cpu saturated: probing a smaller pool";
    probe = true;
  } else if (std::isfinite(knee)) {
    // Below saturation the CPU knee only ever says "grow": a CPU knee under
    // the pool means CPU use near the saturation mark, where a trial has
    // just shown (or will show) what the threads buy.
    want = std::max(knee, current);
    why = "sized to the CPU knee";
  } else {
    // No CPU reading and no lock contention: grow while tasks mostly wait.
    const double waiting = e.wall > 0 ? 1.0 - (e.cpu + e.lock) / e.wall : 0.0;
    if (waiting > 0.5) {
      want = current * options_.max_growth;
      why = "no cpu reading; tasks mostly wait";
    } else {
      why = "no cpu reading; tasks mostly compute";
    }
  }
  want = std::clamp(want, current * options_.max_shrink, current * options_.max_growth);
  // The nearest size, not the next one away from the pool: rounded away, a
  // lock knee near 6 read 6.5 from 5 threads (-> 7) and 5.8 from 7 (-> 5),
  // and rag_orchestration's pool swung 5 <-> 7 thirty times a minute.
  int target = static_cast<int>(std::lround(want));
  if (has_ceiling && target >= ceiling_.workers) target = std::max(n, ceiling_.workers - 1);
  if (has_floor && target <= floor_.workers) target = std::min(n, floor_.workers + 1);
  // Bounded before the deadband: a move the controller would clamp away is
  // no move.
  target = s.bounded(target);
  // The deadband applies to the model's size, not to the rounded one: a
  // lock knee that reads 6.6 from 6 threads and 6.3 from 7 is one knee, and
  // rounding it anew at each size moved rag_orchestration's pool 6 <-> 7
  // every few seconds.
  const double band = std::max(1.0, options_.deadband * current);
  const bool small = std::abs(target - n) < options_.small_move * current;
  if (target != n && std::abs(want - current) >= band &&
      !(small && e.ticks < options_.small_move_ticks)) {
    return {target, why, for_headroom && target > n, probe};
  }
  // The model is content. If the CPU is the bottleneck and not yet
  // saturated, see whether more threads still pay (the trial undoes it
  // otherwise, and the ceiling it leaves stops the next probe).
  const bool cpu_bound = e.cpu_util && !e.cpu_saturated && e.n_cpu <= e.n_lock &&
                        !knee_bracketed();
  if (cpu_bound && !has_ceiling && e.ticks >= options_.small_move_ticks) {
    const int larger = s.bounded(
        std::max(n + 1, static_cast<int>(std::ceil(current * options_.headroom_probe))));
    if (larger > n) {
      return {larger, "cpu below saturation: probing a larger pool", false, true};
    }
  }
  return {n, why};
}

void BottleneckPolicy::observe_knee_bracket(int workers, const Estimate& e) {
  KneeBracket& b = bracket_;
  if (b.cpu_per_task > 0 && task_mix_moved(e.cpu, b.cpu_per_task)) {
    b = KneeBracket{};  // another task mix has another knee
  }
  // Only steady evidence of an all-busy pool whose bottleneck is the CPU.
  if (!e.saturated || !e.cpu_util || e.n_lock < workers ||
      e.ticks < options_.small_move_ticks) {
    return;
  }
  if (b.cpu_per_task <= 0) b.cpu_per_task = e.cpu;
  if (e.cpu_saturated) {
    b.smallest_saturated =
        b.smallest_saturated > 0 ? std::min(b.smallest_saturated, workers) : workers;
    if (b.largest_unsaturated >= workers) b.largest_unsaturated = 0;  // stale
  } else {
    b.largest_unsaturated = std::max(b.largest_unsaturated, workers);
    if (b.smallest_saturated > 0 && b.smallest_saturated <= workers) {
      b.smallest_saturated = 0;  // stale
    }
  }
}

bool BottleneckPolicy::knee_bracketed() const {
  const KneeBracket& b = bracket_;
  return b.smallest_saturated > 0 && b.largest_unsaturated > 0 &&
         b.largest_unsaturated >=
             std::floor(options_.saturated_probe * b.smallest_saturated);
}

void register_bottleneck_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy("bottleneck", [](const ComponentContext&) {
    return std::make_unique<BottleneckPolicy>();
  });
}

}  // namespace betapool

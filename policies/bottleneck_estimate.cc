// File: policies/bottleneck_estimate.cc
//
// BottleneckPolicy's model of the pool: the evidence window (one Evidence
// per tick since the last resize, slid while enough remains), whether it is
// enough to decide on, and what it says — per-task wall, CPU and lock wait,
// CPU use, the CPU knee and the lock knee (mean-value analysis of a single
// server), and the throughput bound a pool size predicts. Touches only
// evidence_ (written by add_interval) and options_ (read); the decision
// flow that acts on the estimate is in policies/bottleneck_policy.cc.
#include "policies/bottleneck_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace betapool {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0.0; }

std::optional<double> finite_percent(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return std::clamp(*v, 0.0, 100.0);
}

}  // namespace

void BottleneckPolicy::Evidence::add(const Evidence& o) {
  seconds += o.seconds;
  completed += o.completed;
  busy_wall += o.busy_wall;
  cpu += o.cpu;
  lock += o.lock;
  ticks += o.ticks;
  saturated_ticks += o.saturated_ticks;
  busy_workers_sum += o.busy_workers_sum;
  process_percent_sum += o.process_percent_sum;
  process_percent_ticks += o.process_percent_ticks;
  system_percent_sum += o.system_percent_sum;
  system_percent_ticks += o.system_percent_ticks;
  if (o.effective_cpus > 0) effective_cpus = o.effective_cpus;
}

void BottleneckPolicy::add_interval(const ControllerSnapshot& s) {
  const IntervalMetrics& in = s.interval;
  const double seconds = absl::ToDoubleSeconds(in.length);
  if (!(seconds > 0.0) || !std::isfinite(seconds) || in.completed < 0 ||
      !finite_nonneg(in.busy_wall_time) || !finite_nonneg(in.cpu_time) ||
      !finite_nonneg(in.lock_wait_time)) {
    return;  // not a measurement
  }
  Evidence e;
  e.seconds = seconds;
  e.completed = in.completed;
  e.busy_wall = in.busy_wall_time;
  e.cpu = in.cpu_time;
  e.lock = std::min(in.lock_wait_time, in.busy_wall_time);
  e.ticks = 1;
  const int current = std::max(1, s.current_workers);
  if (s.queue_depth > 0 || s.busy_workers >= current) e.saturated_ticks = 1;
  e.busy_workers_sum = std::clamp(s.busy_workers, 0, current);
  if (auto p = finite_percent(s.cpu.process_percent)) {
    e.process_percent_sum = *p;
    e.process_percent_ticks = 1;
  }
  if (auto p = finite_percent(s.cpu.system_percent)) {
    e.system_percent_sum = *p;
    e.system_percent_ticks = 1;
  }
  if (s.cpu.effective_cpus && std::isfinite(*s.cpu.effective_cpus) &&
      *s.cpu.effective_cpus > 0) {
    e.effective_cpus = *s.cpu.effective_cpus;
  }
  evidence_.push_back(e);
  // Slide: drop the oldest tick while the rest is still enough evidence.
  int64_t completed = 0;
  for (const Evidence& t : evidence_) completed += t.completed;
  constexpr std::size_t kHardCap = 256;
  while (evidence_.size() > kHardCap ||
         (static_cast<int>(evidence_.size()) > options_.max_evidence_ticks &&
          completed - evidence_.front().completed >= options_.min_completions)) {
    completed -= evidence_.front().completed;
    evidence_.pop_front();
  }
}

BottleneckPolicy::Evidence BottleneckPolicy::total() const {
  Evidence sum;
  for (const Evidence& t : evidence_) sum.add(t);
  return sum;
}

bool BottleneckPolicy::enough_evidence(const Evidence& ev) const {
  if (ev.ticks == 0 || !(ev.seconds > 0)) return false;
  if (ev.completed >= options_.min_completions) return true;
  return ev.completed >= 5 &&
         ev.seconds >= absl::ToDoubleSeconds(options_.max_evidence_time);
}

BottleneckPolicy::Estimate BottleneckPolicy::estimate(const Evidence& ev) const {
  Estimate e;
  e.ticks = ev.ticks;
  const double k = static_cast<double>(std::max<int64_t>(1, ev.completed));
  e.throughput = static_cast<double>(ev.completed) / ev.seconds;
  e.wall = ev.busy_wall / k;
  e.cpu = std::min(ev.cpu / k, e.wall);
  e.lock = std::min(ev.lock / k, e.wall);
  e.busy = ev.busy_workers_sum / ev.ticks;
  e.saturated = 2 * ev.saturated_ticks >= ev.ticks;

  if (ev.process_percent_ticks > 0) {
    e.cpu_util = ev.process_percent_sum / ev.process_percent_ticks / 100.0;
  } else if (ev.effective_cpus > 0) {
    e.cpu_util = std::min(1.0, ev.cpu / (ev.seconds * ev.effective_cpus));
  }
  if (e.cpu_util && *e.cpu_util > 0 && ev.effective_cpus > 0) {
    e.task_cpu_share =
        std::min(1.0, ev.cpu / ev.seconds / (*e.cpu_util * ev.effective_cpus));
  }
  if (ev.process_percent_ticks > 0 && ev.system_percent_ticks > 0) {
    e.others_util = std::max(0.0, ev.system_percent_sum / ev.system_percent_ticks -
                                      ev.process_percent_sum / ev.process_percent_ticks) /
                    100.0;
  }
  // Saturated means this process's CPUs are used up by this process. On a
  // shared machine the whole machine reads 100 % whenever a neighbour is
  // busy, and the pool's threads still get more CPU as they grow (the
  // scheduler shares by thread), so the machine's reading only stands in
  // when there is no reading of the process's own use.
  const double saturated = options_.cpu_saturated_percent / 100.0;
  e.machine_saturated =
      ev.system_percent_ticks > 0 &&
      ev.system_percent_sum / ev.system_percent_ticks / 100.0 >= saturated;
  e.cpu_saturated = e.cpu_util ? *e.cpu_util >= saturated : e.machine_saturated;

  // CPU knee: busy threads scale with throughput until the CPU is used up.
  e.n_cpu = kInf;
  if (e.cpu_util && *e.cpu_util > 1e-6 && e.busy > 0) {
    e.n_cpu = e.busy * (options_.cpu_target_percent / 100.0) / *e.cpu_util;
  }

  // Lock knee, from mean-value analysis of a single-server lock with N busy
  // threads: W = g * (N-1)/N * X * (W + g), solved for the hold time g.
  e.n_lock = kInf;
  const double n = e.busy;
  if (e.wall > 0 && e.lock >= options_.min_lock_wait_ratio * e.wall && n > 1.0 &&
      e.throughput > 0) {
    const double a = e.throughput * (n - 1.0) / n;
    const double aw = a * e.lock;
    double g = (-aw + std::sqrt(aw * aw + 4.0 * aw)) / (2.0 * a);
    const double cycle = e.wall - e.lock;  // a task's time without lock queueing
    if (std::isfinite(g) && g > 0 && cycle > 0) {
      g = std::min(g, cycle);
      e.lock_hold = g;
      e.n_lock = options_.lock_headroom * cycle / g;
    }
  }
  return e;
}

// Asymptotic throughput bound with `workers` threads: each thread completes
// one task per (wall - lock wait) until the CPU or the lock saturates.
double BottleneckPolicy::predicted_throughput(const Estimate& e,
                                              double workers) const {
  const double cycle = std::max(1e-9, e.wall - e.lock);
  double x = workers / cycle;
  if (e.cpu_util && *e.cpu_util > 1e-6) x = std::min(x, e.throughput / *e.cpu_util);
  if (e.lock_hold) x = std::min(x, 1.0 / *e.lock_hold);
  return x;
}

}  // namespace betapool

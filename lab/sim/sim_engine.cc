// File: lab/sim/sim_engine.cc
//
// The simulator's event loop: it advances virtual time to the earliest of
// the next wait end, CPU-burst end, GIL event, open-loop arrival and
// controller tick, and at each tick runs the shared ControlStep over the
// simulated pool and sensor.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "lab/sim/sim_engine.h"

namespace betapool::internal {

Engine::Engine(const Scenario& scenario, ScalingPolicy& policy,
               const SimOptions& options)
    : sc_(scenario),
      opt_(options),
      cores_(scenario.machine.cores),
      overhead_(scenario.machine.overhead_per_thread),
      gil_on_(scenario.gil.enabled),
      switch_interval_(absl::ToDoubleSeconds(scenario.gil.switch_interval)),
      handoff_cost_(absl::ToDoubleSeconds(scenario.gil.handoff_cost)),
      waiter_slowdown_(scenario.gil.waiter_slowdown),
      wake_cpu_(absl::ToDoubleSeconds(scenario.gil.waiter_wake_cpu)),
      tick_(absl::ToDoubleSeconds(options.controller.monitor_interval)),
      end_(absl::ToDoubleSeconds(options.duration.value_or(scenario.duration))),
      record_spacing_(absl::ToDoubleSeconds(options.metrics.record_spacing)),
      initial_workers_(options.initial_workers.value_or(
          scenario.initial_workers > 0 ? scenario.initial_workers
                                       : scenario.min_workers)),
      arrival_rng_(mix_seed(options.seed, 0xa441'7a15ULL)),
      collector_(options.metrics.window_size, options.metrics.max_history,
                 options.metrics.window_max_age),
      sensor_(cpu_counters_, scenario.machine.cores,
              scenario.machine.cpu_sensor_available),
      step_(*this, collector_, policy, &sensor_, /*sinks=*/{},
            ControlBounds{scenario.min_workers, scenario.max_workers},
            /*now=*/0.0),
      stats_(initial_workers_) {
  result_.policy = std::string(policy.name());
}

double Engine::next_open_arrival(double after) {
  const ArrivalSpec& a = sc_.arrivals;
  if (a.kind == ArrivalSpec::Kind::kPoisson) {
    if (!(a.rate > 0.0)) return kInf;
    return after + arrival_rng_.exponential1() / a.rate;
  }
  // Bursty: piecewise-constant rate; the exponential is memoryless, so at a
  // rate boundary we simply draw again with the new rate.
  const double burst = absl::ToDoubleSeconds(a.burst_duration);
  const double quiet = absl::ToDoubleSeconds(a.quiet_duration);
  const double cycle = burst + quiet;
  double t = after;
  for (int guard = 0; guard < 1000000; ++guard) {
    const double in_cycle = std::fmod(t, cycle);
    const bool in_burst = in_cycle < burst;
    const double rate = in_burst ? a.burst_rate : a.quiet_rate;
    const double boundary =
        t - in_cycle + (in_burst ? burst : cycle);
    if (rate > 0.0) {
      const double cand = t + arrival_rng_.exponential1() / rate;
      if (cand < boundary) return cand;
    }
    t = boundary;
    if (t > end_) return kInf;
  }
  return kInf;
}

void Engine::on_tick() {
  DecisionRecord record = step_.tick(now_);
  stats_.on_tick(record);
  if (!opt_.record_reasons) record.reason.clear();
  result_.ticks.push_back(std::move(record));
}

SimResult Engine::run() {
  result_.scenario = sc_.name;
  result_.seed = opt_.seed;
  result_.duration = end_;
  result_.ticks.reserve(static_cast<std::size_t>(end_ / tick_) + 2);

  resize(initial_workers_);
  if (sc_.arrivals.kind == ArrivalSpec::Kind::kClosedLoop) {
    for (int i = 0; i < sc_.arrivals.population; ++i) submit(0.0);
  } else {
    next_arrival_ = next_open_arrival(0.0);
  }
  double next_tick = tick_;

  while (true) {
    update_rates();
    // Candidate events, earliest first; ties resolve in this order, so task
    // events at a tick's instant are seen by that tick.
    double t = kInf;
    int kind = -1;
    if (!timer_heap_.empty() && timer_heap_.top().key < t) {
      t = timer_heap_.top().key;
      kind = 0;
    }
    if (!cpu_heap_.empty()) {
      const double c = now_ + std::max(0.0, cpu_heap_.top().key - service_) / rho_;
      if (c < t) {
        t = c;
        kind = 1;
      }
    }
    if (holder_ >= 0) {
      const double h =
          now_ + std::max(0.0, holder_work_) / (rho_ * holder_factor_);
      if (h < t) {
        t = h;
        kind = 2;
      }
      if (switch_deadline_ < t) {
        t = switch_deadline_;
        kind = 3;
      }
    }
    if (next_arrival_ < t) {
      t = next_arrival_;
      kind = 4;
    }
    if (next_tick < t) {
      t = next_tick;
      kind = 5;
    }
    if (t > end_) {
      advance_to(end_);
      break;
    }
    advance_to(t);
    switch (kind) {
      case 0: {
        const int wi = timer_heap_.top().worker;
        timer_heap_.pop();
        ++workers_[wi].seg_index;
        next_segment(wi);
        break;
      }
      case 1: {
        const int wi = cpu_heap_.top().worker;
        cpu_heap_.pop();
        --runnable_nonholder_;
        Worker& w = workers_[wi];
        w.cpu += share_clock_ - w.q_mark;
        ++w.seg_index;
        next_segment(wi);
        break;
      }
      case 2: {
        const int wi = holder_;
        ++workers_[wi].seg_index;
        next_segment(wi);
        break;
      }
      case 3:
        forced_switch();
        break;
      case 4:
        submit(now_);
        next_arrival_ = next_open_arrival(now_);
        break;
      case 5:
        on_tick();
        next_tick += tick_;
        break;
      default:
        break;
    }
  }

  stats_.finish(end_, worker_seconds_, target_, result_);
  result_.policy_faults = step_.policy_fault().count;
  return std::move(result_);
}

}  // namespace betapool::internal

#include "lab/sim/scenario.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace betapool {
namespace {

std::string seconds_text(double s) {
  if (s >= 1.0 || s == 0.0) return absl::StrFormat("%gs", s);
  if (s >= 1e-3) return absl::StrFormat("%gms", s * 1e3);
  return absl::StrFormat("%gus", s * 1e6);
}

std::string duration_text(absl::Duration d) {
  return seconds_text(absl::ToDoubleSeconds(d));
}

}  // namespace

double TaskProfile::mean_cpu_seconds() const {
  double s = 0;
  for (const auto& seg : segments) {
    if (seg.kind == SegmentSpec::Kind::kCpu) s += seg.duration.mean_seconds();
  }
  return s;
}

double TaskProfile::mean_gil_seconds() const {
  double s = 0;
  for (const auto& seg : segments) {
    if (seg.kind == SegmentSpec::Kind::kCpu) {
      s += seg.duration.mean_seconds() * seg.gil_fraction;
    }
  }
  return s;
}

double TaskProfile::mean_wait_seconds() const {
  double s = 0;
  for (const auto& seg : segments) {
    if (seg.kind == SegmentSpec::Kind::kWait) s += seg.duration.mean_seconds();
  }
  return s;
}

ArrivalSpec ArrivalSpec::closed_loop(int population) {
  ArrivalSpec a;
  a.kind = Kind::kClosedLoop;
  a.population = population;
  return a;
}

ArrivalSpec ArrivalSpec::poisson(double rate) {
  ArrivalSpec a;
  a.kind = Kind::kPoisson;
  a.rate = rate;
  return a;
}

ArrivalSpec ArrivalSpec::bursty(double burst_rate, absl::Duration burst_duration,
                                double quiet_rate,
                                absl::Duration quiet_duration) {
  ArrivalSpec a;
  a.kind = Kind::kBursty;
  a.burst_rate = burst_rate;
  a.burst_duration = burst_duration;
  a.quiet_rate = quiet_rate;
  a.quiet_duration = quiet_duration;
  return a;
}

std::string ArrivalSpec::to_string() const {
  switch (kind) {
    case Kind::kClosedLoop:
      return absl::StrFormat("closed loop, %d tasks outstanding", population);
    case Kind::kPoisson:
      return absl::StrFormat("Poisson, %g tasks/s", rate);
    case Kind::kBursty:
      return absl::StrFormat("bursty Poisson: %g tasks/s for %s, %g tasks/s for %s",
                             burst_rate, duration_text(burst_duration),
                             quiet_rate, duration_text(quiet_duration));
  }
  return "?";
}

const TaskProfile& Scenario::profile_at(double t) const {
  const Phase* p = &phases.front();
  for (const Phase& ph : phases) {
    if (absl::ToDoubleSeconds(ph.start) <= t) p = &ph;
  }
  return p->profile;
}

std::string Scenario::describe() const {
  std::string out = absl::StrCat("scenario ", name, ": ", description, "\n");
  absl::StrAppendFormat(&out,
                        "  machine: %g cores, overhead %.3f per runnable "
                        "thread beyond the cores, CPU sensor %s\n",
                        machine.cores, machine.overhead_per_thread,
                        machine.cpu_sensor_available ? "on" : "unavailable");
  if (gil.enabled) {
    absl::StrAppendFormat(
        &out,
        "  GIL: switch interval %s, hand-off cost %s, holder slowdown %.3f "
        "per waiter, waiter wake CPU %s per interval\n",
        duration_text(gil.switch_interval), duration_text(gil.handoff_cost),
        gil.waiter_slowdown, duration_text(gil.waiter_wake_cpu));
  } else {
    absl::StrAppend(&out, "  GIL: none\n");
  }
  absl::StrAppend(&out, "  arrivals: ", arrivals.to_string(), "\n");
  for (const Phase& ph : phases) {
    absl::StrAppendFormat(&out, "  from %s: task '%s' =", duration_text(ph.start),
                          ph.profile.name);
    const char* sep = " ";
    for (const auto& seg : ph.profile.segments) {
      if (seg.kind == SegmentSpec::Kind::kCpu) {
        absl::StrAppendFormat(&out, "%scpu %s", sep, seg.duration.to_string());
        if (gil.enabled) {
          absl::StrAppendFormat(&out, " (%.0f%% GIL)", 100 * seg.gil_fraction);
        }
      } else {
        absl::StrAppendFormat(&out, "%swait %s", sep, seg.duration.to_string());
      }
      sep = " + ";
    }
    absl::StrAppendFormat(&out, " (mean cpu %s, wait %s)\n",
                          seconds_text(ph.profile.mean_cpu_seconds()),
                          seconds_text(ph.profile.mean_wait_seconds()));
  }
  absl::StrAppendFormat(&out, "  pool: min %d, max %d, initial %d; run %s\n",
                        min_workers, max_workers,
                        initial_workers > 0 ? initial_workers : min_workers,
                        duration_text(duration));
  return out;
}

absl::Status validate(const Scenario& s) {
  auto bad = [](auto&&... parts) {
    return absl::InvalidArgumentError(absl::StrCat(parts...));
  };
  if (!(s.machine.cores >= 1.0) || !std::isfinite(s.machine.cores)) {
    return bad("machine.cores must be >= 1, got ", s.machine.cores);
  }
  if (!(s.machine.overhead_per_thread >= 0.0) ||
      !std::isfinite(s.machine.overhead_per_thread)) {
    return bad("machine.overhead_per_thread must be >= 0, got ",
               s.machine.overhead_per_thread);
  }
  if (s.gil.enabled) {
    if (s.gil.switch_interval <= absl::ZeroDuration()) {
      return bad("gil.switch_interval must be positive, got ",
                 absl::FormatDuration(s.gil.switch_interval));
    }
    if (s.gil.handoff_cost < absl::ZeroDuration()) {
      return bad("gil.handoff_cost must be >= 0, got ",
                 absl::FormatDuration(s.gil.handoff_cost));
    }
    if (!(s.gil.waiter_slowdown >= 0.0) || !std::isfinite(s.gil.waiter_slowdown)) {
      return bad("gil.waiter_slowdown must be >= 0, got ", s.gil.waiter_slowdown);
    }
    if (s.gil.waiter_wake_cpu < absl::ZeroDuration()) {
      return bad("gil.waiter_wake_cpu must be >= 0, got ",
                 absl::FormatDuration(s.gil.waiter_wake_cpu));
    }
  }
  switch (s.arrivals.kind) {
    case ArrivalSpec::Kind::kClosedLoop:
      if (s.arrivals.population < 1) {
        return bad("arrivals.population must be >= 1, got ",
                   s.arrivals.population);
      }
      break;
    case ArrivalSpec::Kind::kPoisson:
      if (!(s.arrivals.rate >= 0.0) || !std::isfinite(s.arrivals.rate)) {
        return bad("arrivals.rate must be >= 0, got ", s.arrivals.rate);
      }
      break;
    case ArrivalSpec::Kind::kBursty:
      if (!(s.arrivals.burst_rate >= 0.0) || !std::isfinite(s.arrivals.burst_rate)) {
        return bad("arrivals.burst_rate must be >= 0, got ", s.arrivals.burst_rate);
      }
      if (!(s.arrivals.quiet_rate >= 0.0) || !std::isfinite(s.arrivals.quiet_rate)) {
        return bad("arrivals.quiet_rate must be >= 0, got ", s.arrivals.quiet_rate);
      }
      if (s.arrivals.burst_duration <= absl::ZeroDuration() ||
          s.arrivals.quiet_duration <= absl::ZeroDuration()) {
        return bad("arrivals burst_duration and quiet_duration must be positive, got ",
                   absl::FormatDuration(s.arrivals.burst_duration), " and ",
                   absl::FormatDuration(s.arrivals.quiet_duration));
      }
      break;
  }
  if (s.phases.empty()) return bad("phases must not be empty");
  if (s.phases.front().start != absl::ZeroDuration()) {
    return bad("phases[0].start must be 0, got ",
               absl::FormatDuration(s.phases.front().start));
  }
  for (std::size_t i = 0; i < s.phases.size(); ++i) {
    const Phase& ph = s.phases[i];
    if (i > 0 && ph.start <= s.phases[i - 1].start) {
      return bad("phases[", i, "].start must be after phases[", i - 1,
                 "].start, got ", absl::FormatDuration(ph.start));
    }
    if (ph.profile.segments.empty() || ph.profile.segments.size() > 8) {
      return bad("phases[", i, "].profile.segments must hold 1 to 8 parts, got ",
                 ph.profile.segments.size());
    }
    for (std::size_t j = 0; j < ph.profile.segments.size(); ++j) {
      const double g = ph.profile.segments[j].gil_fraction;
      if (!(g >= 0.0 && g <= 1.0)) {
        return bad("phases[", i, "].profile.segments[", j,
                   "].gil_fraction must be in [0, 1], got ", g);
      }
    }
    if (!(ph.profile.mean_cpu_seconds() + ph.profile.mean_wait_seconds() > 0)) {
      return bad("phases[", i, "].profile '", ph.profile.name,
                 "' has zero mean duration");
    }
  }
  if (s.min_workers < 1) return bad("min_workers must be >= 1, got ", s.min_workers);
  if (s.max_workers < s.min_workers) {
    return bad("max_workers must be >= min_workers (", s.min_workers, "), got ",
               s.max_workers);
  }
  if (s.initial_workers != 0 &&
      (s.initial_workers < s.min_workers || s.initial_workers > s.max_workers)) {
    return bad("initial_workers must be 0 or within [", s.min_workers, ", ",
               s.max_workers, "], got ", s.initial_workers);
  }
  if (s.duration <= absl::ZeroDuration()) {
    return bad("duration must be positive, got ", absl::FormatDuration(s.duration));
  }
  return absl::OkStatus();
}

}  // namespace betapool

#include "sensors/cgroup_cpu_sensor.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/component_registry.h"
#include "sensors/cgroup_files.h"
#include "sensors/pressure_sensor.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

using internal::join_root;
using internal::read_file_if_exists;

absl::Duration steady_now() {
  return absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

// Reads and parses one file; NotFound names the path when it is missing.
template <class Parse>
auto read_parsed(const std::string& path, Parse parse)
    -> decltype(parse(std::string_view())) {
  absl::StatusOr<std::optional<std::string>> text = read_file_if_exists(path);
  if (!text.ok()) return text.status();
  if (!text->has_value()) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  auto parsed = parse(**text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", parsed.status().message()));
  }
  return parsed;
}

bool same_place(const CgroupLocation& a, const CgroupLocation& b) {
  const auto usage = [](const CgroupLocation& l) {
    return l.usage ? l.usage->dir.path() : std::string();
  };
  return a.cpu.dir.path() == b.cpu.dir.path() && usage(a) == usage(b);
}

}  // namespace

CgroupCpuSensor::CgroupCpuSensor(CgroupCpuSensorOptions options)
    : options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_now;
}

std::optional<CgroupLocation> CgroupCpuSensor::location() const {
  MutexLock lock(&mu_);
  return location_;
}

std::optional<EffectiveCpus> CgroupCpuSensor::last_effective_cpus() const {
  MutexLock lock(&mu_);
  return effective_;
}

absl::StatusOr<uint64_t> CgroupCpuSensor::read_usage_ns(
    const CgroupLocation& loc) const {
  if (!loc.usage) {
    return absl::NotFoundError(
        "no cgroup hierarchy accounts CPU time (no v1 cpuacct, no v2)");
  }
  const std::string dir = loc.usage->dir.path();
  if (loc.usage->version == CgroupVersion::kV1) {
    return read_parsed(dir + "/cpuacct.usage", [](std::string_view t) {
      return parse_single_uint(t, "cpuacct.usage");
    });
  }
  const std::string path = dir + "/cpu.stat";
  auto stat = read_parsed(path, [](std::string_view t) {
    return parse_flat_keyed(t, "cpu.stat");
  });
  if (!stat.ok()) return stat.status();
  auto it = stat->find("usage_usec");
  if (it == stat->end()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no usage_usec"));
  }
  if (it->second > UINT64_MAX / 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": usage_usec ", it->second, " overflows"));
  }
  return it->second * 1000;
}

std::optional<int> CgroupCpuSensor::online_cpu_count() const {
  auto cpus = read_parsed(
      join_root(options_.root, "/sys/devices/system/cpu/online"),
      [](std::string_view t) { return parse_cpu_list(t); });
  if (!cpus.ok() || cpus->empty()) return std::nullopt;
  return static_cast<int>(cpus->size());
}

CpuReading CgroupCpuSensor::read() {
  CpuReading r;
  std::vector<std::string> problems;
  const auto finish = [&]() {
    r.status = absl::StrJoin(problems, "; ");
    return r;
  };
  const absl::Duration now = options_.clock();

  // 1. Where the cgroup is.
  std::optional<CgroupLocation> loc;
  {
    MutexLock lock(&mu_);
    loc = location_;
  }
  if (!loc || now - located_at_ >= options_.relocate_interval) {
    absl::StatusOr<CgroupLocation> found = locate_cgroup(options_.root);
    if (!found.ok()) {
      MutexLock lock(&mu_);
      location_.reset();
      effective_.reset();
      previous_.reset();
      problems.push_back(std::string(found.status().message()));
      return finish();
    }
    // Moved to another cgroup: its counters do not continue ours.
    if (loc && !same_place(*loc, *found)) previous_.reset();
    loc = *found;
    located_at_ = now;
    MutexLock lock(&mu_);
    location_ = loc;
  }
  // Any failure below locates the cgroup again at the next read.
  const auto forget_location = [&]() {
    MutexLock lock(&mu_);
    location_.reset();
  };

  // 2. Pressure does not depend on the rest, so it is reported even when
  // the CPU counters are unavailable.
  if (options_.read_pressure) {
    if (!loc->unified) {
      problems.push_back("no cgroup v2 hierarchy: cpu.pressure unavailable");
    } else {
      auto psi = read_parsed(loc->unified->path() + "/cpu.pressure",
                             [](std::string_view t) { return parse_psi_cpu(t); });
      if (psi.ok()) {
        r.pressure_some_percent = psi->some.avg10;
      } else {
        problems.push_back(std::string(psi.status().message()));
      }
    }
  }

  // 3. Limits, read every time (they change at run time).
  absl::StatusOr<CgroupLimits> limits = read_cgroup_limits(*loc);
  if (!limits.ok()) {
    problems.push_back(std::string(limits.status().message()));
    forget_location();
    {
      MutexLock lock(&mu_);
      effective_.reset();
    }
    previous_.reset();
    return finish();
  }
  const EffectiveCpus effective = combine_effective_cpus(
      options_.affinity ? *options_.affinity : affinity_cpu_list(),
      limits->cpuset, limits->quota_cpus);
  {
    MutexLock lock(&mu_);
    effective_ = effective;
  }
  r.effective_cpus = effective.capacity;

  // The cgroup's own capacity: all of its cpuset, capped by the quota.
  std::optional<double> cgroup_capacity;
  {
    std::optional<int> cpus =
        limits->cpuset ? std::optional<int>(static_cast<int>(limits->cpuset->size()))
                       : online_cpu_count();
    if (cpus && *cpus > 0) cgroup_capacity = *cpus;
    if (limits->quota_cpus) {
      cgroup_capacity = cgroup_capacity
                            ? std::min(*cgroup_capacity, *limits->quota_cpus)
                            : *limits->quota_cpus;
    }
  }

  // 4. Cumulative counters.
  Sample sample;
  sample.time = now;
  absl::StatusOr<uint64_t> usage = read_usage_ns(*loc);
  if (!usage.ok()) {
    problems.push_back(std::string(usage.status().message()));
    forget_location();
    previous_.reset();
    return finish();
  }
  sample.usage_ns = *usage;
  bool throttling_ok = true;
  for (const std::string& dir : limits->quota_dirs) {
    const std::string path = dir + "/cpu.stat";
    auto stat = read_parsed(path, [](std::string_view t) {
      return parse_flat_keyed(t, "cpu.stat");
    });
    if (!stat.ok()) {
      problems.push_back(std::string(stat.status().message()));
      throttling_ok = false;
      continue;
    }
    auto periods = stat->find("nr_periods");
    auto throttled = stat->find("nr_throttled");
    if (periods == stat->end() || throttled == stat->end()) {
      problems.push_back(
          absl::StrCat(path, ": no nr_periods/nr_throttled"));
      throttling_ok = false;
      continue;
    }
    sample.throttling[dir] = {periods->second, throttled->second};
  }
  {
    auto ticks = read_parsed(join_root(options_.root, "/proc/self/stat"),
                             [](std::string_view t) {
                               return parse_proc_pid_stat_cpu(t);
                             });
    if (ticks.ok()) {
      sample.process_ticks = *ticks;
    } else {
      problems.push_back(std::string(ticks.status().message()));
    }
  }

  // 5. Rates over the interval.
  if (!previous_) {
    problems.push_back("first sample: no interval yet");
  } else if (!(now > previous_->time)) {
    problems.push_back("no time elapsed since the previous read");
  } else {
    const double seconds = absl::ToDoubleSeconds(now - previous_->time);
    if (sample.usage_ns < previous_->usage_ns) {
      problems.push_back("cgroup CPU usage went backwards (cgroup recreated?)");
    } else if (!cgroup_capacity) {
      problems.push_back("cgroup capacity unknown (no cpuset, no online CPU "
                         "list, no quota)");
    } else {
      const double used =
          static_cast<double>(sample.usage_ns - previous_->usage_ns) * 1e-9;
      r.system_percent =
          std::min(100.0, 100.0 * used / (seconds * *cgroup_capacity));
    }
    if (sample.process_ticks && previous_->process_ticks &&
        *sample.process_ticks >= *previous_->process_ticks) {
      static const long ticks_per_second = std::max(1L, sysconf(_SC_CLK_TCK));
      const double used =
          static_cast<double>(*sample.process_ticks -
                              *previous_->process_ticks) /
          static_cast<double>(ticks_per_second);
      r.process_percent =
          std::min(100.0, 100.0 * used / (seconds * effective.capacity));
    }
    if (limits->quota_dirs.empty()) {
      r.throttled_percent = 0.0;  // no quota, nothing to be throttled by
    } else if (throttling_ok) {
      std::optional<double> worst;
      for (const auto& [dir, counts] : sample.throttling) {
        auto before = previous_->throttling.find(dir);
        if (before == previous_->throttling.end()) continue;
        const auto [periods0, throttled0] = before->second;
        const auto [periods1, throttled1] = counts;
        if (periods1 < periods0 || throttled1 < throttled0) continue;
        const uint64_t periods = periods1 - periods0;
        // No period elapsed: the cgroup was idle, hence not throttled.
        const double share =
            periods == 0 ? 0.0
                         : std::min(100.0, 100.0 *
                                               static_cast<double>(throttled1 -
                                                                   throttled0) /
                                               static_cast<double>(periods));
        worst = std::max(worst.value_or(0.0), share);
      }
      if (worst) {
        r.throttled_percent = worst;
      } else {
        problems.push_back("throttling counters: no comparable interval yet");
      }
    }
  }
  previous_ = std::move(sample);
  return finish();
}

void register_cgroup_cpu_sensor(ComponentRegistryBuilder& builder) {
  builder.add_sensor("cgroup", [](const ComponentContext&) {
    return std::make_unique<CgroupCpuSensor>();
  });
}

}  // namespace betapool

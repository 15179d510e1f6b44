#include "sensors/effective_cpus.h"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <thread>

#include "sensors/cgroup_locator.h"

namespace betapool {

EffectiveCpus combine_effective_cpus(
    const std::vector<int>& affinity,
    const std::optional<std::vector<int>>& cpuset,
    std::optional<double> quota_cpus) {
  EffectiveCpus e;
  e.affinity_cpus = std::max<int>(1, static_cast<int>(affinity.size()));
  e.usable_cpus = e.affinity_cpus;
  if (cpuset) {
    e.cpuset_cpus = static_cast<int>(cpuset->size());
    std::vector<int> a = affinity, c = *cpuset;
    std::sort(a.begin(), a.end());
    std::sort(c.begin(), c.end());
    std::vector<int> both;
    std::set_intersection(a.begin(), a.end(), c.begin(), c.end(),
                          std::back_inserter(both));
    if (!both.empty()) e.usable_cpus = static_cast<int>(both.size());
  }
  e.capacity = e.usable_cpus;
  if (quota_cpus && *quota_cpus > 0.0) {
    e.quota_cpus = quota_cpus;
    e.capacity = std::min(e.capacity, *quota_cpus);
  }
  // Rounded up: a 1.5-CPU quota lets two threads run (each for part of the
  // period), and a pool floor of 1 there would leave half a CPU unused.
  e.count = std::max(1, static_cast<int>(std::ceil(e.capacity - 1e-9)));
  return e;
}

std::vector<int> affinity_cpu_list() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  if (cpus.empty()) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned c = 0; c < hw; ++c) cpus.push_back(static_cast<int>(c));
  }
  return cpus;
}

absl::StatusOr<EffectiveCpus> read_effective_cpus(const std::string& root) {
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(root);
  if (!loc.ok()) return loc.status();
  absl::StatusOr<CgroupLimits> limits = read_cgroup_limits(*loc);
  if (!limits.ok()) return limits.status();
  return combine_effective_cpus(affinity_cpu_list(), limits->cpuset,
                                limits->quota_cpus);
}

int effective_cpu_count() {
  absl::StatusOr<EffectiveCpus> e = read_effective_cpus("/");
  if (e.ok()) return e->count;
  return combine_effective_cpus(affinity_cpu_list(), std::nullopt,
                                std::nullopt)
      .count;
}

}  // namespace betapool

// File: sensors/effective_cpus.h
//
// How many CPUs this process can really use: its affinity mask, intersected
// with its cgroup's effective cpuset, capped by the tightest CFS quota of its
// cgroup and their ancestors. A 2-CPU quota on a 64-core host gives 2, not
// 64; `taskset -c 0-2` gives 3; a 1.5-CPU quota gives capacity 1.5, count 2.
//
// `combine_effective_cpus` is the pure rule; `read_effective_cpus` applies
// it to the running process (reading its cgroup under a root directory, for
// tests); `effective_cpu_count` is the one-number answer for sizing a pool:
//
// Example:
//   int floor = std::min(4, betapool::effective_cpu_count());
//   auto ex = betapool::ExecutorBuilder().min_workers(floor).build();
//
// Thread safety: all functions are safe from any thread.
#ifndef BETAPOOL_SENSORS_EFFECTIVE_CPUS_H_
#define BETAPOOL_SENSORS_EFFECTIVE_CPUS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace betapool {

struct EffectiveCpus {
  int affinity_cpus = 0;            // CPUs in the affinity mask
  std::optional<int> cpuset_cpus;   // CPUs in the cgroup's cpuset, if known
  int usable_cpus = 0;              // |affinity ∩ cpuset| (affinity if unknown)
  std::optional<double> quota_cpus; // tightest quota/period; empty: none
  double capacity = 0.0;            // min(usable_cpus, quota_cpus), > 0
  int count = 0;                    // capacity rounded up, >= 1
};

// The pure rule. `affinity` and `cpuset` are CPU numbers; a cpuset that does
// not intersect the affinity mask (stale or foreign data) is ignored rather
// than giving zero CPUs. An empty `affinity` counts as one CPU.
EffectiveCpus combine_effective_cpus(const std::vector<int>& affinity,
                                     const std::optional<std::vector<int>>& cpuset,
                                     std::optional<double> quota_cpus);

// CPU numbers in this thread's affinity mask (sched_getaffinity); falls back
// to 0..hardware_concurrency-1 if the call fails.
std::vector<int> affinity_cpu_list();

// The running process's effective CPUs: affinity_cpu_list() combined with
// the cgroup found under `root` (see cgroup_locator.h). Errors: the cgroup
// could not be located or its limit files are unreadable or malformed (the
// message names the file).
absl::StatusOr<EffectiveCpus> read_effective_cpus(const std::string& root = "/");

// read_effective_cpus().count, or the affinity-mask count when the cgroup
// cannot be read (a host without cgroups has no quota to respect). >= 1.
int effective_cpu_count();

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_EFFECTIVE_CPUS_H_

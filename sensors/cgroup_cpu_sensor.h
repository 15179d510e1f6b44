// File: sensors/cgroup_cpu_sensor.h
//
// CgroupCpuSensor: CPU use measured against what the process's cgroup may
// use — the sensor to pick in a container. ProcStatSensor sees the whole
// host: a container with a 2-CPU quota on a 64-core host, running flat out,
// reads ~3 % there and the policy keeps adding threads; here it reads 100 %.
//
// Fields of the reading (all over the interval since the previous read()):
//  - system_percent: the cgroup's CPU time (v2 cpu.stat usage_usec, v1
//    cpuacct.usage) as a share of the cgroup's capacity, min(cpuset size,
//    tightest quota) — every process in the cgroup counts, as every process
//    on the machine counts for ProcStatSensor. Without a cpuset the online
//    CPUs (/sys/devices/system/cpu/online) are the cpuset.
//  - process_percent: this process's CPU time (/proc/self/stat) as a share
//    of effective_cpus.
//  - throttled_percent: the share of CFS enforcement periods in which the
//    cgroup was throttled (delta nr_throttled / delta nr_periods of
//    cpu.stat), the highest over the cgroup and each ancestor that has a
//    quota; 0 when no quota applies (nothing can throttle it).
//  - effective_cpus: affinity ∩ cpuset, capped by the quota (fractional:
//    a 1.5-CPU quota reads 1.5; see effective_cpus.h). Needs no interval.
//  - pressure_some_percent: the cgroup's cpu.pressure "some avg10" when a
//    cgroup v2 hierarchy is mounted (also on hybrid v1/v2 hosts).
//
// Limits (quota at every level, cpuset) are re-read at every read(), since
// an orchestrator may resize the container at any time; the cgroup itself is
// located again every `relocate_interval` and after any read failure.
// Everything is read under `root` (default "/"), so tests use fixture trees.
// The first read() has no interval and leaves the delta fields empty; a
// missing or malformed file, a counter that goes backwards (cgroup
// recreated) or a cgroup that vanished leaves the affected fields empty with
// the reason in `status`, and starts a fresh interval — never a throw, never
// a made-up number.
//
// Example:
//   auto ex = betapool::ExecutorBuilder().sensor("cgroup").build();
//   // or: .sensor<betapool::CgroupCpuSensor>()
//
// Thread safety: read() from one thread at a time (the controller's);
// location() and last_effective_cpus() may be called concurrently with it.
#ifndef BETAPOOL_SENSORS_CGROUP_CPU_SENSOR_H_
#define BETAPOOL_SENSORS_CGROUP_CPU_SENSOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "core/cpu_sensor.h"
#include "core/sync.h"
#include "sensors/cgroup_locator.h"
#include "sensors/effective_cpus.h"

namespace betapool {

class ComponentRegistryBuilder;

struct CgroupCpuSensorOptions {
  // Root of the file system to read (tests: a fixture directory).
  std::string root = "/";
  // How often to locate the cgroup again (the process may be moved).
  absl::Duration relocate_interval = absl::Seconds(10);
  // Monotonic time for the interval length; default: std::chrono's steady
  // clock. Tests pass a manual clock.
  std::function<absl::Duration()> clock;
  // CPU numbers the process may run on; default: sched_getaffinity at each
  // read(), which follows `taskset` changes.
  std::optional<std::vector<int>> affinity;
  // Fill pressure_some_percent from the cgroup's cpu.pressure.
  bool read_pressure = true;
};

class CgroupCpuSensor : public CpuSensor {
 public:
  explicit CgroupCpuSensor(CgroupCpuSensorOptions options = {});

  // See the file comment. Never throws.
  CpuReading read() override;
  std::string_view name() const noexcept override { return "cgroup"; }

  // Where the sensor last found the cgroup; empty before the first read()
  // or after a failure to locate it.
  std::optional<CgroupLocation> location() const;
  // The limits seen by the last read(); empty if they could not be read.
  std::optional<EffectiveCpus> last_effective_cpus() const;

 private:
  struct Sample {
    absl::Duration time;
    uint64_t usage_ns = 0;
    std::optional<uint64_t> process_ticks;
    // cpu.stat (nr_periods, nr_throttled) per cgroup with a quota.
    std::map<std::string, std::pair<uint64_t, uint64_t>> throttling;
  };

  // Reads the cgroup's cumulative CPU time in nanoseconds.
  absl::StatusOr<uint64_t> read_usage_ns(const CgroupLocation& loc) const;
  // The CPUs the cgroup may use when it has no cpuset: the online CPUs.
  std::optional<int> online_cpu_count() const;

  CgroupCpuSensorOptions options_;
  std::optional<Sample> previous_;
  absl::Duration located_at_ = absl::ZeroDuration();

  mutable Mutex mu_;
  std::optional<CgroupLocation> location_ ABSL_GUARDED_BY(mu_);
  std::optional<EffectiveCpus> effective_ ABSL_GUARDED_BY(mu_);
};

// Registers "cgroup" (reads the real "/").
void register_cgroup_cpu_sensor(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_CGROUP_CPU_SENSOR_H_

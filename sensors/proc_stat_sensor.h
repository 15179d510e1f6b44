// File: sensors/proc_stat_sensor.h
//
// ProcStatSensor: CPU use from /proc/stat deltas between two reads.
//
// What it measures (the Python reference left this implicit, and it matters):
//  - system_percent: busy share of ALL the machine's CPUs, any process —
//    (delta non-idle jiffies) / (delta total jiffies) from the "cpu" line.
//    Another process's load raises it; a quota-limited container is not
//    seen as saturated by it (see CgroupCpuSensor for containers).
//  - process_percent: this process's CPU (utime+stime of /proc/self/stat)
//    over the same interval, as a share of the CPUs it may run on (its
//    affinity mask). One GIL-bound thread on a 2-CPU machine reads ~50 %.
//
// The first read() has no previous sample and returns both fields empty.
// Unreadable or malformed files give empty fields and a `status` saying why,
// never an exception or a made-up number.
//
// Example:
//   betapool::ProcStatSensor sensor;       // reads /proc
//   sensor.read();                          // primes
//   ... later ...
//   betapool::CpuReading r = sensor.read(); // r.system_percent, r.process_percent
//
// Thread safety: read() from one thread at a time (the controller's).
#ifndef BETAPOOL_SENSORS_PROC_STAT_SENSOR_H_
#define BETAPOOL_SENSORS_PROC_STAT_SENSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/cpu_sensor.h"

namespace betapool {

class ComponentRegistryBuilder;

// Jiffy totals from the aggregate "cpu" line of /proc/stat.
struct ProcStatTimes {
  uint64_t busy = 0;   // user+nice+system+irq+softirq+steal
  uint64_t steal = 0;  // time the hypervisor gave these CPUs to other guests
  uint64_t total = 0;  // busy + idle + iowait
  int cpu_count = 0;   // number of "cpuN" lines
};

// Parses the contents of /proc/stat. Errors name what is missing or bad.
absl::StatusOr<ProcStatTimes> parse_proc_stat(std::string_view contents);

// Parses /proc/[pid]/stat and returns utime+stime in clock ticks.
absl::StatusOr<uint64_t> parse_proc_pid_stat_cpu(std::string_view contents);

class ProcStatSensor : public CpuSensor {
 public:
  // `proc_root` is where "stat" and "self/stat" are read from (tests point it
  // at a fixture tree). `allowed_cpus` overrides the affinity-mask count.
  explicit ProcStatSensor(std::string proc_root = "/proc",
                          std::optional<int> allowed_cpus = std::nullopt);

  CpuReading read() override;
  std::string_view name() const noexcept override { return "proc_stat"; }

 private:
  std::string proc_root_;
  int allowed_cpus_;
  std::optional<ProcStatTimes> previous_;
  std::optional<uint64_t> previous_process_ticks_;
};

// Registers "proc_stat" (see core/component_registry.h).
void register_proc_stat_sensor(ComponentRegistryBuilder& builder);

// Number of CPUs in this process's affinity mask (>= 1).
int affinity_cpu_count();

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_PROC_STAT_SENSOR_H_

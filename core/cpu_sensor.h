// File: core/cpu_sensor.h
//
// CpuSensor: how busy are the processors this process may use. A sensor is
// the only component besides the TaskClock that touches the OS for
// measurement; the controller calls `read()` once per tick and hands the
// reading to the policy inside the ControllerSnapshot.
//
// A reading is a set of optional numbers: a sensor fills what it can measure
// and leaves the rest empty. An empty field means "unavailable" (file missing,
// unparsable, first read with no previous sample); it is never a made-up
// number. `BetaVetoPolicy` holds when the CPU reading it needs is missing.
//
// Example:
//   betapool::CpuReading r = sensor.read();
//   if (r.system_percent) use(*r.system_percent); else log(r.status);
#ifndef BETAPOOL_CORE_CPU_SENSOR_H_
#define BETAPOOL_CORE_CPU_SENSOR_H_

#include <optional>
#include <string>
#include <string_view>

namespace betapool {

struct CpuReading {
  // Busy share of all CPUs the sensor covers (whole machine for
  // ProcStatSensor), 0-100, over the interval since the previous read.
  std::optional<double> system_percent;
  // This process's CPU use (user+system, all threads) over the same interval
  // as a share of the CPUs it may run on, 0-100. One thread spinning on a
  // 2-CPU machine reads 50.
  std::optional<double> process_percent;
  // Linux PSI "some avg10" for CPU, 0-100: share of time runnable tasks
  // waited for a CPU (filled by pressure-aware sensors).
  std::optional<double> pressure_some_percent;
  // Share of the last interval the cgroup was throttled by its quota, 0-100.
  std::optional<double> throttled_percent;
  // CPUs this process may effectively use (affinity, cpuset and quota).
  std::optional<double> effective_cpus;
  // Empty when everything the sensor measures is available; otherwise why
  // something is not ("cannot open /proc/stat: No such file or directory").
  std::string status;
};

class CpuSensor {
 public:
  virtual ~CpuSensor() = default;

  // Takes a reading covering the time since the previous call. Never throws
  // for OS or parse failures: those yield empty fields and a `status`.
  // Called from the controller thread only; need not be thread-safe.
  virtual CpuReading read() = 0;

  // The sensor's registered name ("proc_stat", ...).
  virtual std::string_view name() const noexcept = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_CPU_SENSOR_H_

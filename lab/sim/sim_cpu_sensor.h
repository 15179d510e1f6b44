// File: lab/sim/sim_cpu_sensor.h
//
// SimCpuSensor: the simulated machine's ProcStatSensor — a real CpuSensor
// the control step reads as it reads the live one. It turns the machine's
// virtual busy-core time (SimCpuCounters) into busy shares over the time
// since the previous read: system and process percent are equal (all CPU on
// the simulated machine is this process's) and effective CPUs is the core
// count. A scenario without a sensor reads "unavailable", as a missing
// /proc/stat would.
//
// Example:
//   betapool::SimCpuCounters counters;   // advanced by the simulation
//   betapool::SimCpuSensor sensor(counters, /*cores=*/4, /*available=*/true);
//   counters.now = 0.5; counters.busy_core_seconds = 1.0;
//   sensor.read().system_percent;  // 50
#ifndef BETAPOOL_LAB_SIM_SIM_CPU_SENSOR_H_
#define BETAPOOL_LAB_SIM_SIM_CPU_SENSOR_H_

#include <string_view>

#include "core/cpu_sensor.h"

namespace betapool {

// Virtual CPU time of the simulated machine since the run began.
struct SimCpuCounters {
  double now = 0.0;                // virtual seconds
  double busy_core_seconds = 0.0;  // integral of min(runnable, cores) dt
  double wake_cpu_seconds = 0.0;   // CPU burnt by GIL waiters waking up
};

class SimCpuSensor final : public CpuSensor {
 public:
  // `counters` must outlive the sensor.
  SimCpuSensor(const SimCpuCounters& counters, double cores, bool available)
      : counters_(counters), cores_(cores), available_(available) {}

  // The busy share since the previous read; unavailable (with a status) on
  // a zero interval or when the scenario has no sensor. Never throws.
  CpuReading read() override;
  std::string_view name() const noexcept override { return "simulated"; }

 private:
  const SimCpuCounters& counters_;
  const double cores_;
  const bool available_;
  SimCpuCounters last_;  // the counters at the previous read
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_SIM_CPU_SENSOR_H_

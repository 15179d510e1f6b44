// File: lab/sim/sim_cpu_sensor.cc
//
// The simulated ProcStatSensor's read.
#include "lab/sim/sim_cpu_sensor.h"

#include <algorithm>

namespace betapool {

CpuReading SimCpuSensor::read() {
  CpuReading cpu;
  const double dt = counters_.now - last_.now;
  if (available_ && dt > 0) {
    const double busy =
        (counters_.busy_core_seconds - last_.busy_core_seconds) +
        (counters_.wake_cpu_seconds - last_.wake_cpu_seconds);
    const double pct = std::min(100.0, 100.0 * busy / (cores_ * dt));
    cpu.system_percent = pct;
    cpu.process_percent = pct;
    cpu.effective_cpus = cores_;
  } else {
    cpu.status = "CPU sensor unavailable in this scenario";
  }
  last_ = counters_;
  return cpu;
}

}  // namespace betapool

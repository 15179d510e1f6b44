// File: sensors/pressure_sensor.h
//
// PressureSensor: Linux pressure stall information (PSI) for CPU, "some
// avg10" — the share of the last ~10 s in which at least one runnable task
// waited for a CPU. It is the most direct sign that more threads will not
// help: they would only join the queue. It needs Linux >= 4.20 with PSI
// enabled (some distributions boot with psi=0: then the file is missing or
// unreadable and the reading says so in `status`).
//
// Two sources:
//  - kSystem: /proc/pressure/cpu, the whole machine;
//  - kCgroup: the process's cgroup v2 cpu.pressure (also on hybrid hosts),
//    which counts only the cgroup's own tasks — the right one in a container.
//
// PSI is not a utilisation: it leaves system_percent/process_percent empty.
// To keep a CPU % for the policy, give it a base sensor whose reading it
// completes (the registered "pressure" sensor is ProcStatSensor + system
// PSI). avg10 is the kernel's 10-second moving average, so it lags a 0.5 s
// controller tick by design: it damps growth decisions, it does not drive
// them.
//
// Example:
//   betapool::PressureSensor sensor({}, std::make_unique<betapool::ProcStatSensor>());
//   betapool::CpuReading r = sensor.read();  // r.pressure_some_percent: 3.2
//
// Thread safety: read() from one thread at a time (the controller's).
#ifndef BETAPOOL_SENSORS_PRESSURE_SENSOR_H_
#define BETAPOOL_SENSORS_PRESSURE_SENSOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/cpu_sensor.h"

namespace betapool {

class ComponentRegistryBuilder;

// One PSI line ("some avg10=1.50 avg60=2.95 avg300=2.66 total=16322152").
struct PsiLine {
  double avg10 = 0.0;   // percent, 0-100
  double avg60 = 0.0;
  double avg300 = 0.0;
  uint64_t total_us = 0;  // cumulative stall time, microseconds
};

struct PsiCpu {
  PsiLine some;
  std::optional<PsiLine> full;  // present since Linux 5.13; 0 system-wide
};

// Parses a PSI file (/proc/pressure/cpu or cpu.pressure). The "some" line is
// required; averages must be numbers in [0, 100]. Errors name the field.
absl::StatusOr<PsiCpu> parse_psi_cpu(std::string_view contents);

enum class PressureSource { kSystem, kCgroup };

struct PressureSensorOptions {
  std::string root = "/";  // everything is read below it (tests: a fixture)
  PressureSource source = PressureSource::kSystem;
};

class PressureSensor : public CpuSensor {
 public:
  // `base` (optional) provides the rest of the reading; this sensor then
  // adds pressure_some_percent and appends its status to base's.
  explicit PressureSensor(PressureSensorOptions options = {},
                          std::unique_ptr<CpuSensor> base = nullptr);

  // The base reading (if any) with pressure_some_percent set, or left empty
  // with the reason in `status`. Never throws.
  CpuReading read() override;
  std::string_view name() const noexcept override { return "pressure"; }

 private:
  // The file to read; for kCgroup it is found again after a failure (the
  // process may have moved to another cgroup).
  absl::StatusOr<std::string> pressure_path();

  PressureSensorOptions options_;
  std::unique_ptr<CpuSensor> base_;
  std::optional<std::string> cgroup_path_;
};

// Registers "pressure": ProcStatSensor readings plus /proc/pressure/cpu.
void register_pressure_sensor(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_PRESSURE_SENSOR_H_

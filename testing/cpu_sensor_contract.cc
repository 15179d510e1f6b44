// File: testing/cpu_sensor_contract.cc
//
// The reading checks behind the CpuSensor contract
// (testing/cpu_sensor_contract.h).
#include "testing/cpu_sensor_contract.h"

#include <cmath>
#include <exception>
#include <optional>

namespace betapool::testing {

::testing::AssertionResult read_without_throwing(CpuSensor& sensor,
                                                 CpuReading* reading) {
  try {
    *reading = sensor.read();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure()
           << sensor.name() << ": read() threw: " << e.what();
  } catch (...) {
    return ::testing::AssertionFailure() << sensor.name() << ": read() threw";
  }
  return ::testing::AssertionSuccess();
}

bool has_any_number(const CpuReading& r) {
  return r.system_percent || r.process_percent || r.pressure_some_percent ||
         r.throttled_percent || r.effective_cpus;
}

::testing::AssertionResult check_reading(const CpuReading& r) {
  const struct {
    const char* name;
    const std::optional<double>& value;
  } percents[] = {{"system_percent", r.system_percent},
                  {"process_percent", r.process_percent},
                  {"pressure_some_percent", r.pressure_some_percent},
                  {"throttled_percent", r.throttled_percent}};
  for (const auto& p : percents) {
    // Written so that NaN fails too.
    if (p.value && !(*p.value >= 0.0 && *p.value <= 100.0)) {
      return ::testing::AssertionFailure()
             << p.name << " = " << *p.value << ", outside [0, 100] (status '"
             << r.status << "')";
    }
  }
  if (r.effective_cpus &&
      !(std::isfinite(*r.effective_cpus) && *r.effective_cpus > 0.0)) {
    return ::testing::AssertionFailure()
           << "effective_cpus = " << *r.effective_cpus << ", not a positive number";
  }
  if (!has_any_number(r) && r.status.empty()) {
    return ::testing::AssertionFailure()
           << "every field is empty and the status does not say why";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace betapool::testing

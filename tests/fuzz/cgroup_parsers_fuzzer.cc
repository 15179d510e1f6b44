// libFuzzer target: every pure parser behind the container sensors
// (cgroup v1/v2 files, mountinfo, PSI). Malformed input must give an error
// status, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sensors/cgroup_files.h"
#include "sensors/pressure_sensor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)betapool::parse_proc_cgroup(text);
  (void)betapool::parse_mountinfo(text);
  (void)betapool::parse_cpu_max(text);
  (void)betapool::parse_cfs_quota(text, text);
  (void)betapool::parse_cpu_list(text);
  (void)betapool::parse_flat_keyed(text, "cpu.stat");
  (void)betapool::parse_single_uint(text, "cpu.cfs_period_us");
  (void)betapool::parse_psi_cpu(text);
  return 0;
}

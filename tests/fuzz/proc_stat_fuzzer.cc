// libFuzzer target: the /proc/stat and /proc/[pid]/stat parsers behind
// ProcStatSensor. Malformed input must give an error status, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sensors/proc_stat_sensor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<betapool::ProcStatTimes> t = betapool::parse_proc_stat(text);
  if (t.ok() && t->busy > t->total) __builtin_trap();  // invariant
  (void)betapool::parse_proc_pid_stat_cpu(text);
  return 0;
}

#include "lab/machine_conditions.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "lab/process_stats.h"
#include "sensors/proc_stat_sensor.h"
#include "sensors/small_file.h"

namespace betapool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

absl::StatusOr<MachineSample> parse_machine_times(std::string_view proc_stat,
                                                  double ticks_per_second) {
  absl::StatusOr<ProcStatTimes> t = parse_proc_stat(proc_stat);
  if (!t.ok()) return t.status();
  MachineSample s;
  s.busy_s = static_cast<double>(t->busy) / ticks_per_second;
  s.steal_s = static_cast<double>(t->steal) / ticks_per_second;
  s.total_s = static_cast<double>(t->total) / ticks_per_second;
  return s;
}

MachineSample sample_machine() {
  MachineSample s;
  absl::StatusOr<std::string> text = read_small_file("/proc/stat");
  absl::StatusOr<MachineSample> parsed =
      text.ok() ? parse_machine_times(*text, static_cast<double>(sysconf(_SC_CLK_TCK)))
                : absl::StatusOr<MachineSample>(text.status());
  if (parsed.ok()) {
    s = *parsed;
  } else {
    s.busy_s = s.steal_s = s.total_s = kNaN;
  }
  s.process_cpu_s = process_cpu_seconds();
  double loads[1] = {0.0};
  s.load_average = getloadavg(loads, 1) == 1 ? loads[0] : kNaN;
  return s;
}

MachineConditions machine_conditions(const MachineSample& from,
                                     const MachineSample& to) {
  MachineConditions m;
  m.load_average = to.load_average;
  const double total = to.total_s - from.total_s;
  if (!(total > 0)) {  // also NaN
    m.steal_percent = m.other_cpu_percent = kNaN;
    return m;
  }
  const double steal = to.steal_s - from.steal_s;
  const double busy = to.busy_s - from.busy_s;
  const double process = to.process_cpu_s - from.process_cpu_s;
  m.steal_percent = 100.0 * steal / total;
  m.other_cpu_percent = std::max(0.0, 100.0 * (busy - steal - process) / total);
  return m;
}

}  // namespace betapool

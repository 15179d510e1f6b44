#include "lab/machine_conditions.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "lab/process_stats.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

absl::StatusOr<MachineSample> parse_machine_times(std::string_view proc_stat_in,
                                                  double ticks_per_second) {
  const absl::string_view proc_stat(proc_stat_in.data(), proc_stat_in.size());
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (!absl::ConsumePrefix(&line, "cpu ")) continue;
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    // user nice system idle iowait irq softirq steal: older kernels stop
    // before steal, which then reads 0.
    if (fields.size() < 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "/proc/stat: 'cpu' line has ", fields.size(), " fields, need at least 4"));
    }
    uint64_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < fields.size() && i < 8; ++i) {
      if (!absl::SimpleAtoi(fields[i], &v[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "/proc/stat: 'cpu' field ", i + 1, " is not a number: '",
            std::string(fields[i]), "'"));
      }
    }
    const double busy = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
    MachineSample s;
    s.busy_s = busy / ticks_per_second;
    s.steal_s = static_cast<double>(v[7]) / ticks_per_second;
    s.total_s = (busy + static_cast<double>(v[3] + v[4])) / ticks_per_second;
    return s;
  }
  return absl::InvalidArgumentError("/proc/stat: no aggregate 'cpu' line");
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

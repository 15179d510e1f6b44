#include "sensors/proc_stat_sensor.h"

#include <sched.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/component_registry.h"
#include "core/echoed_text.h"
#include "sensors/small_file.h"

namespace betapool {

absl::StatusOr<ProcStatTimes> parse_proc_stat(std::string_view contents_in) {
  // Debian's Abseil has its own string_view type; parse in it.
  const absl::string_view contents(contents_in.data(), contents_in.size());
  ProcStatTimes t;
  bool found = false;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    if (absl::StartsWith(line, "cpu") && line.size() > 3 &&
        line[3] >= '0' && line[3] <= '9') {
      ++t.cpu_count;
      continue;
    }
    if (!absl::ConsumePrefix(&line, "cpu ")) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() < 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "/proc/stat: 'cpu' line has ", fields.size(),
          " fields, need at least 4"));
    }
    uint64_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (std::size_t i = 0; i < fields.size() && i < 8; ++i) {
      if (!absl::SimpleAtoi(fields[i], &v[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "/proc/stat: 'cpu' field ", i + 1, " is not a number: '",
            echoed_text(fields[i]), "'"));
      }
    }
    // user nice system idle iowait irq softirq steal (guest is in user).
    // Sums are checked: a wrapped sum would be a made-up percentage.
    uint64_t idle = 0;
    t.busy = 0;
    bool overflow = __builtin_add_overflow(v[3], v[4], &idle);
    for (int i : {0, 1, 2, 5, 6, 7}) {
      overflow |= __builtin_add_overflow(t.busy, v[i], &t.busy);
    }
    overflow |= __builtin_add_overflow(t.busy, idle, &t.total);
    t.steal = v[7];  // 0 on kernels whose line stops before steal
    if (overflow) {
      return absl::InvalidArgumentError("/proc/stat: counters overflow");
    }
    found = true;
  }
  if (!found) {
    return absl::InvalidArgumentError("/proc/stat: no aggregate 'cpu' line");
  }
  if (t.cpu_count == 0) t.cpu_count = 1;
  return t;
}

absl::StatusOr<uint64_t> parse_proc_pid_stat_cpu(
    std::string_view contents_in) {
  const absl::string_view contents(contents_in.data(), contents_in.size());
  // The command name (field 2) is in parentheses and may contain spaces and
  // parentheses itself, so fields are counted after the LAST ')'.
  const std::size_t close = contents.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError("stat: no ')' after the command name");
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(contents.substr(close + 1), ' ', absl::SkipEmpty());
  // After ')': field 3 (state) is index 0, so utime (14) and stime (15) are
  // indices 11 and 12.
  if (fields.size() < 13) {
    return absl::InvalidArgumentError(
        absl::StrCat("stat: ", fields.size() + 2, " fields, need 15"));
  }
  uint64_t utime = 0, stime = 0, sum = 0;
  if (!absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stat: utime/stime not numbers: '", echoed_text(fields[11]), "' '",
        echoed_text(fields[12]), "'"));
  }
  // A wrapped sum would be a made-up process share.
  if (__builtin_add_overflow(utime, stime, &sum)) {
    return absl::InvalidArgumentError("stat: utime + stime overflow");
  }
  return sum;
}

int affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

ProcStatSensor::ProcStatSensor(std::string proc_root,
                               std::optional<int> allowed_cpus)
    : proc_root_(std::move(proc_root)),
      allowed_cpus_(allowed_cpus && *allowed_cpus > 0 ? *allowed_cpus
                                                      : affinity_cpu_count()) {}

CpuReading ProcStatSensor::read() {
  CpuReading r;
  absl::StatusOr<ProcStatTimes> now = [&]() -> absl::StatusOr<ProcStatTimes> {
    absl::StatusOr<std::string> text = read_small_file(proc_root_ + "/stat");
    if (!text.ok()) return text.status();
    return parse_proc_stat(*text);
  }();
  if (!now.ok()) {
    r.status = std::string(now.status().message());
    previous_.reset();
    previous_process_ticks_.reset();
    return r;
  }
  std::optional<uint64_t> process_ticks;
  absl::StatusOr<std::string> self = read_small_file(proc_root_ + "/self/stat");
  if (self.ok()) {
    absl::StatusOr<uint64_t> ticks = parse_proc_pid_stat_cpu(*self);
    if (ticks.ok()) {
      process_ticks = *ticks;
    } else {
      r.status = std::string(ticks.status().message());
    }
  } else {
    r.status = std::string(self.status().message());
  }

  if (previous_ && now->total > previous_->total &&
      now->busy >= previous_->busy) {
    const double d_total = static_cast<double>(now->total - previous_->total);
    const double d_busy = static_cast<double>(now->busy - previous_->busy);
    r.system_percent = std::min(100.0, 100.0 * d_busy / d_total);
    if (process_ticks && previous_process_ticks_ &&
        *process_ticks >= *previous_process_ticks_) {
      // d_total covers every CPU of the machine; rescale to the CPUs this
      // process may use.
      const double d_proc =
          static_cast<double>(*process_ticks - *previous_process_ticks_);
      const double share = d_proc / d_total * now->cpu_count / allowed_cpus_;
      r.process_percent = std::min(100.0, 100.0 * share);
    }
  } else if (!previous_) {
    if (r.status.empty()) r.status = "first sample: no interval yet";
  } else if (r.status.empty()) {
    r.status = "/proc/stat counters did not advance";
  }
  r.effective_cpus = allowed_cpus_;
  previous_ = *now;
  previous_process_ticks_ = process_ticks;
  return r;
}

void register_proc_stat_sensor(ComponentRegistryBuilder& builder) {
  builder.add_sensor("proc_stat", [](const ComponentContext&) {
    return std::make_unique<ProcStatSensor>();
  });
}

}  // namespace betapool

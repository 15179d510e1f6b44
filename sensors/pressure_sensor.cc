#include "sensors/pressure_sensor.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/component_registry.h"
#include "core/echoed_text.h"
#include "sensors/cgroup_locator.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

absl::StatusOr<PsiLine> parse_psi_line(absl::string_view kind,
                                       absl::string_view rest) {
  PsiLine line;
  bool has_avg10 = false;
  for (absl::string_view token :
       absl::StrSplit(rest, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    const std::size_t eq = token.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "PSI '", kind, "' line: expected key=value, got '",
          echoed_text(token), "'"));
    }
    const absl::string_view key = token.substr(0, eq);
    const absl::string_view value = token.substr(eq + 1);
    if (key == "total") {
      if (!absl::SimpleAtoi(value, &line.total_us)) {
        return absl::InvalidArgumentError(
            absl::StrCat("PSI '", kind, "' total is not an unsigned integer: '",
                         echoed_text(value), "'"));
      }
      continue;
    }
    double* target = key == "avg10"    ? &line.avg10
                     : key == "avg60"  ? &line.avg60
                     : key == "avg300" ? &line.avg300
                                       : nullptr;
    if (target == nullptr) continue;  // a future kernel's extra field
    double v = 0.0;
    if (!absl::SimpleAtod(value, &v) || !(v >= 0.0 && v <= 100.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("PSI '", kind, "' ", key, " is not a percentage: '",
                       echoed_text(value), "'"));
    }
    *target = v;
    if (key == "avg10") has_avg10 = true;
  }
  if (!has_avg10) {
    return absl::InvalidArgumentError(
        absl::StrCat("PSI '", kind, "' line has no avg10"));
  }
  return line;
}

}  // namespace

absl::StatusOr<PsiCpu> parse_psi_cpu(std::string_view contents_in) {
  const absl::string_view contents(contents_in.data(), contents_in.size());
  std::optional<PsiLine> some;
  std::optional<PsiLine> full;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    const absl::string_view kind = line.substr(0, space);
    const absl::string_view rest =
        space == absl::string_view::npos ? "" : line.substr(space + 1);
    if (kind != "some" && kind != "full") {
      return absl::InvalidArgumentError(absl::StrCat(
          "PSI: unknown line kind '", echoed_text(kind), "'"));
    }
    absl::StatusOr<PsiLine> parsed = parse_psi_line(kind, rest);
    if (!parsed.ok()) return parsed.status();
    (kind == "some" ? some : full) = *parsed;
  }
  if (!some) return absl::InvalidArgumentError("PSI: no 'some' line");
  return PsiCpu{*some, full};
}

PressureSensor::PressureSensor(PressureSensorOptions options,
                               std::unique_ptr<CpuSensor> base)
    : options_(std::move(options)), base_(std::move(base)) {}

absl::StatusOr<std::string> PressureSensor::pressure_path() {
  if (options_.source == PressureSource::kSystem) {
    return internal::join_root(options_.root, "/proc/pressure/cpu");
  }
  if (cgroup_path_) return *cgroup_path_;
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(options_.root);
  if (!loc.ok()) return loc.status();
  if (!loc->unified) {
    return absl::NotFoundError(
        "no cgroup v2 hierarchy: cgroup cpu.pressure is unavailable");
  }
  cgroup_path_ = loc->unified->path() + "/cpu.pressure";
  return *cgroup_path_;
}

CpuReading PressureSensor::read() {
  CpuReading r;
  if (base_) r = base_->read();
  std::string problem;
  absl::StatusOr<std::string> path = pressure_path();
  if (!path.ok()) {
    problem = std::string(path.status().message());
  } else {
    absl::StatusOr<std::optional<std::string>> text =
        internal::read_file_if_exists(*path);
    if (!text.ok()) {
      problem = std::string(text.status().message());
    } else if (!text->has_value()) {
      problem = absl::StrCat(*path, " does not exist (kernel without PSI?)");
    } else {
      absl::StatusOr<PsiCpu> psi = parse_psi_cpu(**text);
      if (psi.ok()) {
        r.pressure_some_percent = psi->some.avg10;
      } else {
        problem = absl::StrCat(*path, ": ", psi.status().message());
      }
    }
  }
  if (!problem.empty()) {
    cgroup_path_.reset();  // locate the cgroup again next time
    r.pressure_some_percent.reset();
    r.status = r.status.empty() ? problem : absl::StrCat(r.status, "; ", problem);
  }
  return r;
}

void register_pressure_sensor(ComponentRegistryBuilder& builder) {
  builder.add_sensor("pressure", [](const ComponentContext&) {
    return std::make_unique<PressureSensor>(
        PressureSensorOptions{}, std::make_unique<ProcStatSensor>());
  });
}

}  // namespace betapool

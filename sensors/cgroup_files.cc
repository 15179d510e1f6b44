#include "sensors/cgroup_files.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/echoed_text.h"

namespace betapool {
namespace {

// Debian's Abseil has its own string_view; parse in it.
absl::string_view to_absl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// Text quoted in an error message, echoed in part (core/echoed_text.h), so
// a fuzzer's megabyte of junk does not end up in a log line.
std::string quote(absl::string_view s) {
  return absl::StrCat("'", echoed_text(s), "'");
}

// Decodes the octal escapes mountinfo uses for space, tab, newline and
// backslash in paths ("\040" -> ' ').
std::string unescape_mount_path(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() &&
        s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 +
                                      (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool parse_positive(absl::string_view text, int64_t* out) {
  return absl::SimpleAtoi(text, out) && *out > 0;
}

}  // namespace

absl::StatusOr<std::vector<ProcCgroupEntry>> parse_proc_cgroup(
    std::string_view contents_in) {
  const absl::string_view contents = to_absl(contents_in);
  std::vector<ProcCgroupEntry> entries;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::size_t first = line.find(':');
    const std::size_t second =
        first == absl::string_view::npos ? first : line.find(':', first + 1);
    if (second == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("/proc/self/cgroup line ", line_number,
                       ": expected 'id:controllers:path', got ", quote(line)));
    }
    ProcCgroupEntry e;
    if (!absl::SimpleAtoi(line.substr(0, first), &e.hierarchy_id) ||
        e.hierarchy_id < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "/proc/self/cgroup line ", line_number,
          ": hierarchy id is not a number: ", quote(line.substr(0, first))));
    }
    for (absl::string_view c : absl::StrSplit(
             line.substr(first + 1, second - first - 1), ',',
             absl::SkipEmpty())) {
      e.controllers.emplace_back(c);
    }
    // The path is the rest of the line: it may itself contain ':'.
    e.path = std::string(line.substr(second + 1));
    if (e.path.empty() || e.path[0] != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("/proc/self/cgroup line ", line_number,
                       ": path is not absolute: ", quote(e.path)));
    }
    entries.push_back(std::move(e));
  }
  if (entries.empty()) {
    return absl::InvalidArgumentError("/proc/self/cgroup: no entries");
  }
  return entries;
}

absl::StatusOr<std::vector<MountInfoEntry>> parse_mountinfo(
    std::string_view contents_in) {
  const absl::string_view contents = to_absl(contents_in);
  std::vector<MountInfoEntry> entries;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    // id parent major:minor root mount-point options [optional...] - type
    // source super-options
    const auto dash = std::find(fields.begin(), fields.end(), "-");
    const std::size_t dash_index =
        static_cast<std::size_t>(dash - fields.begin());
    if (dash == fields.end() || dash_index < 6 ||
        fields.size() < dash_index + 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("/proc/self/mountinfo line ", line_number,
                       ": malformed: ", quote(line)));
    }
    MountInfoEntry e;
    e.root = unescape_mount_path(fields[3]);
    e.mount_point = unescape_mount_path(fields[4]);
    e.fs_type = std::string(fields[dash_index + 1]);
    if (fields.size() > dash_index + 3) {
      for (absl::string_view o :
           absl::StrSplit(fields[dash_index + 3], ',', absl::SkipEmpty())) {
        e.super_options.emplace_back(o);
      }
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

absl::StatusOr<CpuQuota> parse_cpu_max(std::string_view contents_in) {
  const absl::string_view contents =
      absl::StripAsciiWhitespace(to_absl(contents_in));
  std::vector<absl::string_view> fields =
      absl::StrSplit(contents, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (fields.empty() || fields.size() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cpu.max: expected '<quota|max> <period>', got ", quote(contents)));
  }
  CpuQuota q;
  if (fields.size() == 2 && !parse_positive(fields[1], &q.period_us)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cpu.max: period is not a positive integer: ", quote(fields[1])));
  }
  if (fields[0] != "max") {
    int64_t quota = 0;
    if (!parse_positive(fields[0], &quota)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cpu.max: quota is neither 'max' nor a positive "
                       "integer: ",
                       quote(fields[0])));
    }
    q.quota_us = quota;
  }
  return q;
}

absl::StatusOr<CpuQuota> parse_cfs_quota(std::string_view quota_in,
                                         std::string_view period_in) {
  const absl::string_view quota_text =
      absl::StripAsciiWhitespace(to_absl(quota_in));
  const absl::string_view period_text =
      absl::StripAsciiWhitespace(to_absl(period_in));
  CpuQuota q;
  if (!parse_positive(period_text, &q.period_us)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu.cfs_period_us: not a positive integer: ",
                     quote(period_text)));
  }
  int64_t quota = 0;
  if (!absl::SimpleAtoi(quota_text, &quota) || (quota <= 0 && quota != -1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cpu.cfs_quota_us: neither -1 nor a positive integer: ",
                     quote(quota_text)));
  }
  if (quota > 0) q.quota_us = quota;
  return q;
}

absl::StatusOr<std::vector<int>> parse_cpu_list(std::string_view contents_in) {
  const absl::string_view contents =
      absl::StripAsciiWhitespace(to_absl(contents_in));
  std::vector<int> cpus;
  if (contents.empty()) return cpus;
  for (absl::string_view item : absl::StrSplit(contents, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const std::size_t dash = item.find('-');
    int lo = 0, hi = 0;
    const bool ok =
        dash == absl::string_view::npos
            ? absl::SimpleAtoi(item, &lo) && (hi = lo, true)
            : absl::SimpleAtoi(item.substr(0, dash), &lo) &&
                  absl::SimpleAtoi(item.substr(dash + 1), &hi);
    if (!ok || lo < 0 || hi < lo || hi > kMaxCpuId) {
      return absl::InvalidArgumentError(absl::StrCat(
          "CPU list: bad item ", quote(item), " in ", quote(contents)));
    }
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    if (cpus.size() > static_cast<std::size_t>(kMaxCpuId) + 1) {
      // Overlapping ranges could still grow the list; dedupe as we go.
      std::sort(cpus.begin(), cpus.end());
      cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

absl::StatusOr<std::map<std::string, uint64_t, std::less<>>> parse_flat_keyed(
    std::string_view contents_in, std::string_view file_in) {
  const absl::string_view contents = to_absl(contents_in);
  const absl::string_view file = to_absl(file_in);
  std::map<std::string, uint64_t, std::less<>> values;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    uint64_t v = 0;
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[1], &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_number,
                       ": expected '<key> <unsigned integer>', got ",
                       quote(line)));
    }
    values[std::string(fields[0])] = v;
  }
  return values;
}

absl::StatusOr<uint64_t> parse_single_uint(std::string_view contents_in,
                                           std::string_view file_in) {
  const absl::string_view contents =
      absl::StripAsciiWhitespace(to_absl(contents_in));
  uint64_t v = 0;
  if (!absl::SimpleAtoi(contents, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat(to_absl(file_in), ": not an unsigned integer: ",
                     quote(contents)));
  }
  return v;
}

}  // namespace betapool

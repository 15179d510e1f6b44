// File: sensors/cgroup_files.h
//
// Pure parsers for the kernel files the container-aware sensors read:
// /proc/self/cgroup, /proc/self/mountinfo, cgroup v2 `cpu.max`, cgroup v1
// `cpu.cfs_quota_us` + `cpu.cfs_period_us`, CPU lists (`cpuset.cpus.effective`,
// /sys/devices/system/cpu/online), flat-keyed files (`cpu.stat`) and
// single-number files (`cpuacct.usage`).
//
// They take the file's contents, never touch the file system, and return
// InvalidArgument naming the file, the field and the bad text for anything
// they do not understand; so a fuzzer can target each one directly and the
// sensors can turn any failure into "unavailable".
//
// Example:
//   absl::StatusOr<betapool::CpuQuota> q = betapool::parse_cpu_max("50000 100000\n");
//   // q->cpus() == 0.5
//   absl::StatusOr<std::vector<int>> cpus = betapool::parse_cpu_list("0-3,8\n");
//   // {0, 1, 2, 3, 8}
//
// Thread safety: all functions are pure and safe from any thread.
#ifndef BETAPOOL_SENSORS_CGROUP_FILES_H_
#define BETAPOOL_SENSORS_CGROUP_FILES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace betapool {

// One line of /proc/self/cgroup: "hierarchy-ID:controller-list:path".
// cgroup v2 is the line with hierarchy 0 and no controllers ("0::/a/b").
struct ProcCgroupEntry {
  int hierarchy_id = 0;
  std::vector<std::string> controllers;  // "cpu", "cpuacct", "name=systemd"
  std::string path;                      // "/" or "/a/b"
};

// Parses /proc/self/cgroup. Empty lines are skipped; a file with no entry is
// an error.
absl::StatusOr<std::vector<ProcCgroupEntry>> parse_proc_cgroup(
    std::string_view contents);

// One line of /proc/self/mountinfo (only the fields the sensors use).
struct MountInfoEntry {
  std::string root;         // the mounted directory inside its file system
  std::string mount_point;  // where it is mounted (octal escapes decoded)
  std::string fs_type;      // "cgroup2", "cgroup", "proc", ...
  std::vector<std::string> super_options;  // "rw", "cpu", "cpuacct", ...
};

// Parses /proc/self/mountinfo. A line without the " - " separator or with
// too few fields is an error naming its line number.
absl::StatusOr<std::vector<MountInfoEntry>> parse_mountinfo(
    std::string_view contents);

// A CFS bandwidth limit: `quota_us` of CPU time per `period_us` of wall
// time. An empty quota means unlimited ("max" in v2, -1 in v1).
struct CpuQuota {
  std::optional<int64_t> quota_us;
  int64_t period_us = 100000;

  // quota / period in CPUs (0.5 = half a CPU); empty when unlimited.
  std::optional<double> cpus() const {
    if (!quota_us) return std::nullopt;
    return static_cast<double>(*quota_us) / static_cast<double>(period_us);
  }
};

// Parses cgroup v2 `cpu.max`: "max <period>" or "<quota> <period>" (the
// kernel always writes both; a lone "max" or "<quota>" is accepted with the
// default period 100000, as the kernel accepts it on write). Quota and period
// must be positive integers.
absl::StatusOr<CpuQuota> parse_cpu_max(std::string_view contents);

// Parses cgroup v1 `cpu.cfs_quota_us` ("-1" = unlimited, or a positive
// integer) and `cpu.cfs_period_us` (a positive integer).
absl::StatusOr<CpuQuota> parse_cfs_quota(std::string_view quota_contents,
                                         std::string_view period_contents);

// Largest CPU number parse_cpu_list accepts, so a hostile range cannot make
// it allocate without bound (Linux's NR_CPUS is at most 8192).
inline constexpr int kMaxCpuId = 65535;

// Parses a kernel CPU list ("0-3,8,10-11\n") into sorted, distinct CPU
// numbers. An empty (or all-whitespace) list is valid and yields no CPUs.
absl::StatusOr<std::vector<int>> parse_cpu_list(std::string_view contents);

// Parses a flat-keyed file of "key value" lines (cgroup `cpu.stat`) into
// unsigned integers. `file` names the file in error messages.
absl::StatusOr<std::map<std::string, uint64_t, std::less<>>> parse_flat_keyed(
    std::string_view contents, std::string_view file);

// Parses a file holding one unsigned integer (v1 `cpuacct.usage`).
absl::StatusOr<uint64_t> parse_single_uint(std::string_view contents,
                                           std::string_view file);

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_CGROUP_FILES_H_

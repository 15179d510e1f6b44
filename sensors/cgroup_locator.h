// File: sensors/cgroup_locator.h
//
// Finds this process's cgroup directories and reads the CPU limits that
// apply to it: the tightest CFS quota over the cgroup and its ancestors, and
// the effective cpuset. Shared by CgroupCpuSensor, PressureSensor and
// effective_cpus.
//
// How the cgroup is found (the same rules as the JDK's and Go's automaxprocs):
// each controller ("cpu", "cpuacct", "cpuset") is looked up in
// /proc/self/cgroup; a cgroup v1 line naming the controller wins (v1 or a
// hybrid host), otherwise the v2 line "0::/path" is used. The directory is the
// matching mount from /proc/self/mountinfo (fs type "cgroup" with the
// controller in its options, or "cgroup2") plus the cgroup path below the
// mount's root. A container whose cgroup file system shows only its own
// cgroup (cgroup namespace, or a bind mount of it) resolves to the mount
// point itself. Without a readable mountinfo the standard /sys/fs/cgroup
// layout is assumed.
//
// Everything is read under `root` (default "/"): tests build fixture trees
// in a temporary directory ("<root>/proc/self/cgroup",
// "<root>/sys/fs/cgroup/...").
//
// Example:
//   absl::StatusOr<betapool::CgroupLocation> loc = betapool::locate_cgroup();
//   if (loc.ok()) {
//     absl::StatusOr<betapool::CgroupLimits> lim =
//         betapool::read_cgroup_limits(*loc);
//     if (lim.ok() && lim->quota_cpus) use(*lim->quota_cpus);  // e.g. 1.5
//   }
//
// Thread safety: all functions are safe from any thread (they only read).
#ifndef BETAPOOL_SENSORS_CGROUP_LOCATOR_H_
#define BETAPOOL_SENSORS_CGROUP_LOCATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sensors/cgroup_files.h"
#include "sensors/small_file.h"

namespace betapool {

enum class CgroupVersion { kV1, kV2 };

// "v1" or "v2".
std::string_view to_string(CgroupVersion version) noexcept;

// A cgroup directory as a mount point plus the cgroup's path below it, so
// that its ancestors can be walked up to the top the process can see.
struct CgroupDir {
  std::string mount_point;  // "/sys/fs/cgroup" (prefixed with the root)
  std::string relative;     // "" for the mount's own cgroup, else "/a/b"

  std::string path() const { return mount_point + relative; }
  // path(), then each parent directory up to and including mount_point.
  std::vector<std::string> self_and_ancestors() const;
};

// Where one controller's files are.
struct CgroupController {
  CgroupVersion version = CgroupVersion::kV2;
  CgroupDir dir;
};

struct CgroupLocation {
  // Quota files (v2 cpu.max; v1 cpu.cfs_quota_us/cpu.cfs_period_us) and
  // throttling counters (cpu.stat nr_periods/nr_throttled).
  CgroupController cpu;
  // CPU time used by the cgroup: v2 cpu.stat usage_usec, v1 cpuacct.usage
  // (nanoseconds). Empty when no hierarchy provides it.
  std::optional<CgroupController> usage;
  // v2 cpuset.cpus.effective or v1 cpuset.effective_cpus; empty when the
  // cpuset controller is not mounted.
  std::optional<CgroupController> cpuset;
  // The v2 cgroup, for cpu.pressure; present on v2 and on hybrid hosts.
  std::optional<CgroupDir> unified;
};

// Resolves the location from parsed /proc/self/cgroup and mountinfo, without
// touching the file system (mount points are returned as in mountinfo).
// A controller with no matching mount falls back to the standard layout
// (/sys/fs/cgroup for v2, /sys/fs/cgroup/<controller> for v1).
// Returns NotFound when /proc/self/cgroup names neither a v1 "cpu"
// hierarchy nor a v2 cgroup.
absl::StatusOr<CgroupLocation> resolve_cgroup_location(
    const std::vector<ProcCgroupEntry>& cgroups,
    const std::vector<MountInfoEntry>& mounts);

// Reads <root>/proc/self/cgroup and <root>/proc/self/mountinfo and resolves
// the location with every directory prefixed by `root`. A directory that
// does not exist below its mount (a container without a cgroup namespace
// whose mount shows only its own cgroup) resolves to the mount point.
// Errors: Unavailable when /proc/self/cgroup cannot be read,
// InvalidArgument when it cannot be parsed, NotFound as above.
absl::StatusOr<CgroupLocation> locate_cgroup(const std::string& root = "/");

// The limits that apply to a cgroup. Read them again whenever they matter:
// an orchestrator may change them at any time.
struct CgroupLimits {
  // The tightest quota/period (in CPUs) over the cgroup and its ancestors;
  // empty when none of them has a quota.
  std::optional<double> quota_cpus;
  // The directories whose own quota is finite, the cgroup's first; their
  // cpu.stat says how often each throttled.
  std::vector<std::string> quota_dirs;
  // The effective cpuset (nearest cgroup that has one); empty when the
  // cpuset controller is not available.
  std::optional<std::vector<int>> cpuset;
};

// Reads the quota files of the cgroup and each ancestor, and the cpuset.
// A missing quota file at a level means "no quota there" (v2 has no cpu.max
// in the root cgroup or where the cpu controller is not enabled). Errors: a
// quota or cpuset file that exists but cannot be read or parsed, naming it.
absl::StatusOr<CgroupLimits> read_cgroup_limits(const CgroupLocation& location);

namespace internal {

// `root` joined with an absolute path: ("/", "/sys") -> "/sys",
// ("/tmp/t", "/sys") -> "/tmp/t/sys".
std::string join_root(std::string_view root, std::string_view absolute_path);

}  // namespace internal
}  // namespace betapool

#endif  // BETAPOOL_SENSORS_CGROUP_LOCATOR_H_

#include "sensors/cgroup_locator.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace betapool {
namespace internal {

std::string join_root(std::string_view root, std::string_view absolute_path) {
  std::string r(root);
  while (!r.empty() && r.back() == '/') r.pop_back();
  std::string p(absolute_path);
  if (p.empty() || p[0] != '/') p.insert(p.begin(), '/');
  return r + p;
}

}  // namespace internal

namespace {

using internal::join_root;
using internal::read_file_if_exists;

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The cgroup path below a mount whose root is `mount_root`; empty when the
// mount shows the cgroup itself, or when the cgroup is not below the mount
// root (then the mount is the best view the process has of its cgroup).
std::string relative_below(const std::string& mount_root,
                           const std::string& cgroup_path) {
  if (absl::StrContains(cgroup_path, "/..")) return "";
  std::string rel;
  if (mount_root == "/") {
    rel = cgroup_path;
  } else if (cgroup_path == mount_root) {
    rel = "";
  } else if (absl::StartsWith(cgroup_path, mount_root + "/")) {
    rel = cgroup_path.substr(mount_root.size());
  }
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  return rel;
}

// Picks the mount of a hierarchy: among matching mounts, the one whose root
// is the longest prefix of the cgroup path (bind mounts of subtrees exist);
// otherwise the first matching mount.
std::optional<CgroupDir> dir_from_mounts(
    const std::vector<const MountInfoEntry*>& candidates,
    const std::string& cgroup_path) {
  const MountInfoEntry* best = nullptr;
  std::size_t best_len = 0;
  for (const MountInfoEntry* m : candidates) {
    const bool below =
        m->root == "/" || cgroup_path == m->root ||
        absl::StartsWith(cgroup_path, m->root + "/");
    if (below && (best == nullptr || m->root.size() > best_len)) {
      best = m;
      best_len = m->root.size();
    }
  }
  if (best == nullptr && !candidates.empty()) best = candidates.front();
  if (best == nullptr) return std::nullopt;
  return CgroupDir{best->mount_point, relative_below(best->root, cgroup_path)};
}

std::optional<CgroupController> find_controller(
    const std::vector<ProcCgroupEntry>& cgroups,
    const std::vector<MountInfoEntry>& mounts, std::string_view controller) {
  const ProcCgroupEntry* v1 = nullptr;
  const ProcCgroupEntry* v2 = nullptr;
  for (const ProcCgroupEntry& e : cgroups) {
    if (e.hierarchy_id == 0 && e.controllers.empty()) v2 = &e;
    if (e.hierarchy_id != 0 && has(e.controllers, controller)) v1 = &e;
  }
  if (v1 != nullptr) {
    std::vector<const MountInfoEntry*> candidates;
    for (const MountInfoEntry& m : mounts) {
      if (m.fs_type == "cgroup" && has(m.super_options, controller)) {
        candidates.push_back(&m);
      }
    }
    std::optional<CgroupDir> dir = dir_from_mounts(candidates, v1->path);
    if (!dir) {
      dir = CgroupDir{absl::StrCat("/sys/fs/cgroup/", std::string(controller)),
                      relative_below("/", v1->path)};
    }
    return CgroupController{CgroupVersion::kV1, *dir};
  }
  if (v2 != nullptr) {
    std::vector<const MountInfoEntry*> candidates;
    for (const MountInfoEntry& m : mounts) {
      if (m.fs_type == "cgroup2") candidates.push_back(&m);
    }
    std::optional<CgroupDir> dir = dir_from_mounts(candidates, v2->path);
    if (!dir) dir = CgroupDir{"/sys/fs/cgroup", relative_below("/", v2->path)};
    return CgroupController{CgroupVersion::kV2, *dir};
  }
  return std::nullopt;
}

// Re-roots a directory under `root`, and falls back to the mount point when
// the cgroup's own directory is not visible below it.
void reroot(const std::string& root, CgroupDir& dir) {
  dir.mount_point = join_root(root, dir.mount_point);
  if (!dir.relative.empty() && !is_directory(dir.path())) dir.relative.clear();
}

absl::StatusOr<std::optional<CpuQuota>> read_quota_at(
    CgroupVersion version, const std::string& dir) {
  if (version == CgroupVersion::kV2) {
    const std::string path = dir + "/cpu.max";
    absl::StatusOr<std::optional<std::string>> text = read_file_if_exists(path);
    if (!text.ok()) return text.status();
    if (!text->has_value()) return std::optional<CpuQuota>();
    absl::StatusOr<CpuQuota> q = parse_cpu_max(**text);
    if (!q.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", q.status().message()));
    }
    return std::optional<CpuQuota>(*q);
  }
  const std::string quota_path = dir + "/cpu.cfs_quota_us";
  const std::string period_path = dir + "/cpu.cfs_period_us";
  absl::StatusOr<std::optional<std::string>> quota =
      read_file_if_exists(quota_path);
  if (!quota.ok()) return quota.status();
  if (!quota->has_value()) return std::optional<CpuQuota>();
  absl::StatusOr<std::optional<std::string>> period =
      read_file_if_exists(period_path);
  if (!period.ok()) return period.status();
  if (!period->has_value()) {
    return absl::UnavailableError(
        absl::StrCat(period_path, " is missing but ", quota_path, " exists"));
  }
  absl::StatusOr<CpuQuota> q = parse_cfs_quota(**quota, **period);
  if (!q.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": ", q.status().message()));
  }
  return std::optional<CpuQuota>(*q);
}

}  // namespace

std::string_view to_string(CgroupVersion version) noexcept {
  return version == CgroupVersion::kV1 ? "v1" : "v2";
}

std::vector<std::string> CgroupDir::self_and_ancestors() const {
  std::vector<std::string> out;
  std::string rel = relative;
  for (;;) {
    out.push_back(mount_point + rel);
    if (rel.empty()) break;
    const std::size_t slash = rel.rfind('/');
    rel.resize(slash == std::string::npos ? 0 : slash);
  }
  return out;
}

absl::StatusOr<CgroupLocation> resolve_cgroup_location(
    const std::vector<ProcCgroupEntry>& cgroups,
    const std::vector<MountInfoEntry>& mounts) {
  std::optional<CgroupController> cpu = find_controller(cgroups, mounts, "cpu");
  if (!cpu) {
    return absl::NotFoundError(
        "/proc/self/cgroup names neither a cgroup v1 'cpu' hierarchy nor a "
        "cgroup v2 ('0::') cgroup");
  }
  CgroupLocation loc;
  loc.cpu = *cpu;
  // The v2 cgroup, if any: on a hybrid host it carries cpu.pressure and
  // cpu.stat usage_usec even though the cpu controller is bound to v1.
  for (const ProcCgroupEntry& e : cgroups) {
    if (e.hierarchy_id == 0 && e.controllers.empty()) {
      std::vector<ProcCgroupEntry> only_v2{e};
      std::optional<CgroupController> v2 =
          find_controller(only_v2, mounts, "cpu");
      if (v2) loc.unified = v2->dir;
    }
  }
  if (cpu->version == CgroupVersion::kV2) {
    loc.usage = *cpu;
  } else if (std::optional<CgroupController> acct =
                 find_controller(cgroups, mounts, "cpuacct");
             acct && acct->version == CgroupVersion::kV1) {
    loc.usage = *acct;
  } else if (loc.unified) {
    loc.usage = CgroupController{CgroupVersion::kV2, *loc.unified};
  }
  loc.cpuset = find_controller(cgroups, mounts, "cpuset");
  return loc;
}

absl::StatusOr<CgroupLocation> locate_cgroup(const std::string& root) {
  const std::string cgroup_path = join_root(root, "/proc/self/cgroup");
  absl::StatusOr<std::optional<std::string>> cgroup_text =
      read_file_if_exists(cgroup_path);
  if (!cgroup_text.ok()) return cgroup_text.status();
  if (!cgroup_text->has_value()) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", cgroup_path, ": ",
                     std::strerror(ENOENT)));
  }
  absl::StatusOr<std::vector<ProcCgroupEntry>> cgroups =
      parse_proc_cgroup(**cgroup_text);
  if (!cgroups.ok()) return cgroups.status();

  // Without mountinfo (or with one we cannot parse) the standard layout is
  // the best guess; resolve_cgroup_location falls back to it.
  std::vector<MountInfoEntry> mounts;
  absl::StatusOr<std::optional<std::string>> mount_text =
      read_file_if_exists(join_root(root, "/proc/self/mountinfo"));
  if (mount_text.ok() && mount_text->has_value()) {
    absl::StatusOr<std::vector<MountInfoEntry>> parsed =
        parse_mountinfo(**mount_text);
    if (parsed.ok()) mounts = *std::move(parsed);
  }
  absl::StatusOr<CgroupLocation> loc =
      resolve_cgroup_location(*cgroups, mounts);
  if (!loc.ok()) return loc.status();
  reroot(root, loc->cpu.dir);
  if (loc->usage) reroot(root, loc->usage->dir);
  if (loc->cpuset) reroot(root, loc->cpuset->dir);
  if (loc->unified) reroot(root, *loc->unified);
  return loc;
}

absl::StatusOr<CgroupLimits> read_cgroup_limits(
    const CgroupLocation& location) {
  CgroupLimits limits;
  for (const std::string& dir : location.cpu.dir.self_and_ancestors()) {
    absl::StatusOr<std::optional<CpuQuota>> q =
        read_quota_at(location.cpu.version, dir);
    if (!q.ok()) return q.status();
    if (!q->has_value()) continue;
    const std::optional<double> cpus = (*q)->cpus();
    if (!cpus) continue;
    limits.quota_dirs.push_back(dir);
    if (!limits.quota_cpus || *cpus < *limits.quota_cpus) {
      limits.quota_cpus = cpus;
    }
  }
  if (location.cpuset) {
    // The nearest cgroup that has the file: in v2 it exists only where the
    // cpuset controller is enabled, and always in the root cgroup.
    const bool v1 = location.cpuset->version == CgroupVersion::kV1;
    const std::vector<std::string> names =
        v1 ? std::vector<std::string>{"cpuset.effective_cpus", "cpuset.cpus"}
           : std::vector<std::string>{"cpuset.cpus.effective"};
    for (const std::string& dir : location.cpuset->dir.self_and_ancestors()) {
      for (const std::string& name : names) {
        const std::string path = dir + "/" + name;
        absl::StatusOr<std::optional<std::string>> text =
            read_file_if_exists(path);
        if (!text.ok()) return text.status();
        if (!text->has_value()) continue;
        absl::StatusOr<std::vector<int>> cpus = parse_cpu_list(**text);
        if (!cpus.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", cpus.status().message()));
        }
        // An empty list means "not configured here" (v1 child cpusets
        // start empty); keep looking further up.
        if (!cpus->empty()) {
          limits.cpuset = *std::move(cpus);
          return limits;
        }
      }
    }
  }
  return limits;
}

}  // namespace betapool

// File: lab/tenant_cgroups.h
//
// Two sibling CPU cgroups of equal weight below the lab's own: "pool", where
// the whole lab process runs while they exist, and "tenant", for the
// --cpu_hog processes. The scheduler then shares the CPUs between the two
// groups rather than between threads, so a tenant of N spinning processes
// takes min(N, CPUs / 2) CPUs whatever the pool's thread count — as a
// neighbour service in its own cgroup (a systemd slice, a Kubernetes pod)
// does. Without them one spinning process takes about 1/(threads + 1) of
// the CPUs from a pool of many threads, and the knee barely moves.
//
// Layout: <lab's cpu cgroup>/betapool-lab-<pid>-<n>/{pool,tenant}. cgroup v1
// (the "cpu" hierarchy; cpu.shares 1024 each) and v2 (cpu.weight 100 each;
// the "cpu" controller must be enabled for the lab cgroup's children, which
// is written to the new parent's cgroup.subtree_control). Needs the right
// to create cgroups there (root, or a delegated subtree).
//
// Example:
//   absl::StatusOr<std::unique_ptr<betapool::TenantCgroups>> groups =
//       betapool::TenantCgroups::create();
//   if (!groups.ok()) return groups.status();     // names the file and why
//   if (absl::Status s = (*groups)->add_tenant(child); !s.ok()) ...;
//   groups->reset();  // the lab back in its cgroup, the directories removed
//
// Thread safety: not thread-safe; one thread creates, uses and destroys it.
// The tenant processes must be gone before destruction (a cgroup with
// processes in it cannot be removed; it is then left behind, and said so
// on stderr).
#ifndef BETAPOOL_LAB_TENANT_CGROUPS_H_
#define BETAPOOL_LAB_TENANT_CGROUPS_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sensors/cgroup_locator.h"

namespace betapool {

class TenantCgroups {
 public:
  // Creates the two groups below the calling process's CPU cgroup (found
  // under `root`, as locate_cgroup does) and moves the process into "pool".
  // Errors name the file or directory that failed and the system's reason;
  // nothing is left behind on failure.
  static absl::StatusOr<std::unique_ptr<TenantCgroups>> create(
      const std::string& root = "/");
  // Moves the process back to the cgroup it came from and removes the
  // directories.
  ~TenantCgroups();
  TenantCgroups(const TenantCgroups&) = delete;
  TenantCgroups& operator=(const TenantCgroups&) = delete;

  // Moves process `pid` (and all its threads) into "tenant".
  absl::Status add_tenant(pid_t pid) const;

  CgroupVersion version() const { return version_; }
  const std::string& parent_dir() const { return parent_; }  // the lab's own
  std::string group_dir() const { return group_; }           // .../betapool-lab-*
  std::string pool_dir() const { return group_ + "/pool"; }
  std::string tenant_dir() const { return group_ + "/tenant"; }

 private:
  TenantCgroups(CgroupVersion version, std::string parent, std::string group)
      : version_(version), parent_(std::move(parent)), group_(std::move(group)) {}

  CgroupVersion version_;
  std::string parent_;
  std::string group_;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_TENANT_CGROUPS_H_

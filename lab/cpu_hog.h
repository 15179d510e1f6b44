// File: lab/cpu_hog.h
//
// Another tenant of the machine, on demand: N child processes that spin on
// the CPU until stopped. The lab's --cpu_hog scenario starts them in the
// middle of an adaptive run to take CPU away as a neighbour would, so the
// run shows whether a policy follows the knee when it moves. Processes, not
// threads: a thread of the lab would count as the pool's own CPU in a
// process-CPU reading, which a real neighbour's load never does.
//
// By default the children compete with the pool thread by thread, as
// processes on one host without cgroups do. With `own_cgroup` they run in a
// sibling CPU cgroup of the lab's, with equal weight (lab/tenant_cgroups.h),
// and take min(processes, CPUs / 2) CPUs whatever the pool's size.
//
// Example:
//   betapool::CpuHog hog(1);
//   if (absl::Status s = hog.start(); !s.ok()) ...;
//   ...                       // one CPU's worth of other load
//   hog.stop();               // killed and reaped; the destructor does it too
//
// Thread safety: not thread-safe; one thread (or a hand-off with a join in
// between) drives it; that thread may end before the hog does. The
// children exit within milliseconds of the lab's death.
#ifndef BETAPOOL_LAB_CPU_HOG_H_
#define BETAPOOL_LAB_CPU_HOG_H_

#include <sys/types.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "lab/tenant_cgroups.h"

namespace betapool {

class CpuHog {
 public:
  explicit CpuHog(int processes, bool own_cgroup = false)
      : processes_(processes), own_cgroup_(own_cgroup) {}
  ~CpuHog() { stop(); }
  CpuHog(const CpuHog&) = delete;
  CpuHog& operator=(const CpuHog&) = delete;

  // Starts the spinning processes (no-op when running or for 0 processes);
  // on a failed fork or cgroup setup, stops those already started and says
  // why.
  absl::Status start();
  // Kills and reaps every child, and removes the cgroups. Safe to call when
  // not running.
  void stop();

  bool running() const { return !children_.empty(); }
  const std::vector<pid_t>& children() const { return children_; }

 private:
  int processes_;
  bool own_cgroup_;
  std::vector<pid_t> children_;
  std::unique_ptr<TenantCgroups> cgroups_;  // with own_cgroup, while running
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_CPU_HOG_H_

#include "lab/cpu_hog.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

// The child of a multi-threaded process may only make async-signal-safe
// calls. It spins, and every ~2^20 iterations (milliseconds) exits once its
// parent is gone (it is then re-parented, so getppid() changes). Not
// PR_SET_PDEATHSIG: that signal fires when the *thread* that forked ends,
// and the lab starts a hog from a helper thread that ends long before the
// hog should; it killed the tenant in some adaptive runs, depending on
// whether the child set it before that thread returned.
[[noreturn]] void spin_until_orphaned(pid_t parent) {
  volatile unsigned long counter = 0;
  for (;;) {
    for (int i = 0; i < (1 << 20); ++i) counter = counter + 1;
    if (getppid() != parent) _exit(0);
  }
}

}  // namespace

absl::Status CpuHog::start() {
  if (running() || processes_ == 0) return absl::OkStatus();
  if (own_cgroup_) {
    absl::StatusOr<std::unique_ptr<TenantCgroups>> groups = TenantCgroups::create();
    if (!groups.ok()) return groups.status();
    cgroups_ = *std::move(groups);
  }
  const pid_t parent = getpid();
  for (int i = 0; i < processes_; ++i) {
    const pid_t child = fork();
    if (child == 0) spin_until_orphaned(parent);
    if (child < 0) {
      const int error = errno;
      stop();
      return absl::ResourceExhaustedError(
          absl::StrCat("cpu_hog: fork of process ", i + 1, " of ", processes_,
                       " failed: ", std::strerror(error)));
    }
    children_.push_back(child);
    if (cgroups_ != nullptr) {
      if (absl::Status s = cgroups_->add_tenant(child); !s.ok()) {
        stop();
        return s;
      }
    }
  }
  return absl::OkStatus();
}

void CpuHog::stop() {
  for (pid_t child : children_) kill(child, SIGKILL);
  for (pid_t child : children_) {
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  children_.clear();
  cgroups_.reset();  // after the reaping: a cgroup with processes stays busy
}

}  // namespace betapool

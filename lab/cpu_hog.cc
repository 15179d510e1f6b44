#include "lab/cpu_hog.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

// The child of a multi-threaded process may only make async-signal-safe
// calls: it sets its death signal, checks its parent is still the one that
// forked it (else the signal came too late), and spins.
[[noreturn]] void spin_forever(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  volatile unsigned long counter = 0;
  for (;;) counter = counter + 1;
}

}  // namespace

absl::Status CpuHog::start() {
  if (running()) return absl::OkStatus();
  const pid_t parent = getpid();
  for (int i = 0; i < processes_; ++i) {
    const pid_t child = fork();
    if (child == 0) spin_forever(parent);
    if (child < 0) {
      const int error = errno;
      stop();
      return absl::ResourceExhaustedError(
          absl::StrCat("cpu_hog: fork of process ", i + 1, " of ", processes_,
                       " failed: ", std::strerror(error)));
    }
    children_.push_back(child);
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
}

}  // namespace betapool

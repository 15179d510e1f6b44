#include "lab/tenant_cgroups.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sensors/small_file.h"

namespace betapool {
namespace {

absl::Status write_file(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const bool written =
      fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int error = errno;
  if (fd >= 0) close(fd);
  if (written) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("tenant cgroups: cannot write \"", text,
                                                  "\" to ", path, ": ",
                                                  std::strerror(error)));
}

// A cgroup directory just emptied of processes can stay busy for a moment.
bool remove_dir(const std::string& path) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (rmdir(path.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Removes `dirs` in reverse order of creation; says on stderr what stays.
void remove_dirs(const std::vector<std::string>& dirs) {
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    if (!remove_dir(*it)) {
      std::cerr << "tenant cgroups: " << *it << " left behind: " << std::strerror(errno)
                << "\n";
    }
  }
}

// v2 only lets a child cgroup use the cpu controller when its parent
// delegates it.
absl::Status check_cpu_delegated(const std::string& parent) {
  const std::string file = parent + "/cgroup.subtree_control";
  absl::StatusOr<std::string> text = read_small_file(file);
  if (!text.ok()) return text.status();
  for (absl::string_view c : absl::StrSplit(absl::StripAsciiWhitespace(*text), ' ')) {
    if (c == "cpu") return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "tenant cgroups: cgroup v2 does not give the cpu controller to the children of ",
      parent, " (", file, " reads \"", absl::StripAsciiWhitespace(*text),
      "\"); enable it with: echo +cpu > ", file));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TenantCgroups>> TenantCgroups::create(
    const std::string& root) {
  absl::StatusOr<CgroupLocation> location = locate_cgroup(root);
  if (!location.ok()) return location.status();
  const CgroupVersion version = location->cpu.version;
  const std::string parent = location->cpu.dir.path();
  if (version == CgroupVersion::kV2) {
    if (absl::Status s = check_cpu_delegated(parent); !s.ok()) return s;
  }
  static std::atomic<int> serial{0};
  const std::string group =
      absl::StrCat(parent, "/betapool-lab-", getpid(), "-", serial.fetch_add(1));
  std::vector<std::string> made;
  const auto fail = [&](absl::Status s) {
    remove_dirs(made);
    return s;
  };
  for (const std::string& dir : {group, group + "/pool", group + "/tenant"}) {
    if (mkdir(dir.c_str(), 0755) != 0) {
      return fail(absl::PermissionDeniedError(absl::StrCat(
          "tenant cgroups: cannot create ", dir, ": ", std::strerror(errno))));
    }
    made.push_back(dir);
    if (dir == group && version == CgroupVersion::kV2) {
      if (absl::Status s = write_file(group + "/cgroup.subtree_control", "+cpu"); !s.ok()) {
        return fail(s);
      }
    }
  }
  // The kernel's default weights, written so that an inherited setting
  // cannot tilt the split.
  const auto [weight_file, weight] = version == CgroupVersion::kV1
                                         ? std::pair{"/cpu.shares", "1024"}
                                         : std::pair{"/cpu.weight", "100"};
  for (const char* child : {"/pool", "/tenant"}) {
    if (absl::Status s = write_file(group + child + weight_file, weight); !s.ok()) {
      return fail(s);
    }
  }
  if (absl::Status s = write_file(group + "/pool/cgroup.procs", absl::StrCat(getpid()));
      !s.ok()) {
    return fail(s);
  }
  return std::unique_ptr<TenantCgroups>(new TenantCgroups(version, parent, group));
}

TenantCgroups::~TenantCgroups() {
  if (absl::Status s = write_file(parent_ + "/cgroup.procs", absl::StrCat(getpid()));
      !s.ok()) {
    std::cerr << s.message() << "\n";
  }
  remove_dirs({group_, pool_dir(), tenant_dir()});
}

absl::Status TenantCgroups::add_tenant(pid_t pid) const {
  return write_file(tenant_dir() + "/cgroup.procs", absl::StrCat(pid));
}

}  // namespace betapool

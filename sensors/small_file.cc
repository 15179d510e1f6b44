#include "sensors/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace betapool {
namespace internal {
namespace {

absl::Status unavailable(const std::string& path, absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(path, ": ", what));
}

// Closes the descriptor on every return path.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

absl::StatusOr<std::optional<std::string>> read_file_if_exists(
    const std::string& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  Fd file{-1};
  do {
    file.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  } while (file.fd < 0 && errno == EINTR);
  if (file.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(file.fd, &st) != 0) {
    return unavailable(path, absl::StrCat("cannot stat: ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) return unavailable(path, "not a regular file");
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(file.fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // A cgroup removed between open and read reports ENODEV.
      return unavailable(path, absl::StrCat("cannot read: ", std::strerror(errno)));
    }
    if (n == 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxSmallFileBytes) {
      return unavailable(path,
                         absl::StrCat("larger than ", kMaxSmallFileBytes, " bytes"));
    }
  }
}

}  // namespace internal

absl::StatusOr<std::string> read_small_file(const std::string& path) {
  absl::StatusOr<std::optional<std::string>> text =
      internal::read_file_if_exists(path);
  if (!text.ok()) return text.status();
  if (!*text) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(ENOENT)));
  }
  return std::move(**text);
}

}  // namespace betapool

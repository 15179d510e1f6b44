// File: sensors/small_file.h
//
// The one way sensors read a kernel pseudo-file (/proc/stat, cgroup and PSI
// files): bounded and non-blocking, so a sensor documented never to throw or
// hang cannot be made to by a wrong path or a hostile tree. Kernel
// pseudo-files report size 0 or 4096 whatever they hold, so the reader
// reads to end of file, stopping with an error past `kMaxSmallFileBytes`
// (a /dev/zero would otherwise exhaust memory), and refuses anything but a
// regular file (a FIFO would block the sensor, and build(), forever).
//
// Example:
//   absl::StatusOr<std::optional<std::string>> text =
//       betapool::internal::read_file_if_exists("/proc/pressure/cpu");
//   if (text.ok() && *text) parse(**text);
#ifndef BETAPOOL_SENSORS_SMALL_FILE_H_
#define BETAPOOL_SENSORS_SMALL_FILE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace betapool {
namespace internal {

inline constexpr std::size_t kMaxSmallFileBytes = 4 << 20;

// The file's contents; nullopt if it (or a directory on its path) does not
// exist; Unavailable naming the path for any other failure: not a regular
// file, unreadable, or larger than kMaxSmallFileBytes.
absl::StatusOr<std::optional<std::string>> read_file_if_exists(
    const std::string& path);

}  // namespace internal

// As read_file_if_exists, with a missing file as Unavailable too.
absl::StatusOr<std::string> read_small_file(const std::string& path);

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_SMALL_FILE_H_

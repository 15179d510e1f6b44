// File: tests/sensors/fixture_tree.h
//
// FixtureTree: a temporary directory standing in for "/" in sensor tests
// (proc/self/cgroup, sys/fs/cgroup/...), removed with everything in it when
// the object goes away; plus ManualDuration, a settable clock for sensors
// that take a `std::function<absl::Duration()>`.
//
// Example:
//   FixtureTree t;
//   t.write("proc/self/cgroup", "0::/app\n");
//   CgroupCpuSensorOptions o;  o.root = t.root();
#ifndef BETAPOOL_TESTS_SENSORS_FIXTURE_TREE_H_
#define BETAPOOL_TESTS_SENSORS_FIXTURE_TREE_H_

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace betapool::fixture {

class FixtureTree {
 public:
  FixtureTree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                     "/betapool-fixture-XXXXXX");
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    root_ = pattern;
  }
  ~FixtureTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  FixtureTree(const FixtureTree&) = delete;
  FixtureTree& operator=(const FixtureTree&) = delete;

  const std::string& root() const { return root_; }
  std::string path(std::string_view rel) const {
    return absl::StrCat(root_, "/", std::string(rel));
  }

  // Creates or replaces a file (and its parent directories).
  void write(std::string_view rel, std::string_view contents) const {
    const std::filesystem::path p = path(rel);
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out) ADD_FAILURE() << "cannot write fixture " << p;
  }
  void mkdir(std::string_view rel) const {
    std::filesystem::create_directories(path(rel));
  }
  // Removes a file or a whole directory.
  void remove(std::string_view rel) const {
    std::error_code ec;
    std::filesystem::remove_all(path(rel), ec);
  }

 private:
  std::string root_;
};

// A /proc/[pid]/stat line with the given utime and stime (clock ticks).
inline std::string proc_pid_stat(uint64_t utime, uint64_t stime) {
  return absl::StrCat("4242 (bp worker) R 1 1 1 0 -1 4194304 0 0 0 0 ", utime,
                      " ", stime, " 0 0 20 0 3 0 100 0 0\n");
}

// A clock the test moves by hand.
class ManualDuration {
 public:
  void advance(absl::Duration d) { *now_ += d; }
  std::function<absl::Duration()> clock() const {
    auto now = now_;
    return [now] { return *now; };
  }

 private:
  std::shared_ptr<absl::Duration> now_ =
      std::make_shared<absl::Duration>(absl::Seconds(1000));
};

}  // namespace betapool::fixture

#endif  // BETAPOOL_TESTS_SENSORS_FIXTURE_TREE_H_

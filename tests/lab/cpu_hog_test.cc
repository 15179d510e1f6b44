#include "lab/cpu_hog.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sensors/cgroup_locator.h"

namespace betapool {
namespace {

// The child's state letter in /proc/<pid>/stat ('R' running, 'Z' zombie...),
// or "" once it is gone.
std::string process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return "";
  const size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? ""
                                                                : line.substr(paren + 2, 1);
}

TEST(CpuHogTest, StartsSpinningChildrenAndReapsThemOnStop) {
  CpuHog hog(2);
  EXPECT_FALSE(hog.running());
  ASSERT_TRUE(hog.start().ok());
  ASSERT_EQ(hog.children().size(), 2u);
  const std::vector<pid_t> children = hog.children();
  for (pid_t child : children) {
    // Alive and ours: waitpid with WNOHANG finds it not yet exited.
    EXPECT_EQ(waitpid(child, nullptr, WNOHANG), 0);
    EXPECT_NE(process_state(child), "Z");
  }
  EXPECT_TRUE(hog.start().ok());  // already running: no second set
  EXPECT_EQ(hog.children(), children);
  hog.stop();
  EXPECT_FALSE(hog.running());
  for (pid_t child : children) {
    // Reaped: no longer our child, and no zombie left behind.
    EXPECT_EQ(waitpid(child, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
  }
}

// The cgroup path of `pid`'s CPU hierarchy as /proc/<pid>/cgroup gives it
// (the v1 "cpu" line, else the v2 "0::" line).
std::string cpu_cgroup_of(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/cgroup");
  std::string line, v2;
  while (std::getline(in, line)) {
    const size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (controllers.empty()) v2 = path;
    for (size_t at = 0; at <= controllers.size();) {
      size_t comma = controllers.find(',', at);
      if (comma == std::string::npos) comma = controllers.size();
      if (controllers.substr(at, comma - at) == "cpu") return path;
      at = comma + 1;
    }
  }
  return v2;
}

TEST(CpuHogTest, OwnCgroupPutsTheChildrenBesideThePoolAndUndoesIt) {
  {
    // Only where this process may create cgroups (root, or a delegated
    // subtree); elsewhere the lab reports the same error and stops.
    absl::StatusOr<std::unique_ptr<TenantCgroups>> probe = TenantCgroups::create();
    if (!probe.ok()) GTEST_SKIP() << probe.status();
  }
  const std::string me = absl::StrCat(getpid());
  const std::string before = cpu_cgroup_of(me);
  CpuHog hog(2, /*own_cgroup=*/true);
  ASSERT_TRUE(hog.start().ok());
  ASSERT_EQ(hog.children().size(), 2u);
  const std::string pool = cpu_cgroup_of(me);
  EXPECT_THAT(pool, ::testing::MatchesRegex(".*/betapool-lab-[0-9]+-[0-9]+/pool"));
  const std::string group = pool.substr(0, pool.size() - std::string("/pool").size());
  for (pid_t child : hog.children()) {
    EXPECT_EQ(cpu_cgroup_of(absl::StrCat(child)), group + "/tenant");
  }
  hog.stop();
  EXPECT_EQ(cpu_cgroup_of(me), before);
  absl::StatusOr<CgroupLocation> where = locate_cgroup();
  ASSERT_TRUE(where.ok()) << where.status();
  EXPECT_FALSE(std::filesystem::exists(where->cpu.dir.mount_point + group));
}

TEST(CpuHogTest, OutlivesTheThreadThatStartedIt) {
  // The lab starts the tenant from a helper thread that returns at once; a
  // death signal tied to that thread (PR_SET_PDEATHSIG) killed the children
  // whenever they set it before the thread ended.
  CpuHog hog(2);
  absl::Status started;
  std::thread starter([&] { started = hog.start(); });
  starter.join();
  ASSERT_TRUE(started.ok()) << started;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (pid_t child : hog.children()) {
    EXPECT_EQ(waitpid(child, nullptr, WNOHANG), 0) << "child " << child << " died";
    EXPECT_NE(process_state(child), "Z");
  }
  hog.stop();
}

TEST(CpuHogTest, ZeroProcessesIsNoHog) {
  CpuHog hog(0);
  ASSERT_TRUE(hog.start().ok());
  EXPECT_FALSE(hog.running());
  hog.stop();
}

TEST(CpuHogTest, DestructorStopsTheChildren) {
  std::vector<pid_t> children;
  {
    CpuHog hog(1);
    ASSERT_TRUE(hog.start().ok());
    children = hog.children();
  }
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(waitpid(children[0], nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace betapool

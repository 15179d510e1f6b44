#include "lab/cpu_hog.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

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

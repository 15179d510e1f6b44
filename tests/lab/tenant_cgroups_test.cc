// TenantCgroups on fixture trees: the directories, weights and process
// moves it writes for cgroup v1 and v2, and the errors that name what
// failed. (The real split of the CPUs needs the right to create cgroups;
// the lab's --cpu_hog_cgroup run shows it.)
#include "lab/tenant_cgroups.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kV1Mounts[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";
constexpr char kV2Mounts[] =
    "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

// A v2 tree where the process is in /svc, whose children get `controllers`.
void v2_tree(const FixtureTree& t, const std::string& controllers) {
  t.write("proc/self/cgroup", "0::/svc\n");
  t.write("proc/self/mountinfo", kV2Mounts);
  t.write("sys/fs/cgroup/svc/cgroup.subtree_control", controllers);
}

std::string contents(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TenantCgroupsTest, V1MakesTwoEqualSiblingsAndMovesTheLabIntoPool) {
  FixtureTree t;
  t.write("proc/self/cgroup", "1:cpu:/svc\n");
  t.write("proc/self/mountinfo", kV1Mounts);
  t.mkdir("sys/fs/cgroup/cpu/svc");
  const std::string parent = t.path("sys/fs/cgroup/cpu/svc");
  const std::string me = absl::StrCat(getpid());
  {
    absl::StatusOr<std::unique_ptr<TenantCgroups>> g = TenantCgroups::create(t.root());
    ASSERT_TRUE(g.ok()) << g.status();
    EXPECT_EQ((*g)->version(), CgroupVersion::kV1);
    EXPECT_EQ((*g)->parent_dir(), parent);
    EXPECT_THAT((*g)->group_dir(), StartsWith(parent + "/betapool-lab-" + me + "-"));
    EXPECT_EQ(contents((*g)->pool_dir() + "/cpu.shares"), "1024");
    EXPECT_EQ(contents((*g)->tenant_dir() + "/cpu.shares"), "1024");
    EXPECT_EQ(contents((*g)->pool_dir() + "/cgroup.procs"), me);
    ASSERT_TRUE((*g)->add_tenant(4242).ok());
    EXPECT_EQ(contents((*g)->tenant_dir() + "/cgroup.procs"), "4242");
    EXPECT_FALSE(std::filesystem::exists(parent + "/cgroup.procs"));
  }
  // Gone: the lab is written back to the cgroup it came from.
  EXPECT_EQ(contents(parent + "/cgroup.procs"), me);
}

TEST(TenantCgroupsTest, V2DelegatesTheCpuControllerAndSetsEqualWeights) {
  FixtureTree t;
  v2_tree(t, "cpuset cpu io\n");
  absl::StatusOr<std::unique_ptr<TenantCgroups>> g = TenantCgroups::create(t.root());
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ((*g)->version(), CgroupVersion::kV2);
  EXPECT_EQ(contents((*g)->group_dir() + "/cgroup.subtree_control"), "+cpu");
  EXPECT_EQ(contents((*g)->pool_dir() + "/cpu.weight"), "100");
  EXPECT_EQ(contents((*g)->tenant_dir() + "/cpu.weight"), "100");
  EXPECT_EQ(contents((*g)->pool_dir() + "/cgroup.procs"), absl::StrCat(getpid()));
}

TEST(TenantCgroupsTest, V2WithoutTheCpuControllerSaysHowToEnableIt) {
  FixtureTree t;
  v2_tree(t, "memory pids\n");
  absl::StatusOr<std::unique_ptr<TenantCgroups>> g = TenantCgroups::create(t.root());
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("reads \"memory pids\""));
  EXPECT_THAT(g.status().message(),
              HasSubstr("echo +cpu > " + t.path("sys/fs/cgroup/svc/cgroup.subtree_control")));
  // Nothing was created.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(t.path("sys/fs/cgroup/svc")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(TenantCgroupsTest, AMissingHierarchyNamesTheDirectoryItCouldNotCreate) {
  FixtureTree t;
  t.write("proc/self/cgroup", "1:cpu:/svc\n");
  t.write("proc/self/mountinfo", kV1Mounts);  // no sys/fs/cgroup/cpu in the tree
  absl::StatusOr<std::unique_ptr<TenantCgroups>> g = TenantCgroups::create(t.root());
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(),
              HasSubstr("cannot create " + t.path("sys/fs/cgroup/cpu/betapool-lab-")));
  EXPECT_THAT(g.status().message(), HasSubstr("No such file or directory"));
}

}  // namespace
}  // namespace betapool

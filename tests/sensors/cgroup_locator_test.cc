// Finding the process's cgroup (v1, v2, hybrid, containers with and without
// a cgroup namespace) and reading the limits that apply to it (nested
// quotas, "max", v1 -1, missing and malformed files), on fixture trees.
#include "sensors/cgroup_locator.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kV2Mounts[] =
    "22 1 0:21 / /proc rw,relatime - proc proc rw\n"
    "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

constexpr char kHybridMounts[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

std::vector<ProcCgroupEntry> cgroups(const std::string& text) {
  absl::StatusOr<std::vector<ProcCgroupEntry>> e = parse_proc_cgroup(text);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? *e : std::vector<ProcCgroupEntry>{};
}

std::vector<MountInfoEntry> mounts(const std::string& text) {
  absl::StatusOr<std::vector<MountInfoEntry>> m = parse_mountinfo(text);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : std::vector<MountInfoEntry>{};
}

TEST(CgroupDirTest, SelfAndAncestorsStopAtTheMount) {
  EXPECT_THAT((CgroupDir{"/m", "/a/b"}.self_and_ancestors()),
              ElementsAre("/m/a/b", "/m/a", "/m"));
  EXPECT_THAT((CgroupDir{"/m", ""}.self_and_ancestors()), ElementsAre("/m"));
}

TEST(ResolveCgroupLocationTest, PureV2) {
  absl::StatusOr<CgroupLocation> loc = resolve_cgroup_location(
      cgroups("0::/kubepods/pod1/ctr\n"), mounts(kV2Mounts));
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.version, CgroupVersion::kV2);
  EXPECT_EQ(loc->cpu.dir.path(), "/sys/fs/cgroup/kubepods/pod1/ctr");
  ASSERT_TRUE(loc->usage.has_value());
  EXPECT_EQ(loc->usage->version, CgroupVersion::kV2);
  EXPECT_EQ(loc->usage->dir.path(), "/sys/fs/cgroup/kubepods/pod1/ctr");
  ASSERT_TRUE(loc->cpuset.has_value());
  EXPECT_EQ(loc->cpuset->version, CgroupVersion::kV2);
  ASSERT_TRUE(loc->unified.has_value());
  EXPECT_EQ(loc->unified->path(), "/sys/fs/cgroup/kubepods/pod1/ctr");
}

TEST(ResolveCgroupLocationTest, HybridUsesV1ForCpuAndV2ForPressure) {
  // This machine's layout: cpu, cpuacct and cpuset on v1, an empty unified
  // hierarchy that still carries cpu.pressure.
  absl::StatusOr<CgroupLocation> loc = resolve_cgroup_location(
      cgroups("9:name=systemd:/\n4:memory:/p/a\n3:cpuset:/\n2:cpuacct:/\n"
              "1:cpu:/\n0::/\n"),
      mounts(kHybridMounts));
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.version, CgroupVersion::kV1);
  EXPECT_EQ(loc->cpu.dir.path(), "/sys/fs/cgroup/cpu");
  ASSERT_TRUE(loc->usage.has_value());
  EXPECT_EQ(loc->usage->version, CgroupVersion::kV1);
  EXPECT_EQ(loc->usage->dir.path(), "/sys/fs/cgroup/cpuacct");
  ASSERT_TRUE(loc->cpuset.has_value());
  EXPECT_EQ(loc->cpuset->version, CgroupVersion::kV1);
  EXPECT_EQ(loc->cpuset->dir.path(), "/sys/fs/cgroup/cpuset");
  ASSERT_TRUE(loc->unified.has_value());
  EXPECT_EQ(loc->unified->path(), "/sys/fs/cgroup/unified");
}

TEST(ResolveCgroupLocationTest, DockerWithoutCgroupNamespaceSeesItsOwnCgroup) {
  // /proc/self/cgroup names the host path; the container's mount root is
  // that same cgroup, so the files are at the mount point itself.
  absl::StatusOr<CgroupLocation> loc = resolve_cgroup_location(
      cgroups("4:cpu,cpuacct:/docker/abc\n3:cpuset:/docker/abc\n"),
      mounts("50 40 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup "
             "cgroup rw,cpu,cpuacct\n"
             "51 40 0:31 /docker/abc /sys/fs/cgroup/cpuset ro - cgroup cgroup "
             "rw,cpuset\n"));
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.dir.path(), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(loc->cpu.dir.relative, "");
  EXPECT_EQ(loc->usage->dir.path(), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(loc->cpuset->dir.path(), "/sys/fs/cgroup/cpuset");
  EXPECT_FALSE(loc->unified.has_value());
}

TEST(ResolveCgroupLocationTest, SubtreeMountAndForeignPaths) {
  // A cgroup below the mount's root keeps the part below it.
  absl::StatusOr<CgroupLocation> below = resolve_cgroup_location(
      cgroups("0::/docker/abc/worker\n"),
      mounts("50 40 0:29 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"));
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(below->cpu.dir.path(), "/sys/fs/cgroup/worker");
  // A path not below the mount root (moved after the namespace was made)
  // resolves to the mount, the only cgroup the process can see.
  absl::StatusOr<CgroupLocation> foreign = resolve_cgroup_location(
      cgroups("0::/../other\n"),
      mounts("50 40 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"));
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(foreign->cpu.dir.path(), "/sys/fs/cgroup");
}

TEST(ResolveCgroupLocationTest, PrefersTheMountWhoseRootIsTheLongestPrefix) {
  absl::StatusOr<CgroupLocation> loc = resolve_cgroup_location(
      cgroups("0::/a/b/c\n"),
      mounts("50 40 0:29 / /host rw - cgroup2 cgroup2 rw\n"
             "51 40 0:29 /a/b /mine rw - cgroup2 cgroup2 rw\n"
             "52 40 0:29 /x /other rw - cgroup2 cgroup2 rw\n"));
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->cpu.dir.path(), "/mine/c");
  EXPECT_THAT(loc->cpu.dir.self_and_ancestors(), ElementsAre("/mine/c", "/mine"));
}

TEST(ResolveCgroupLocationTest, FallsBackToTheStandardLayout) {
  absl::StatusOr<CgroupLocation> v2 =
      resolve_cgroup_location(cgroups("0::/app\n"), {});
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->cpu.dir.path(), "/sys/fs/cgroup/app");
  absl::StatusOr<CgroupLocation> v1 =
      resolve_cgroup_location(cgroups("2:cpu,cpuacct:/app\n"), {});
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->cpu.dir.path(), "/sys/fs/cgroup/cpu/app");
  EXPECT_EQ(v1->usage->dir.path(), "/sys/fs/cgroup/cpuacct/app");
}

TEST(ResolveCgroupLocationTest, NoCpuControllerIsNotFound) {
  absl::StatusOr<CgroupLocation> loc =
      resolve_cgroup_location(cgroups("4:memory:/x\n"), {});
  EXPECT_EQ(loc.status().code(), absl::StatusCode::kNotFound);
  // v1 cpu without cpuacct and without v2: no usage counter.
  absl::StatusOr<CgroupLocation> no_acct =
      resolve_cgroup_location(cgroups("1:cpu:/\n"), {});
  ASSERT_TRUE(no_acct.ok());
  EXPECT_FALSE(no_acct->usage.has_value());
}

TEST(LocateCgroupTest, ReadsUnderTheRootAndFallsBackToTheMountPoint) {
  FixtureTree t;
  t.write("proc/self/cgroup", "0::/svc/app\n");
  t.write("proc/self/mountinfo", kV2Mounts);
  t.mkdir("sys/fs/cgroup/svc/app");
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(t.root());
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.dir.path(), t.path("sys/fs/cgroup/svc/app"));
  // The cgroup directory is not visible: the mount point is used.
  t.remove("sys/fs/cgroup/svc");
  t.mkdir("sys/fs/cgroup");
  loc = locate_cgroup(t.root());
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.dir.path(), t.path("sys/fs/cgroup"));
}

TEST(LocateCgroupTest, MissingOrMalformedProcSelfCgroup) {
  FixtureTree t;
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(t.root());
  ASSERT_FALSE(loc.ok());
  EXPECT_THAT(std::string(loc.status().message()),
              HasSubstr("proc/self/cgroup"));
  t.write("proc/self/cgroup", "garbage\n");
  loc = locate_cgroup(t.root());
  ASSERT_FALSE(loc.ok());
  EXPECT_EQ(loc.status().code(), absl::StatusCode::kInvalidArgument);
  // A malformed mountinfo is not fatal: the standard layout is assumed.
  t.write("proc/self/cgroup", "0::/\n");
  t.write("proc/self/mountinfo", "nonsense\n");
  loc = locate_cgroup(t.root());
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.dir.path(), t.path("sys/fs/cgroup"));
}

// A v2 location rooted in a fixture: /sys/fs/cgroup/kubepods/pod/ctr.
CgroupLocation v2_location(const FixtureTree& t) {
  t.write("proc/self/cgroup", "0::/kubepods/pod/ctr\n");
  t.write("proc/self/mountinfo", kV2Mounts);
  t.mkdir("sys/fs/cgroup/kubepods/pod/ctr");
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(t.root());
  EXPECT_TRUE(loc.ok()) << loc.status();
  return *loc;
}

TEST(ReadCgroupLimitsTest, NestedV2QuotasTakeTheTightest) {
  FixtureTree t;
  const CgroupLocation loc = v2_location(t);
  t.write("sys/fs/cgroup/kubepods/cpu.max", "400000 100000\n");
  t.write("sys/fs/cgroup/kubepods/pod/cpu.max", "200000 100000\n");
  t.write("sys/fs/cgroup/kubepods/pod/ctr/cpu.max", "max 100000\n");
  t.write("sys/fs/cgroup/cpuset.cpus.effective", "0-7\n");
  absl::StatusOr<CgroupLimits> lim = read_cgroup_limits(loc);
  ASSERT_TRUE(lim.ok()) << lim.status();
  EXPECT_DOUBLE_EQ(*lim->quota_cpus, 2.0);
  EXPECT_THAT(lim->quota_dirs,
              ElementsAre(t.path("sys/fs/cgroup/kubepods/pod"),
                          t.path("sys/fs/cgroup/kubepods")));
  // The cpuset comes from the nearest cgroup that has one (the root here).
  ASSERT_TRUE(lim->cpuset.has_value());
  EXPECT_EQ(lim->cpuset->size(), 8u);

  // The container's own quota is tighter.
  t.write("sys/fs/cgroup/kubepods/pod/ctr/cpu.max", "50000 100000\n");
  t.write("sys/fs/cgroup/kubepods/pod/ctr/cpuset.cpus.effective", "2-3\n");
  lim = read_cgroup_limits(loc);
  ASSERT_TRUE(lim.ok()) << lim.status();
  EXPECT_DOUBLE_EQ(*lim->quota_cpus, 0.5);
  EXPECT_EQ(lim->quota_dirs.size(), 3u);
  EXPECT_THAT(*lim->cpuset, ElementsAre(2, 3));
}

TEST(ReadCgroupLimitsTest, MaxEverywhereOrNoFilesMeansNoQuota) {
  FixtureTree t;
  const CgroupLocation loc = v2_location(t);
  absl::StatusOr<CgroupLimits> lim = read_cgroup_limits(loc);
  ASSERT_TRUE(lim.ok()) << lim.status();
  EXPECT_FALSE(lim->quota_cpus.has_value());
  EXPECT_FALSE(lim->cpuset.has_value());
  t.write("sys/fs/cgroup/kubepods/pod/cpu.max", "max 100000\n");
  lim = read_cgroup_limits(loc);
  ASSERT_TRUE(lim.ok());
  EXPECT_FALSE(lim->quota_cpus.has_value());
  EXPECT_TRUE(lim->quota_dirs.empty());
}

TEST(ReadCgroupLimitsTest, MalformedFilesAreErrorsNamingThem) {
  FixtureTree t;
  const CgroupLocation loc = v2_location(t);
  t.write("sys/fs/cgroup/kubepods/cpu.max", "lots 100000\n");
  absl::StatusOr<CgroupLimits> lim = read_cgroup_limits(loc);
  ASSERT_FALSE(lim.ok());
  EXPECT_THAT(std::string(lim.status().message()),
              HasSubstr("kubepods/cpu.max"));
  EXPECT_THAT(std::string(lim.status().message()), HasSubstr("'lots'"));
  t.write("sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
  t.write("sys/fs/cgroup/kubepods/pod/ctr/cpuset.cpus.effective", "0-x\n");
  lim = read_cgroup_limits(loc);
  ASSERT_FALSE(lim.ok());
  EXPECT_THAT(std::string(lim.status().message()),
              HasSubstr("cpuset.cpus.effective"));
}

TEST(ReadCgroupLimitsTest, V1QuotaAndCpuset) {
  FixtureTree t;
  t.write("proc/self/cgroup", "3:cpuset:/grp\n2:cpu,cpuacct:/grp/job\n");
  t.write("proc/self/mountinfo",
          "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
          "rw,cpu,cpuacct\n"
          "34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/grp/cpu.cfs_quota_us", "300000\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/grp/cpu.cfs_period_us", "100000\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/grp/job/cpu.cfs_quota_us", "-1\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/grp/job/cpu.cfs_period_us", "100000\n");
  // v1 child cpusets start empty; the parent's applies.
  t.write("sys/fs/cgroup/cpuset/grp/cpuset.effective_cpus", "\n");
  t.write("sys/fs/cgroup/cpuset/cpuset.effective_cpus", "0-3\n");
  absl::StatusOr<CgroupLocation> loc = locate_cgroup(t.root());
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->cpu.version, CgroupVersion::kV1);
  absl::StatusOr<CgroupLimits> lim = read_cgroup_limits(*loc);
  ASSERT_TRUE(lim.ok()) << lim.status();
  EXPECT_DOUBLE_EQ(*lim->quota_cpus, 3.0);
  EXPECT_THAT(lim->quota_dirs,
              ElementsAre(t.path("sys/fs/cgroup/cpu,cpuacct/grp")));
  EXPECT_THAT(*lim->cpuset, ElementsAre(0, 1, 2, 3));

  // A quota without its period is an error, not a guess.
  t.remove("sys/fs/cgroup/cpu,cpuacct/grp/cpu.cfs_period_us");
  lim = read_cgroup_limits(*loc);
  ASSERT_FALSE(lim.ok());
  EXPECT_THAT(std::string(lim.status().message()), HasSubstr("cfs_period_us"));
}

}  // namespace
}  // namespace betapool

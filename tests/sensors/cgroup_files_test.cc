// The pure parsers of sensors/cgroup_files.h: real kernel formats (taken
// from Linux 6.x v1, v2 and hybrid hosts), and malformed input that must be
// an error naming the file and the bad text, never a crash or a guess.
#include "sensors/cgroup_files.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseProcCgroupTest, HybridHost) {
  absl::StatusOr<std::vector<ProcCgroupEntry>> e = parse_proc_cgroup(
      "9:name=systemd:/\n4:memory:/process_api/a2a4\n2:cpu,cpuacct:/x:y\n"
      "0::/\n");
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_EQ(e->size(), 4u);
  EXPECT_EQ((*e)[0].hierarchy_id, 9);
  EXPECT_THAT((*e)[0].controllers, ElementsAre("name=systemd"));
  EXPECT_THAT((*e)[2].controllers, ElementsAre("cpu", "cpuacct"));
  EXPECT_EQ((*e)[2].path, "/x:y");  // the path keeps its own colons
  EXPECT_EQ((*e)[3].hierarchy_id, 0);
  EXPECT_THAT((*e)[3].controllers, IsEmpty());
  EXPECT_EQ((*e)[3].path, "/");
}

TEST(ParseProcCgroupTest, RejectsMalformedLines) {
  EXPECT_FALSE(parse_proc_cgroup("").ok());
  EXPECT_FALSE(parse_proc_cgroup("\n\n").ok());
  EXPECT_THAT(std::string(parse_proc_cgroup("0:/").status().message()),
              HasSubstr("line 1"));
  EXPECT_THAT(std::string(parse_proc_cgroup("x::/").status().message()),
              HasSubstr("not a number"));
  EXPECT_FALSE(parse_proc_cgroup("-1::/").ok());
  EXPECT_THAT(std::string(parse_proc_cgroup("0::relative").status().message()),
              HasSubstr("not absolute"));
}

TEST(ParseMountinfoTest, CgroupMountsWithOptionalFieldsAndEscapes) {
  const std::string text =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw,nosuid "
      "shared:9 master:2 - cgroup cgroup rw,cpu,cpuacct\n"
      "41 31 0:38 / /sys/fs/cgroup/my\\040dir rw - cgroup2 cgroup2 rw,nsdelegate\n";
  absl::StatusOr<std::vector<MountInfoEntry>> m = parse_mountinfo(text);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[1].root, "/docker/abc");
  EXPECT_EQ((*m)[1].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ((*m)[1].fs_type, "cgroup");
  EXPECT_THAT((*m)[1].super_options, ElementsAre("rw", "cpu", "cpuacct"));
  EXPECT_EQ((*m)[2].mount_point, "/sys/fs/cgroup/my dir");
  EXPECT_EQ((*m)[2].fs_type, "cgroup2");
}

TEST(ParseMountinfoTest, RejectsLinesWithoutTheSeparator) {
  absl::StatusOr<std::vector<MountInfoEntry>> m =
      parse_mountinfo("31 23 0:28 / /sys rw\n1 2 3 / /x rw - cgroup2\n");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(std::string(m.status().message()), HasSubstr("line 1"));
  EXPECT_FALSE(parse_mountinfo("1 2 3 / /x rw - cgroup2\n").ok());
  // A trailing backslash or a short escape is kept as text, not overread.
  absl::StatusOr<std::vector<MountInfoEntry>> odd =
      parse_mountinfo("1 2 3 / /a\\04 rw - cgroup2 c rw\n");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ((*odd)[0].mount_point, "/a\\04");
}

TEST(ParseCpuMaxTest, QuotaPeriodAndMax) {
  absl::StatusOr<CpuQuota> q = parse_cpu_max("150000 100000\n");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->quota_us, 150000);
  EXPECT_EQ(q->period_us, 100000);
  EXPECT_DOUBLE_EQ(*q->cpus(), 1.5);

  absl::StatusOr<CpuQuota> unlimited = parse_cpu_max("max 100000\n");
  ASSERT_TRUE(unlimited.ok());
  EXPECT_FALSE(unlimited->cpus().has_value());

  absl::StatusOr<CpuQuota> lone = parse_cpu_max("50000");
  ASSERT_TRUE(lone.ok());
  EXPECT_DOUBLE_EQ(*lone->cpus(), 0.5);
}

TEST(ParseCpuMaxTest, RejectsMalformedNumbers) {
  for (const char* bad : {"", "\n", "abc 100000", "100000 abc", "0 100000",
                          "-5 100000", "100 0", "max -1", "1 2 3",
                          "99999999999999999999 100000", "1.5 100000"}) {
    absl::StatusOr<CpuQuota> q = parse_cpu_max(bad);
    EXPECT_FALSE(q.ok()) << "'" << bad << "'";
    EXPECT_THAT(std::string(q.status().message()), HasSubstr("cpu.max"));
  }
}

TEST(ParseCfsQuotaTest, V1Files) {
  absl::StatusOr<CpuQuota> q = parse_cfs_quota("50000\n", "100000\n");
  ASSERT_TRUE(q.ok());
  EXPECT_DOUBLE_EQ(*q->cpus(), 0.5);
  absl::StatusOr<CpuQuota> unlimited = parse_cfs_quota("-1\n", "100000\n");
  ASSERT_TRUE(unlimited.ok());
  EXPECT_FALSE(unlimited->cpus().has_value());
  EXPECT_THAT(std::string(parse_cfs_quota("-2", "100000").status().message()),
              HasSubstr("cfs_quota_us"));
  EXPECT_THAT(std::string(parse_cfs_quota("0", "100000").status().message()),
              HasSubstr("cfs_quota_us"));
  EXPECT_THAT(std::string(parse_cfs_quota("5000", "").status().message()),
              HasSubstr("cfs_period_us"));
  EXPECT_FALSE(parse_cfs_quota("5000", "x").ok());
}

TEST(ParseCpuListTest, RangesSinglesAndEmpty) {
  EXPECT_THAT(*parse_cpu_list("0-3,8,10-11\n"),
              ElementsAre(0, 1, 2, 3, 8, 10, 11));
  EXPECT_THAT(*parse_cpu_list("3,1-2,2"), ElementsAre(1, 2, 3));
  EXPECT_THAT(*parse_cpu_list("\n"), IsEmpty());
  EXPECT_THAT(*parse_cpu_list("5"), ElementsAre(5));
}

TEST(ParseCpuListTest, RejectsBadItemsAndHugeRanges) {
  for (const char* bad : {"a", "1-", "-1", "3-1", "1,,2", "0-70000",
                          "1-2-3", "0x1"}) {
    EXPECT_FALSE(parse_cpu_list(bad).ok()) << "'" << bad << "'";
  }
  // The largest accepted range stays bounded.
  absl::StatusOr<std::vector<int>> all =
      parse_cpu_list("0-65535,0-65535,0-65535");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 65536u);
}

TEST(ParseFlatKeyedTest, CpuStat) {
  auto v = parse_flat_keyed(
      "usage_usec 115450656\nuser_usec 79042897\nnr_periods 12\n"
      "nr_throttled 3\nthrottled_usec 45000\n",
      "cpu.stat");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->at("usage_usec"), 115450656u);
  EXPECT_EQ(v->at("nr_throttled"), 3u);
  auto bad = parse_flat_keyed("usage_usec 12\nnr_periods x\n", "cpu.stat");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("cpu.stat line 2"));
  EXPECT_FALSE(parse_flat_keyed("usage_usec -1\n", "cpu.stat").ok());
  EXPECT_FALSE(parse_flat_keyed("usage_usec 1 2\n", "cpu.stat").ok());
}

TEST(ParseSingleUintTest, CpuacctUsage) {
  EXPECT_EQ(*parse_single_uint("118608088286\n", "cpuacct.usage"),
            118608088286u);
  absl::StatusOr<uint64_t> bad = parse_single_uint("12a\n", "cpuacct.usage");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("cpuacct.usage"));
  EXPECT_FALSE(parse_single_uint("", "cpuacct.usage").ok());
}

TEST(CgroupParsersTest, LongJunkIsShortenedInMessages) {
  const std::string junk(100000, 'z');
  absl::StatusOr<CpuQuota> q = parse_cpu_max(junk);
  ASSERT_FALSE(q.ok());
  EXPECT_LT(q.status().message().size(), 200u);
}

}  // namespace
}  // namespace betapool

// The pure parsers of sensors/cgroup_files.h: real kernel formats (taken
// from Linux 6.x v1, v2 and hybrid hosts), and malformed input that must be
// an error naming the file and the bad text, never a crash or a guess.
#include "sensors/cgroup_files.h"

#include <algorithm>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sensors/pressure_sensor.h"

namespace betapool {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

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

// Quoted junk follows the one echo rule (core/echoed_text.h): its size is
// stated, and the cut never splits a UTF-8 character.
TEST(CgroupParsersTest, JunkIsEchoedByTheSharedRule) {
  std::string wide = "x";
  for (int i = 0; i < 100; ++i) wide += "\xc3\xa9";  // 201 bytes
  for (const absl::Status& s :
       {parse_cpu_max(wide).status(),
        parse_psi_cpu("some avg10=" + wide).status(),
        parse_psi_cpu("some avg10=1 total=" + wide).status(),
        parse_psi_cpu(wide + " avg10=1").status()}) {
    const std::string m(s.message());
    EXPECT_THAT(m, HasSubstr("(201 bytes)"));
    EXPECT_THAT(m, Not(HasSubstr("\xc3...")));
  }
}

// Mutated real files, fixed seed: every parser must return (ok or an
// error), never crash or read out of bounds (run under ASan in CI), and an
// "ok" must satisfy the parser's own invariants.
TEST(CgroupParsersTest, MutatedInputsNeverCrash) {
  const std::vector<std::string> seeds = {
      "0::/kubepods/pod/ctr\n4:cpu,cpuacct:/docker/abc\n",
      "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw shared:9 - cgroup "
      "cgroup rw,cpu,cpuacct\n41 31 0:38 / /a\\040b rw - cgroup2 c rw\n",
      "150000 100000\n", "max 100000\n", "-1\n", "0-3,8,10-11\n",
      "usage_usec 115450656\nnr_periods 12\nnr_throttled 3\n",
      "some avg10=2.24 avg60=3.15 avg300=2.70 total=16305849\n"
      "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"};
  const std::string alphabet = "0123456789-,: =/\\\n\tmaxsomeavg.()";
  std::mt19937 rng(20240611);
  for (int i = 0; i < 3000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 4) {
        case 0: s[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(at, 1 + rng() % 8); break;
        case 2: s.insert(at, 1, static_cast<char>(rng() % 256)); break;
        default: s = s.substr(0, at); break;
      }
    }
    (void)parse_proc_cgroup(s);
    (void)parse_mountinfo(s);
    if (absl::StatusOr<CpuQuota> q = parse_cpu_max(s); q.ok()) {
      EXPECT_GT(q->period_us, 0) << s;
      if (q->quota_us) {
        EXPECT_GT(*q->quota_us, 0) << s;
      }
    }
    (void)parse_cfs_quota(s, s);
    if (absl::StatusOr<std::vector<int>> c = parse_cpu_list(s); c.ok()) {
      EXPECT_TRUE(std::is_sorted(c->begin(), c->end())) << s;
      if (!c->empty()) {
        EXPECT_LE(c->back(), kMaxCpuId) << s;
      }
    }
    (void)parse_flat_keyed(s, "cpu.stat");
    (void)parse_single_uint(s, "cpuacct.usage");
    if (absl::StatusOr<PsiCpu> p = parse_psi_cpu(s); p.ok()) {
      EXPECT_GE(p->some.avg10, 0.0) << s;
      EXPECT_LE(p->some.avg10, 100.0) << s;
    }
  }
}

}  // namespace
}  // namespace betapool

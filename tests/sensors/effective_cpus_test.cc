// The effective-CPU rule (affinity ∩ cpuset, capped by the quota, rounded
// up) and reading it for a process on fixture trees and on this machine.
#include "sensors/effective_cpus.h"

#include <sched.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;

TEST(CombineEffectiveCpusTest, AffinityIntersectsTheCpuset) {
  const EffectiveCpus e =
      combine_effective_cpus({0, 1, 2, 3, 4, 5, 6, 7}, std::vector<int>{2, 3, 9},
                             std::nullopt);
  EXPECT_EQ(e.affinity_cpus, 8);
  EXPECT_EQ(e.cpuset_cpus, 3);
  EXPECT_EQ(e.usable_cpus, 2);  // {2, 3}
  EXPECT_DOUBLE_EQ(e.capacity, 2.0);
  EXPECT_EQ(e.count, 2);
}

TEST(CombineEffectiveCpusTest, TheQuotaCapsAndIsRoundedUp) {
  const std::vector<int> four{0, 1, 2, 3};
  EffectiveCpus e = combine_effective_cpus(four, std::nullopt, 1.5);
  EXPECT_DOUBLE_EQ(e.capacity, 1.5);
  EXPECT_EQ(e.count, 2);
  e = combine_effective_cpus(four, std::nullopt, 0.3);
  EXPECT_DOUBLE_EQ(e.capacity, 0.3);
  EXPECT_EQ(e.count, 1);
  e = combine_effective_cpus(four, std::nullopt, 2.0);
  EXPECT_EQ(e.count, 2);  // exactly 2, not 3
  // A quota above the CPUs available does not add CPUs.
  e = combine_effective_cpus(four, std::nullopt, 64.0);
  EXPECT_DOUBLE_EQ(e.capacity, 4.0);
  EXPECT_EQ(e.count, 4);
  EXPECT_DOUBLE_EQ(*e.quota_cpus, 64.0);
}

TEST(CombineEffectiveCpusTest, DisjointCpusetOrEmptyAffinityNeverGivesZero) {
  EffectiveCpus e = combine_effective_cpus({0, 1}, std::vector<int>{5, 6},
                                           std::nullopt);
  EXPECT_EQ(e.usable_cpus, 2);
  EXPECT_EQ(e.count, 2);
  e = combine_effective_cpus({}, std::nullopt, std::nullopt);
  EXPECT_EQ(e.count, 1);
  EXPECT_GT(e.capacity, 0.0);
}

TEST(ReadEffectiveCpusTest, AContainerWithAQuotaOnABigHost) {
  FixtureTree t;
  t.write("proc/self/cgroup", "0::/ctr\n");
  t.write("proc/self/mountinfo",
          "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  t.write("sys/fs/cgroup/ctr/cpu.max", "150000 100000\n");
  t.write("sys/fs/cgroup/ctr/cpuset.cpus.effective", "0-63\n");
  absl::StatusOr<EffectiveCpus> e = read_effective_cpus(t.root());
  ASSERT_TRUE(e.ok()) << e.status();
  // The real affinity mask of this test process is intersected with 0-63.
  EXPECT_LE(e->capacity, 1.5);
  EXPECT_EQ(e->count, e->capacity > 1.0 ? 2 : 1);
  // Unreadable limits are an error, not a default.
  t.write("sys/fs/cgroup/ctr/cpu.max", "?? 100000\n");
  EXPECT_FALSE(read_effective_cpus(t.root()).ok());
  EXPECT_FALSE(read_effective_cpus(t.path("nowhere")).ok());
}

TEST(EffectiveCpuCountTest, ThisMachineIsWithinItsAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  const int affinity = CPU_COUNT(&set);
  EXPECT_EQ(static_cast<int>(affinity_cpu_list().size()), affinity);
  const int n = effective_cpu_count();
  EXPECT_GE(n, 1);
  EXPECT_LE(n, affinity);
}

}  // namespace
}  // namespace betapool

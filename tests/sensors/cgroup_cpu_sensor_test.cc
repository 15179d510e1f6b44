// CgroupCpuSensor on fixture trees with a manual clock: v2 and v1 numbers
// against hand-computed values, nested and "max" quotas, throttling, limits
// that change at run time, and every failure (missing, malformed, vanishing
// files, counters that go backwards, a moved process) giving "unavailable"
// with a reason, then recovering.
#include "betapool/builtins.h"
#include "sensors/cgroup_cpu_sensor.h"

#include <unistd.h>

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "betapool/executor_builder.h"
#include "core/component_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;
using ::betapool::fixture::ManualDuration;
using ::betapool::fixture::proc_pid_stat;
using ::testing::HasSubstr;

// Clock ticks per second of /proc/self/stat (USER_HZ, 100 on Linux).
const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));

constexpr char kCtr[] = "sys/fs/cgroup/kubepods/pod/ctr/";
constexpr char kPod[] = "sys/fs/cgroup/kubepods/pod/";

std::string cpu_stat(uint64_t usage_usec, uint64_t periods = 0,
                     uint64_t throttled = 0) {
  return absl::StrCat("usage_usec ", usage_usec, "\nuser_usec 0\n",
                      "system_usec 0\nnr_periods ", periods,
                      "\nnr_throttled ", throttled, "\nthrottled_usec 0\n");
}

// A v2 container: pod quota 2 CPUs, container "max", cpuset 0-3.
void v2_container(const FixtureTree& t) {
  t.write("proc/self/cgroup", "0::/kubepods/pod/ctr\n");
  t.write("proc/self/mountinfo",
          "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
  t.write("proc/self/stat", proc_pid_stat(0, 0));
  t.write("sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
  t.write(absl::StrCat(kPod, "cpu.max"), "200000 100000\n");
  t.write(absl::StrCat(kPod, "cpu.stat"), cpu_stat(0, 0, 0));
  t.write(absl::StrCat(kCtr, "cpu.max"), "max 100000\n");
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(5'000'000));
  t.write(absl::StrCat(kCtr, "cpuset.cpus.effective"), "0-3\n");
  t.write(absl::StrCat(kCtr, "cpu.pressure"),
          "some avg10=12.50 avg60=3.00 avg300=1.00 total=100\n"
          "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
}

CgroupCpuSensorOptions options(const FixtureTree& t, const ManualDuration& c) {
  CgroupCpuSensorOptions o;
  o.root = t.root();
  o.clock = c.clock();
  o.affinity = std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7};
  return o;
}

TEST(CgroupCpuSensorTest, V2NumbersOverAnInterval) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  EXPECT_EQ(sensor.name(), "cgroup");

  CpuReading first = sensor.read();
  EXPECT_FALSE(first.system_percent.has_value());
  EXPECT_FALSE(first.process_percent.has_value());
  EXPECT_THAT(first.status, HasSubstr("first sample"));
  // Limits and pressure need no interval.
  ASSERT_TRUE(first.effective_cpus.has_value());
  EXPECT_DOUBLE_EQ(*first.effective_cpus, 2.0);
  ASSERT_TRUE(first.pressure_some_percent.has_value());
  EXPECT_DOUBLE_EQ(*first.pressure_some_percent, 12.5);

  // One second later: 1.5 CPU-seconds used by the cgroup, 0.5 by this
  // process, and 3 of 10 enforcement periods of the pod throttled.
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(6'500'000));
  t.write(absl::StrCat(kPod, "cpu.stat"), cpu_stat(0, 10, 3));
  t.write("proc/self/stat",
          proc_pid_stat(static_cast<uint64_t>(0.3 * kTicks),
                        static_cast<uint64_t>(0.2 * kTicks)));
  const CpuReading r = sensor.read();
  EXPECT_EQ(r.status, "");
  ASSERT_TRUE(r.system_percent.has_value());
  EXPECT_NEAR(*r.system_percent, 75.0, 1e-9);  // 1.5 of 2 CPUs
  ASSERT_TRUE(r.process_percent.has_value());
  EXPECT_NEAR(*r.process_percent, 25.0, 1e-9);  // 0.5 of 2 CPUs
  ASSERT_TRUE(r.throttled_percent.has_value());
  EXPECT_NEAR(*r.throttled_percent, 30.0, 1e-9);
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 2.0);

  const std::optional<CgroupLocation> loc = sensor.location();
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->cpu.dir.path(), t.path("sys/fs/cgroup/kubepods/pod/ctr"));
  const std::optional<EffectiveCpus> e = sensor.last_effective_cpus();
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->usable_cpus, 4);
  EXPECT_EQ(e->count, 2);
}

TEST(CgroupCpuSensorTest, TheTightestNestedQuotaIsTheCapacity) {
  FixtureTree t;
  v2_container(t);
  t.write(absl::StrCat(kCtr, "cpu.max"), "50000 100000\n");  // half a CPU
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(0, 0, 0));
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(2));
  // 0.5 CPU-seconds in 2 s against a 0.5-CPU quota: 50 %. Throttling is
  // the worst of the two quota levels: 4/20 in the container, 0 in the pod.
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(500'000, 20, 4));
  t.write(absl::StrCat(kPod, "cpu.stat"), cpu_stat(0, 20, 0));
  const CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 50.0, 1e-9);
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 0.5);
  EXPECT_NEAR(*r.throttled_percent, 20.0, 1e-9);
  EXPECT_EQ(sensor.last_effective_cpus()->count, 1);
}

TEST(CgroupCpuSensorTest, MaxQuotaEverywhereUsesTheCpusetAndCannotThrottle) {
  FixtureTree t;
  v2_container(t);
  t.write(absl::StrCat(kPod, "cpu.max"), "max 100000\n");
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(7'000'000));
  const CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 50.0, 1e-9);  // 2 of the 4 cpuset CPUs
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 4.0);   // affinity 0-7 ∩ cpuset 0-3
  ASSERT_TRUE(r.throttled_percent.has_value());
  EXPECT_EQ(*r.throttled_percent, 0.0);
}

TEST(CgroupCpuSensorTest, WithoutACpusetTheOnlineCpusAreTheCapacity) {
  FixtureTree t;
  v2_container(t);
  t.write(absl::StrCat(kPod, "cpu.max"), "max 100000\n");
  t.remove(absl::StrCat(kCtr, "cpuset.cpus.effective"));
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(6'000'000));
  CpuReading r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("capacity unknown"));
  t.write("sys/devices/system/cpu/online", "0-7\n");
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(8'000'000));
  r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 25.0, 1e-9);  // 2 of 8 online CPUs
}

TEST(CgroupCpuSensorTest, LimitsAreReReadAtEveryRead) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  EXPECT_DOUBLE_EQ(*sensor.read().effective_cpus, 2.0);
  clock.advance(absl::Milliseconds(500));
  t.write(absl::StrCat(kPod, "cpu.max"), "100000 100000\n");  // resized
  EXPECT_DOUBLE_EQ(*sensor.read().effective_cpus, 1.0);
}

TEST(CgroupCpuSensorTest, V1ContainerWithoutCgroupNamespace) {
  FixtureTree t;
  t.write("proc/self/cgroup",
          "5:cpuset:/docker/abc\n4:cpu,cpuacct:/docker/abc\n"
          "1:name=systemd:/docker/abc\n");
  t.write("proc/self/mountinfo",
          "50 40 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup "
          "cgroup rw,cpu,cpuacct\n"
          "51 40 0:31 /docker/abc /sys/fs/cgroup/cpuset ro - cgroup cgroup "
          "rw,cpuset\n");
  t.write("proc/self/stat", proc_pid_stat(0, 0));
  const std::string cpu = "sys/fs/cgroup/cpu,cpuacct/";
  t.write(cpu + "cpu.cfs_quota_us", "50000\n");
  t.write(cpu + "cpu.cfs_period_us", "100000\n");
  t.write(cpu + "cpuacct.usage", "1000000000\n");
  t.write(cpu + "cpu.stat",
          "nr_periods 100\nnr_throttled 10\nthrottled_time 5000000\n");
  t.write("sys/fs/cgroup/cpuset/cpuset.effective_cpus", "0-7\n");
  ManualDuration clock;
  CgroupCpuSensorOptions o = options(t, clock);
  CgroupCpuSensor sensor(o);
  CpuReading r = sensor.read();
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 0.5);
  // No v2 hierarchy: pressure is unavailable and says why.
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("cpu.pressure"));

  clock.advance(absl::Seconds(1));
  t.write(cpu + "cpuacct.usage", "1400000000\n");  // +0.4 CPU-s
  t.write(cpu + "cpu.stat",
          "nr_periods 110\nnr_throttled 15\nthrottled_time 9000000\n");
  r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 80.0, 1e-9);  // 0.4 of 0.5 CPU
  EXPECT_NEAR(*r.throttled_percent, 50.0, 1e-9);  // 5 of 10 periods
  EXPECT_EQ(sensor.location()->cpu.version, CgroupVersion::kV1);
}

TEST(CgroupCpuSensorTest, V1UnlimitedQuota) {
  FixtureTree t;
  t.write("proc/self/cgroup", "2:cpu,cpuacct:/\n1:cpuset:/\n");
  t.write("proc/self/mountinfo",
          "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
          "rw,cpu,cpuacct\n"
          "34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  t.write("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "0\n");
  t.write("sys/fs/cgroup/cpuset/cpuset.effective_cpus", "0-1\n");
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "1000000000\n");
  const CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 50.0, 1e-9);
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 2.0);
  EXPECT_EQ(*r.throttled_percent, 0.0);
  // /proc/self/stat is missing from this tree: process_percent says so.
  EXPECT_FALSE(r.process_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("proc/self/stat"));
}

TEST(CgroupCpuSensorTest, MissingFilesGiveUnavailableWithTheReason) {
  FixtureTree t;
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  CpuReading r = sensor.read();  // empty tree
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_FALSE(r.effective_cpus.has_value());
  EXPECT_THAT(r.status, HasSubstr("proc/self/cgroup"));

  v2_container(t);
  t.remove(absl::StrCat(kCtr, "cpu.stat"));
  clock.advance(absl::Seconds(1));
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("cpu.stat does not exist"));
  // The limits were readable: effective CPUs are still reported.
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 2.0);

  // The pod's cpu.stat is gone: throttling is unavailable, the rest works.
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(0));
  t.remove(absl::StrCat(kPod, "cpu.stat"));
  clock.advance(absl::Seconds(1));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(1'000'000));
  r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_FALSE(r.throttled_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("kubepods/pod/cpu.stat"));
}

TEST(CgroupCpuSensorTest, MalformedNumbersGiveUnavailableNeverAGuess) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), "usage_usec 12x\n");
  CpuReading r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("12x"));

  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(6'000'000));
  t.write(absl::StrCat(kPod, "cpu.max"), "two 100000\n");
  clock.advance(absl::Seconds(1));
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_FALSE(r.effective_cpus.has_value());
  EXPECT_THAT(r.status, HasSubstr("cpu.max"));
  EXPECT_FALSE(sensor.last_effective_cpus().has_value());

  t.write(absl::StrCat(kCtr, "cpu.pressure"), "some avg10=lots\n");
  t.write(absl::StrCat(kPod, "cpu.max"), "200000 100000\n");
  clock.advance(absl::Seconds(1));
  r = sensor.read();
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("cpu.pressure"));
  EXPECT_DOUBLE_EQ(*r.effective_cpus, 2.0);
}

TEST(CgroupCpuSensorTest, ACgroupThatVanishesBetweenReadsRecovers) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.remove("sys/fs/cgroup/kubepods");
  CpuReading r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_FALSE(r.status.empty());

  // It comes back (recreated, counters restarted): a fresh first sample,
  // then numbers again.
  v2_container(t);
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(100));
  clock.advance(absl::Seconds(1));
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("first sample"));
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(1'000'100));
  r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 50.0, 1e-9);
}

TEST(CgroupCpuSensorTest, CountersGoingBackwardsAreNotARate) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  CgroupCpuSensor sensor(options(t, clock));
  sensor.read();
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(1'000));
  CpuReading r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("backwards"));
  clock.advance(absl::Seconds(1));
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(501'000));
  r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_NEAR(*r.system_percent, 25.0, 1e-9);
  // No time elapsed: no rate either.
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("no time elapsed"));
}

TEST(CgroupCpuSensorTest, AMovedProcessStartsAFreshInterval) {
  FixtureTree t;
  v2_container(t);
  t.write("sys/fs/cgroup/other/cpu.stat", cpu_stat(0));
  ManualDuration clock;
  CgroupCpuSensorOptions o = options(t, clock);
  o.relocate_interval = absl::Seconds(5);
  CgroupCpuSensor sensor(o);
  sensor.read();
  t.write("proc/self/cgroup", "0::/other\n");
  clock.advance(absl::Seconds(1));
  // Not relocated yet: still the old cgroup.
  t.write(absl::StrCat(kCtr, "cpu.stat"), cpu_stat(6'000'000));
  CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_EQ(sensor.location()->cpu.dir.path(),
            t.path("sys/fs/cgroup/kubepods/pod/ctr"));
  clock.advance(absl::Seconds(5));
  r = sensor.read();
  EXPECT_EQ(sensor.location()->cpu.dir.path(), t.path("sys/fs/cgroup/other"));
  EXPECT_FALSE(r.system_percent.has_value());  // different counters
  EXPECT_THAT(r.status, HasSubstr("first sample"));
}

TEST(CgroupCpuSensorTest, RegisteredByName) {
  const ComponentRegistry& registry = builtin_registry();
  absl::StatusOr<std::unique_ptr<CpuSensor>> s =
      registry.create_sensor("cgroup", ComponentContext{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->name(), "cgroup");
}

TEST(CgroupCpuSensorTest, SelectableByNameAndByTypeInTheBuilder) {
  FixtureTree t;
  v2_container(t);
  ManualDuration clock;
  absl::StatusOr<std::unique_ptr<Executor>> typed =
      ExecutorBuilder()
          .sensor<CgroupCpuSensor>(options(t, clock))
          .min_workers(1)
          .max_workers(1)
          .manual_control()
          .build();
  ASSERT_TRUE(typed.ok()) << typed.status();
  // The fixture's limits reach the decision record.
  EXPECT_DOUBLE_EQ((*typed)->controller().tick().effective_cpus, 2.0);
  absl::StatusOr<std::unique_ptr<Executor>> named =
      ExecutorBuilder().sensor("cgroup").min_workers(1).max_workers(1)
          .manual_control().build();
  ASSERT_TRUE(named.ok()) << named.status();
}

TEST(CgroupCpuSensorTest, ThisMachinesCgroupGivesInRangeNumbersOrAReason) {
  // Whatever this host is (v1, v2, hybrid, container), a reading is either
  // a number in range or empty with a reason.
  CgroupCpuSensor sensor;
  for (int i = 0; i < 3; ++i) {
    const CpuReading r = sensor.read();
    for (const std::optional<double>& v :
         {r.system_percent, r.process_percent, r.pressure_some_percent,
          r.throttled_percent}) {
      if (v) {
        EXPECT_GE(*v, 0.0);
        EXPECT_LE(*v, 100.0);
      }
    }
    if (r.effective_cpus) {
      EXPECT_GT(*r.effective_cpus, 0.0);
    }
    if (!r.system_percent || !r.effective_cpus) {
      EXPECT_FALSE(r.status.empty());
    }
  }
}

}  // namespace
}  // namespace betapool

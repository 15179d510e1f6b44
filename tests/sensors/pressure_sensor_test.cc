// PSI parsing and PressureSensor on fixture trees: system and cgroup
// sources, composition with a base sensor, and missing/malformed files.
#include "betapool/builtins.h"
#include "sensors/pressure_sensor.h"

#include <memory>
#include <string>

#include "core/component_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cpu_sensor.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;
using ::testing::HasSubstr;

constexpr char kPsi[] =
    "some avg10=2.24 avg60=3.15 avg300=2.70 total=16305849\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

TEST(ParsePsiCpuTest, SomeAndFull) {
  absl::StatusOr<PsiCpu> p = parse_psi_cpu(kPsi);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_DOUBLE_EQ(p->some.avg10, 2.24);
  EXPECT_DOUBLE_EQ(p->some.avg60, 3.15);
  EXPECT_DOUBLE_EQ(p->some.avg300, 2.70);
  EXPECT_EQ(p->some.total_us, 16305849u);
  ASSERT_TRUE(p->full.has_value());
  EXPECT_EQ(p->full->avg10, 0.0);
  // Kernels before 5.13 have no "full" line for CPU.
  absl::StatusOr<PsiCpu> old =
      parse_psi_cpu("some avg10=100.00 avg60=0.00 avg300=0.00 total=1\n");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->some.avg10, 100.0);
  EXPECT_FALSE(old->full.has_value());
}

TEST(ParsePsiCpuTest, RejectsMalformedInput) {
  for (const char* bad :
       {"", "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
        "some avg60=1.0 total=3\n", "some avg10=abc\n", "some avg10=150\n",
        "some avg10=-1\n", "some avg10=nan\n", "some avg10=inf\n",
        "some avg10=1 total=-3\n", "some avg10\n", "cpu avg10=1\n"}) {
    EXPECT_FALSE(parse_psi_cpu(bad).ok()) << "'" << bad << "'";
  }
  EXPECT_THAT(std::string(parse_psi_cpu("some avg10=x").status().message()),
              HasSubstr("avg10"));
}

TEST(PressureSensorTest, SystemSource) {
  FixtureTree t;
  t.write("proc/pressure/cpu", kPsi);
  PressureSensor sensor({.root = t.root()});
  EXPECT_EQ(sensor.name(), "pressure");
  CpuReading r = sensor.read();
  ASSERT_TRUE(r.pressure_some_percent.has_value()) << r.status;
  EXPECT_DOUBLE_EQ(*r.pressure_some_percent, 2.24);
  EXPECT_EQ(r.status, "");
  // PSI is not utilisation: no CPU % without a base sensor.
  EXPECT_FALSE(r.system_percent.has_value());

  // The file vanishes (kernel booted with psi=0 looks the same), then comes
  // back malformed, then well-formed.
  t.remove("proc/pressure/cpu");
  r = sensor.read();
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("proc/pressure/cpu does not exist"));
  t.write("proc/pressure/cpu", "some avg10=9000\n");
  r = sensor.read();
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("avg10"));
  t.write("proc/pressure/cpu", kPsi);
  EXPECT_DOUBLE_EQ(*sensor.read().pressure_some_percent, 2.24);
}

TEST(PressureSensorTest, CgroupSourceFollowsTheProcessCgroup) {
  FixtureTree t;
  t.write("proc/self/cgroup", "0::/app\n");
  t.write("proc/self/mountinfo",
          "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  t.write("sys/fs/cgroup/app/cpu.pressure",
          "some avg10=40.00 avg60=1.00 avg300=0.50 total=9\n");
  t.write("proc/pressure/cpu", kPsi);  // the host's: must not be used
  PressureSensor sensor({.root = t.root(), .source = PressureSource::kCgroup});
  CpuReading r = sensor.read();
  ASSERT_TRUE(r.pressure_some_percent.has_value()) << r.status;
  EXPECT_DOUBLE_EQ(*r.pressure_some_percent, 40.0);

  // Moved to another cgroup: after a failed read the cgroup is found again.
  t.write("proc/self/cgroup", "0::/other\n");
  t.write("sys/fs/cgroup/other/cpu.pressure",
          "some avg10=7.00 avg60=1.00 avg300=0.50 total=9\n");
  t.remove("sys/fs/cgroup/app");
  r = sensor.read();
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  r = sensor.read();
  ASSERT_TRUE(r.pressure_some_percent.has_value()) << r.status;
  EXPECT_DOUBLE_EQ(*r.pressure_some_percent, 7.0);
}

TEST(PressureSensorTest, CgroupSourceWithoutV2SaysSo) {
  FixtureTree t;
  t.write("proc/self/cgroup", "2:cpu,cpuacct:/\n");
  PressureSensor sensor({.root = t.root(), .source = PressureSource::kCgroup});
  const CpuReading r = sensor.read();
  EXPECT_FALSE(r.pressure_some_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("no cgroup v2"));
}

TEST(PressureSensorTest, CompletesABaseSensorsReading) {
  FixtureTree t;
  t.write("proc/pressure/cpu", kPsi);
  auto base = std::make_unique<FakeCpuSensor>(42.0);
  auto handle = base->handle();
  PressureSensor sensor({.root = t.root()}, std::move(base));
  CpuReading r = sensor.read();
  EXPECT_DOUBLE_EQ(*r.system_percent, 42.0);
  EXPECT_DOUBLE_EQ(*r.pressure_some_percent, 2.24);
  EXPECT_EQ(handle->reads(), 1);

  // Both statuses are kept.
  CpuReading unavailable;
  unavailable.status = "base is down";
  handle->set(unavailable);
  t.remove("proc/pressure/cpu");
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("base is down; "));
  EXPECT_THAT(r.status, HasSubstr("pressure/cpu"));
}

TEST(PressureSensorTest, RegisteredByNameWithProcStatUnderneath) {
  absl::StatusOr<std::unique_ptr<CpuSensor>> s =
      builtin_registry().create_sensor("pressure",
                                                 ComponentContext{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)->name(), "pressure");
  // On this machine: a PSI value in range, or a reason.
  (*s)->read();
  const CpuReading r = (*s)->read();
  if (r.pressure_some_percent) {
    EXPECT_GE(*r.pressure_some_percent, 0.0);
    EXPECT_LE(*r.pressure_some_percent, 100.0);
  } else {
    EXPECT_THAT(r.status, HasSubstr("pressure"));
  }
}

}  // namespace
}  // namespace betapool

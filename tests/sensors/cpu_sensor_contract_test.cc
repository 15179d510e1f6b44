// Runs the CpuSensor contract (testing/cpu_sensor_contract.h) on every
// built-in sensor: ProcStatSensor, CgroupCpuSensor and PressureSensor on
// fixture trees whose counters move between reads, on unreadable roots, and
// on this machine's live /proc and /sys (whatever it is: a reading is a
// number in range or empty with a reason); and on FakeCpuSensor.
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sensors/cgroup_cpu_sensor.h"
#include "sensors/pressure_sensor.h"
#include "sensors/proc_stat_sensor.h"
#include "testing/cpu_sensor_contract.h"
#include "testing/fake_cpu_sensor.h"
#include "tests/sensors/fixture_tree.h"

namespace {

using betapool::CpuSensor;
using betapool::fixture::FixtureTree;
using betapool::fixture::ManualDuration;
using betapool::fixture::proc_pid_stat;

// Clock ticks per second of /proc/self/stat (USER_HZ).
const uint64_t kTicks = static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
constexpr char kMissingRoot[] = "/nonexistent/betapool-contract";

// A two-CPU /proc/stat and /proc/self/stat under `dir` of `t`; each
// advance() adds one second: one CPU busy, this process using half a CPU.
class ProcFixture {
 public:
  explicit ProcFixture(const FixtureTree& t, std::string dir) : t_(t), dir_(std::move(dir)) {
    write();
  }
  void advance() {
    busy_ += kTicks;
    idle_ += kTicks;
    process_ += kTicks / 2;
    write();
  }
  std::string root() const { return t_.path(dir_); }

 private:
  void write() const {
    t_.write(absl::StrCat(dir_, "/stat"),
             absl::StrCat("cpu  ", busy_, " 0 0 ", idle_, " 0 0 0 0 0 0\n",
                          "cpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\n"));
    t_.write(absl::StrCat(dir_, "/self/stat"), proc_pid_stat(process_, 0));
  }

  const FixtureTree& t_;
  const std::string dir_;
  uint64_t busy_ = 1000;
  uint64_t idle_ = 5000;
  uint64_t process_ = 10;
};

struct ProcStatOnFixture {
  std::unique_ptr<CpuSensor> make() {
    return std::make_unique<betapool::ProcStatSensor>(proc_.root(), 2);
  }
  void advance() { proc_.advance(); }
  std::unique_ptr<CpuSensor> make_unreadable() {
    return std::make_unique<betapool::ProcStatSensor>(kMissingRoot, 2);
  }
  FixtureTree tree_;
  ProcFixture proc_{tree_, "proc"};
};

struct ProcStatLive {
  std::unique_ptr<CpuSensor> make() { return std::make_unique<betapool::ProcStatSensor>(); }
};

// A cgroup v2 container: quota 2 CPUs, cpuset 0-3, PSI; each advance() is
// one second of the manual clock with the cgroup using one CPU, this
// process half of one, and one period in ten throttled.
class CgroupFixture {
 public:
  CgroupFixture() {
    t_.write("proc/self/cgroup", "0::/ctr\n");
    t_.write("proc/self/mountinfo",
             "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
    t_.write("sys/fs/cgroup/ctr/cpu.max", "200000 100000\n");
    t_.write("sys/fs/cgroup/ctr/cpuset.cpus.effective", "0-3\n");
    t_.write("sys/fs/cgroup/ctr/cpu.pressure",
             "some avg10=12.50 avg60=3.00 avg300=1.00 total=100\n"
             "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    write_counters();
  }
  void advance() {
    clock_.advance(absl::Seconds(1));
    usage_usec_ += 1'000'000;
    process_ += kTicks / 2;
    periods_ += 10;
    throttled_ += 1;
    write_counters();
  }
  betapool::CgroupCpuSensorOptions options(const std::string& root) const {
    betapool::CgroupCpuSensorOptions o;
    o.root = root;
    o.clock = clock_.clock();
    o.affinity = std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7};
    return o;
  }
  const FixtureTree& tree() const { return t_; }

 private:
  void write_counters() const {
    t_.write("proc/self/stat", proc_pid_stat(process_, 0));
    t_.write("sys/fs/cgroup/ctr/cpu.stat",
             absl::StrCat("usage_usec ", usage_usec_, "\nuser_usec 0\nsystem_usec 0\n",
                          "nr_periods ", periods_, "\nnr_throttled ", throttled_,
                          "\nthrottled_usec 0\n"));
  }

  FixtureTree t_;
  ManualDuration clock_;
  uint64_t usage_usec_ = 5'000'000;
  uint64_t process_ = 10;
  uint64_t periods_ = 100;
  uint64_t throttled_ = 0;
};

struct CgroupOnFixture {
  std::unique_ptr<CpuSensor> make() {
    return std::make_unique<betapool::CgroupCpuSensor>(
        cgroup_.options(cgroup_.tree().root()));
  }
  void advance() { cgroup_.advance(); }
  std::unique_ptr<CpuSensor> make_unreadable() {
    return std::make_unique<betapool::CgroupCpuSensor>(cgroup_.options(kMissingRoot));
  }
  CgroupFixture cgroup_;
};

struct CgroupLive {
  std::unique_ptr<CpuSensor> make() { return std::make_unique<betapool::CgroupCpuSensor>(); }
};

// System PSI completing a ProcStatSensor on the same fixture tree.
struct PressureOnFixture {
  PressureOnFixture() {
    tree_.write("proc/pressure/cpu",
                "some avg10=2.24 avg60=1.00 avg300=0.50 total=1000\n"
                "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  }
  std::unique_ptr<CpuSensor> make() {
    return std::make_unique<betapool::PressureSensor>(
        betapool::PressureSensorOptions{.root = tree_.root()},
        std::make_unique<betapool::ProcStatSensor>(proc_.root(), 2));
  }
  void advance() { proc_.advance(); }
  std::unique_ptr<CpuSensor> make_unreadable() {
    return std::make_unique<betapool::PressureSensor>(
        betapool::PressureSensorOptions{.root = kMissingRoot},
        std::make_unique<betapool::ProcStatSensor>(kMissingRoot, 2));
  }
  FixtureTree tree_;
  ProcFixture proc_{tree_, "proc"};
};

// The cgroup source, alone (PSI only, no base sensor).
struct CgroupPressureOnFixture {
  std::unique_ptr<CpuSensor> make() {
    return std::make_unique<betapool::PressureSensor>(betapool::PressureSensorOptions{
        .root = cgroup_.tree().root(), .source = betapool::PressureSource::kCgroup});
  }
  void advance() { cgroup_.advance(); }
  std::unique_ptr<CpuSensor> make_unreadable() {
    return std::make_unique<betapool::PressureSensor>(betapool::PressureSensorOptions{
        .root = kMissingRoot, .source = betapool::PressureSource::kCgroup});
  }
  CgroupFixture cgroup_;
};

// As registered: ProcStatSensor on /proc plus /proc/pressure/cpu.
struct PressureLive {
  std::unique_ptr<CpuSensor> make() {
    return std::make_unique<betapool::PressureSensor>(
        betapool::PressureSensorOptions{}, std::make_unique<betapool::ProcStatSensor>());
  }
};

struct Fake {
  std::unique_ptr<CpuSensor> make() { return std::make_unique<betapool::FakeCpuSensor>(); }
};

using FixtureSensors = ::testing::Types<ProcStatOnFixture, CgroupOnFixture,
                                        PressureOnFixture, CgroupPressureOnFixture>;
INSTANTIATE_TYPED_TEST_SUITE_P(FixtureCpuSensorContract, CpuSensorContract, FixtureSensors);

using LiveSensors = ::testing::Types<ProcStatLive, CgroupLive, PressureLive>;
INSTANTIATE_TYPED_TEST_SUITE_P(LiveCpuSensorContract, CpuSensorContract, LiveSensors);

INSTANTIATE_TYPED_TEST_SUITE_P(FakeCpuSensorContract, CpuSensorContract, ::testing::Types<Fake>);

}  // namespace

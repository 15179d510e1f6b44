// ProcStatSensor against fixture trees written to a temporary directory,
// and once against the real /proc.
#include "sensors/proc_stat_sensor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sensors/small_file.h"

namespace betapool {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FakeProc {
 public:
  FakeProc() {
    std::string tmpl = (fs::temp_directory_path() / "betapool-proc-XXXXXX").string();
    root_ = mkdtemp(tmpl.data());
    fs::create_directories(fs::path(root_) / "self");
  }
  ~FakeProc() { fs::remove_all(root_); }
  const std::string& root() const { return root_; }

  // Two CPUs; aggregate line with the given busy (user) and idle jiffies.
  void set_stat(uint64_t user, uint64_t idle) {
    write("stat", "cpu  " + std::to_string(user) + " 0 0 " +
                      std::to_string(idle) + " 0 0 0 0 0 0\n" +
                      "cpu0 1 0 0 1 0 0 0 0 0 0\ncpu1 1 0 0 1 0 0 0 0 0 0\n" +
                      "intr 1 2 3\n");
  }
  void set_self(uint64_t utime, uint64_t stime) {
    write("self/stat", "1234 (my (odd) name) S 1 1 1 0 -1 4194304 100 0 0 0 " +
                           std::to_string(utime) + " " + std::to_string(stime) +
                           " 0 0 20 0 4 0 100 1000 10\n");
  }
  void write(const std::string& rel, const std::string& text) {
    std::ofstream(fs::path(root_) / rel) << text;
  }
  void remove(const std::string& rel) { fs::remove(fs::path(root_) / rel); }

 private:
  std::string root_;
};

TEST(ProcStatParseTest, ParsesTheAggregateLine) {
  absl::StatusOr<ProcStatTimes> t = parse_proc_stat(
      "cpu  10 20 30 400 50 6 7 8 0 0\ncpu0 1 2 3 4\ncpu1 1 2 3 4\n");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->busy, 10u + 20 + 30 + 6 + 7 + 8);
  EXPECT_EQ(t->total, t->busy + 400 + 50);
  EXPECT_EQ(t->steal, 8u);
  EXPECT_EQ(t->cpu_count, 2);
}

TEST(ProcStatParseTest, RejectsMalformedInputWithAReason) {
  EXPECT_THAT(std::string(parse_proc_stat("").status().message()),
              HasSubstr("no aggregate 'cpu' line"));
  EXPECT_THAT(std::string(parse_proc_stat("cpu  1 2\n").status().message()),
              HasSubstr("need at least 4"));
  EXPECT_THAT(
      std::string(parse_proc_stat("cpu  1 x 3 4\n").status().message()),
      HasSubstr("'x'"));
}

TEST(ProcStatParseTest, PidStatCountsFieldsAfterTheLastParenthesis) {
  absl::StatusOr<uint64_t> t = parse_proc_pid_stat_cpu(
      "7 (a) b) c) R 1 1 1 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 1 1 1");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, 33u);
  EXPECT_FALSE(parse_proc_pid_stat_cpu("no parenthesis").ok());
  EXPECT_FALSE(parse_proc_pid_stat_cpu("1 (x) R 1 2").ok());
}

TEST(ProcStatSensorTest, FirstReadHasNoIntervalThenDeltas) {
  FakeProc proc;
  proc.set_stat(100, 100);
  proc.set_self(10, 0);
  ProcStatSensor sensor(proc.root(), /*allowed_cpus=*/2);
  CpuReading first = sensor.read();
  EXPECT_FALSE(first.system_percent.has_value());
  EXPECT_THAT(first.status, HasSubstr("first sample"));

  proc.set_stat(100 + 150, 100 + 50);  // 150 busy of 200 jiffies
  proc.set_self(10 + 40, 10);          // 50 jiffies of this process
  CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_DOUBLE_EQ(*r.system_percent, 75.0);
  ASSERT_TRUE(r.process_percent.has_value());
  // 50 of 200 jiffies over 2 machine CPUs, all allowed: 25 %.
  EXPECT_DOUBLE_EQ(*r.process_percent, 25.0);
  EXPECT_TRUE(r.status.empty()) << r.status;
}

TEST(ProcStatSensorTest, ProcessShareIsRelativeToAllowedCpus) {
  FakeProc proc;
  proc.set_stat(0, 0);
  proc.set_self(0, 0);
  ProcStatSensor sensor(proc.root(), /*allowed_cpus=*/1);
  sensor.read();
  proc.set_stat(100, 100);
  proc.set_self(100, 0);  // one full CPU of the two the machine has
  const CpuReading r = sensor.read();
  ASSERT_TRUE(r.process_percent.has_value());
  EXPECT_DOUBLE_EQ(*r.process_percent, 100.0);
}

TEST(ProcStatSensorTest, MissingOrMalformedFilesAreUnavailableNotFatal) {
  FakeProc proc;
  ProcStatSensor sensor(proc.root(), 2);
  CpuReading r = sensor.read();  // no files at all
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("cannot open"));

  proc.write("stat", "garbage\n");
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("no aggregate"));

  proc.set_stat(10, 10);
  sensor.read();
  proc.set_stat(20, 20);
  r = sensor.read();  // self/stat missing: system share only
  EXPECT_TRUE(r.system_percent.has_value());
  EXPECT_FALSE(r.process_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("self/stat"));

  proc.set_stat(20, 20);  // counters did not advance
  r = sensor.read();
  EXPECT_FALSE(r.system_percent.has_value());
}

TEST(ProcStatSensorTest, CountersGoingBackwardsAreUnavailable) {
  FakeProc proc;
  proc.set_self(0, 0);
  proc.set_stat(500, 500);
  ProcStatSensor sensor(proc.root(), 2);
  sensor.read();
  proc.set_stat(100, 900);  // busy went down: a reset, not a reading
  EXPECT_FALSE(sensor.read().system_percent.has_value());
}

// A busy sum that wraps around 2^64 is an error, not a percentage.
TEST(ProcStatParseTest, CounterSumsThatOverflowAreRejected) {
  const std::string big = std::to_string(UINT64_MAX / 2 + 1);
  EXPECT_FALSE(parse_proc_stat("cpu  " + big + " " + big + " 0 10 0 0 0 0\n").ok());
  EXPECT_FALSE(parse_proc_stat("cpu  " + big + " 0 0 " + big + " 0 0 0 0\n").ok());
  EXPECT_TRUE(parse_proc_stat("cpu  " + big + " 0 0 10 0 0 0 0\n").ok());
}

// utime + stime that wraps around 2^64 would be a made-up process share.
TEST(ProcStatParseTest, PidStatCpuSumThatOverflowsIsRejected) {
  const std::string max = std::to_string(UINT64_MAX);
  const absl::StatusOr<uint64_t> t = parse_proc_pid_stat_cpu(
      "7 (a) R 1 1 1 0 -1 0 0 0 0 0 " + max + " 1 0 0 20 0 1 0 1 1 1");
  EXPECT_FALSE(t.ok()) << *t;
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("overflow"));
}

// A malformed field is echoed only in part: the file may hold megabytes,
// and the message ends up in every decision record's status.
TEST(ProcStatParseTest, AHugeBadFieldIsEchoedOnlyInPart) {
  const std::string huge(1 << 20, 'x');
  const std::string stat_error(
      parse_proc_stat("cpu  1 " + huge + " 3 4\n").status().message());
  EXPECT_THAT(stat_error, HasSubstr("(1048576 bytes)"));
  EXPECT_LT(stat_error.size(), 1000u);
  const std::string pid_error(
      parse_proc_pid_stat_cpu("7 (a) R 1 1 1 0 -1 0 0 0 0 0 " + huge + " 1")
          .status()
          .message());
  EXPECT_LT(pid_error.size(), 1000u);
}

// What stands at the sensor's paths cannot make it throw, allocate without
// bound or block: a character device with endless contents, a FIFO nobody
// writes, a directory and an oversized file all read as unavailable.
TEST(ProcStatSensorTest, HostileFilesAreUnavailableNeverFatal) {
  FakeProc proc;
  const fs::path stat = fs::path(proc.root()) / "stat";
  proc.set_self(0, 0);

  fs::create_symlink("/dev/zero", stat);
  ProcStatSensor endless(proc.root(), 2);
  CpuReading r = endless.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("not a regular file"));
  fs::remove(stat);

  ASSERT_EQ(::mkfifo(stat.c_str(), 0600), 0);
  ProcStatSensor fifo(proc.root(), 2);
  r = fifo.read();  // returns: a blocking open would hang the test here
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("not a regular file"));
  fs::remove(stat);

  fs::create_directory(stat);
  ProcStatSensor directory(proc.root(), 2);
  EXPECT_FALSE(directory.read().system_percent.has_value());
  fs::remove(stat);

  proc.write("stat", "cpu  1 0 0 1 0 0 0 0\n" +
                         std::string(internal::kMaxSmallFileBytes, 'x'));
  ProcStatSensor huge(proc.root(), 2);
  r = huge.read();
  EXPECT_FALSE(r.system_percent.has_value());
  EXPECT_THAT(r.status, HasSubstr("larger than"));
}

TEST(ProcStatSensorTest, ReadsTheRealProc) {
  ProcStatSensor sensor;
  sensor.read();
  // Burn a little CPU so the counters move even on an idle machine.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  volatile uint64_t x = 0;
  while (std::chrono::steady_clock::now() < until) x = x + 1;
  const CpuReading r = sensor.read();
  ASSERT_TRUE(r.system_percent.has_value()) << r.status;
  EXPECT_GE(*r.system_percent, 0.0);
  EXPECT_LE(*r.system_percent, 100.0);
  ASSERT_TRUE(r.process_percent.has_value()) << r.status;
  EXPECT_GE(*r.process_percent, 0.0);
  EXPECT_LE(*r.process_percent, 100.0);
  EXPECT_GE(affinity_cpu_count(), 1);
}

}  // namespace
}  // namespace betapool

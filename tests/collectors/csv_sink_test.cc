// CsvSink: round trip of every record kind (write, parse back, compare),
// files under a path prefix, flushing at the tick, and failures (cannot
// open, disk full via /dev/full, a failing stream) reported exactly once
// while the executor keeps running.
#include "collectors/csv_sink.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "betapool/executor_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/collectors/record_parsing.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::expect_same_record;
using ::betapool::fixture::FixtureTree;
using ::betapool::fixture::parse_csv;
using ::betapool::fixture::record_from_cells;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<TaskMetrics> some_tasks() {
  std::vector<TaskMetrics> v;
  for (int i = 0; i < 5; ++i) {
    TaskMetrics m;
    m.task_id = static_cast<uint64_t>(i);
    m.wall_time = 0.01 * (i + 1);
    m.cpu_time = 0.001 * i;
    m.blocking_ratio = blocking_ratio(m.wall_time, m.cpu_time);
    m.timestamp = 1.0 + i;
    m.success = i != 3;
    m.error_message = i == 3 ? "boom, \"quoted\"\nline two" : "";
    v.push_back(m);
  }
  return v;
}

ExperimentLogEntry some_tick(double t) {
  ExperimentLogEntry e;
  e.timestamp = t;
  e.active_threads = 6;
  e.blocking_ratio = kNaN;
  e.cpu_percent = 37.5;
  e.throughput = 1234.5;
  e.p50_latency = 0.002;
  e.p99_latency = 0.05;
  e.queue_depth = 17;
  e.p95_latency = 0.01;
  return e;
}

DecisionRecord some_decision(double t) {
  DecisionRecord d;
  d.timestamp = t;
  d.threads_before = 4;
  d.requested = 6;
  d.threads_after = 6;
  d.decision = "scale_up";
  d.reason = "beta 0.91 > 0.70 and cpu 20% < 85%";
  d.blocking_ratio = 0.91;
  d.lock_wait_ratio = kNaN;
  d.cpu_percent = 20;
  d.process_cpu_percent = kNaN;
  d.throughput = 99.5;
  d.queue_depth = 3;
  d.policy = "beta_veto";
  d.tasks_completed = 12345;
  d.pressure_some_percent = kNaN;
  d.throttled_percent = 0;
  d.effective_cpus = 2;
  return d;
}

template <class T>
void expect_round_trip(const std::string& text, const std::vector<T>& rows) {
  const auto parsed = parse_csv(text);
  ASSERT_EQ(parsed.size(), rows.size() + 1) << text;
  ASSERT_EQ(parsed[0].size(), T::kFieldNames.size());
  for (std::size_t i = 0; i < parsed[0].size(); ++i) {
    EXPECT_EQ(parsed[0][i], T::kFieldNames[i]);
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    expect_same_record(rows[r], record_from_cells<T>(parsed[r + 1]));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(CsvSinkTest, StreamsRoundTripEveryRecordKind) {
  std::ostringstream tasks, ticks, decisions;
  CsvSink sink(&tasks, &ticks, &decisions);
  const std::vector<TaskMetrics> t = some_tasks();
  for (const TaskMetrics& m : t) sink.on_task(m);
  const std::vector<ExperimentLogEntry> e = {some_tick(1), some_tick(1.5)};
  const std::vector<DecisionRecord> d = {some_decision(1), some_decision(1.5)};
  for (int i = 0; i < 2; ++i) {
    sink.on_tick(e[i]);
    sink.on_decision(d[i]);
    sink.flush();
  }
  expect_round_trip(tasks.str(), t);
  expect_round_trip(ticks.str(), e);
  expect_round_trip(decisions.str(), d);
  EXPECT_TRUE(sink.error().ok());
  EXPECT_EQ(sink.rows_written(), 9);
  EXPECT_EQ(sink.rows_dropped(), 0);
}

TEST(CsvSinkTest, FilesUnderAPrefixAreFlushedAtEachTick) {
  FixtureTree dir;
  const std::string prefix = dir.path("run1-");
  {
    CsvSink sink(prefix);
    sink.on_decision(some_decision(1));
    sink.flush();
    // Flushed: readable while the sink is still open.
    expect_round_trip(read_file(prefix + "decisions.csv"),
                      std::vector<DecisionRecord>{some_decision(1)});
    sink.on_tick(some_tick(1));
    sink.flush();
    expect_round_trip(read_file(prefix + "experiment_log.csv"),
                      std::vector<ExperimentLogEntry>{some_tick(1)});
    EXPECT_TRUE(sink.error().ok()) << sink.error();
  }
  // Only the header for the kind that got no rows.
  expect_round_trip(read_file(prefix + "tasks.csv"),
                    std::vector<TaskMetrics>{});
}

TEST(CsvSinkTest, DisabledKindsAreNotWritten) {
  FixtureTree dir;
  CsvSinkOptions o;
  o.tasks = false;
  o.ticks = false;
  CsvSink sink(dir.path("x-"), o);
  sink.on_task(some_tasks()[0]);
  sink.on_tick(some_tick(1));
  sink.on_decision(some_decision(1));
  sink.flush();
  EXPECT_FALSE(std::filesystem::exists(dir.path("x-tasks.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.path("x-experiment_log.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir.path("x-decisions.csv")));
  EXPECT_EQ(sink.rows_written(), 1);
  EXPECT_EQ(sink.rows_dropped(), 0);
}

TEST(CsvSinkTest, AFileThatCannotBeOpenedIsReportedOnce) {
  FixtureTree dir;
  int reports = 0;
  std::string message;
  CsvSinkOptions o;
  o.on_error = [&](const absl::Status& s) {
    ++reports;
    message = std::string(s.message());
  };
  CsvSink sink(dir.path("no/such/dir/run-"), o);
  EXPECT_EQ(reports, 1);
  EXPECT_THAT(message, HasSubstr("no/such/dir/run-"));
  for (int i = 0; i < 10; ++i) {
    sink.on_decision(some_decision(i));
    sink.flush();
  }
  EXPECT_EQ(reports, 1);
  EXPECT_EQ(sink.error().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sink.rows_dropped(), 10);
}

TEST(CsvSinkTest, DiskFullIsReportedOnceAndRowsAreDropped) {
  std::ofstream full("/dev/full");
  if (!full.is_open()) GTEST_SKIP() << "/dev/full is not available here";
  int reports = 0;
  CsvSinkOptions o;
  o.on_error = [&](const absl::Status&) { ++reports; };
  CsvSink sink(nullptr, nullptr, &full, o);
  for (int i = 0; i < 20; ++i) {
    sink.on_decision(some_decision(i));
    sink.flush();
  }
  EXPECT_EQ(reports, 1);
  EXPECT_EQ(sink.error().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(sink.error().message()),
              HasSubstr("No space left on device"));
  EXPECT_GE(sink.rows_dropped(), 19);
}

// A stream buffer that accepts `budget` bytes, then fails every write.
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::size_t budget) : budget_(budget) {}
  std::string written;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
    if (budget_ == 0) return traits_type::eof();
    --budget_;
    written.push_back(traits_type::to_char_type(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n && budget_ > 0) {
      written.push_back(s[done++]);
      --budget_;
    }
    return done;
  }

 private:
  std::size_t budget_;
};

TEST(CsvSinkTest, AStreamFailingMidwayKeepsWhatWasWrittenWhole) {
  FailingBuffer buffer(600);
  std::ostream out(&buffer);
  int reports = 0;
  CsvSinkOptions o;
  o.on_error = [&](const absl::Status&) { ++reports; };
  CsvSink sink(&out, nullptr, nullptr, o);
  const std::vector<TaskMetrics> t = some_tasks();
  for (int round = 0; round < 10; ++round) {
    for (const TaskMetrics& m : t) sink.on_task(m);
    sink.flush();
  }
  EXPECT_EQ(reports, 1);
  EXPECT_FALSE(sink.error().ok());
  EXPECT_EQ(sink.rows_written() + sink.rows_dropped(), 50);
  EXPECT_GT(sink.rows_dropped(), 0);
  // Nothing is written after the failure.
  EXPECT_EQ(buffer.written.size(), 600u);
}

TEST(CsvSinkTest, TheExecutorIsUnaffectedByAFullDisk) {
  auto full = std::make_shared<std::ofstream>("/dev/full");
  if (!full->is_open()) GTEST_SKIP() << "/dev/full is not available here";
  auto reports = std::make_shared<std::atomic<int>>(0);
  CsvSinkOptions o;
  o.on_error = [reports](const absl::Status&) { ++*reports; };
  auto sink = std::make_shared<CsvSink>(full.get(), full.get(), full.get(), o);
  MetricsOptions every_task;
  every_task.record_spacing = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<Executor>> ex = ExecutorBuilder()
                                                     .no_sensor()
                                                     .sink(sink)
                                                     .metrics_options(every_task)
                                                     .min_workers(2)
                                                     .max_workers(2)
                                                     .manual_control()
                                                     .build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  for (int round = 0; round < 3; ++round) {
    std::vector<Future<int>> futures;
    for (int i = 0; i < 50; ++i) {
      futures.push_back((*ex)->submit([i] { return i * 2; }));
    }
    for (int i = 0; i < 50; ++i) EXPECT_EQ(futures[i].get(), i * 2);
    (*ex)->controller().tick();
  }
  (*ex)->shutdown(true);
  EXPECT_EQ(reports->load(), 1);
  EXPECT_FALSE(sink->error().ok());
}

TEST(CsvSinkTest, TheTypedBuilderTakesAPathPrefix) {
  FixtureTree dir;
  absl::StatusOr<std::unique_ptr<Executor>> ex =
      ExecutorBuilder()
          .no_sensor()
          .sink<CsvSink>(dir.path("typed-"))
          .min_workers(1)
          .max_workers(1)
          .manual_control()
          .build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  (*ex)->controller().tick();
  (*ex)->controller().tick();
  (*ex)->shutdown(true);
  const auto rows = parse_csv(read_file(dir.path("typed-decisions.csv")));
  ASSERT_EQ(rows.size(), 3u);  // header + one row per tick
  EXPECT_EQ(record_from_cells<DecisionRecord>(rows[2]).policy, "beta_veto");
}

}  // namespace
}  // namespace betapool

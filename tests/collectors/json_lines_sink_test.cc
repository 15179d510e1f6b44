// JsonLinesSink: every line is one valid JSON object whose first key is the
// record kind; records round-trip (write, parse back with Boost.JSON,
// compare); a full disk is reported once; "json_lines" is registered.
#include "betapool/builtins.h"
#include "collectors/json_lines_sink.h"

#include <boost/json/src.hpp>

#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/component_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/collectors/record_parsing.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::DoubleMatch;
using ::betapool::fixture::expect_same_record;
using ::betapool::fixture::FixtureTree;
using ::betapool::fixture::record_from_json;
using ::testing::HasSubstr;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<boost::json::object> parse_lines(const std::string& text) {
  std::vector<boost::json::object> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << "not JSON: " << line;
    EXPECT_TRUE(v.is_object()) << line;
    if (!ec && v.is_object()) out.push_back(v.as_object());
  }
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  return out;
}

TaskMetrics task(uint64_t id) {
  TaskMetrics m;
  m.task_id = id;
  m.wall_time = 0.25;
  m.cpu_time = 0.05;
  m.blocking_ratio = 0.8;
  m.timestamp = 7.0;
  m.success = id % 2 == 0;
  m.error_message = m.success ? "" : "bad \"input\"\n\ttab \x01 é";
  return m;
}

ExperimentLogEntry tick(double t) {
  ExperimentLogEntry e;
  e.timestamp = t;
  e.active_threads = 3;
  e.blocking_ratio = 0.5;
  e.cpu_percent = kNaN;
  e.throughput = 10;
  e.p50_latency = 0.1;
  e.p99_latency = 0.9;
  e.queue_depth = 0;
  e.p95_latency = 0.5;
  return e;
}

DecisionRecord decision(double t) {
  DecisionRecord d;
  d.timestamp = t;
  d.threads_before = 3;
  d.requested = 2;
  d.threads_after = 2;
  d.decision = "scale_down";
  d.reason = "GIL safety veto: beta 0.12 < 0.30";
  d.blocking_ratio = 0.12;
  d.lock_wait_ratio = 0.4;
  d.cpu_percent = kNaN;
  d.process_cpu_percent = 50;
  d.throughput = 3.25;
  d.queue_depth = 9;
  d.policy = "beta_veto";
  d.tasks_completed = 77;
  d.pressure_some_percent = 12.5;
  d.throttled_percent = kNaN;
  d.effective_cpus = 0.5;
  return d;
}

TEST(JsonLinesSinkTest, RoundTripOfAllKindsInOneStream) {
  std::ostringstream out;
  JsonLinesSink sink(out);
  sink.on_task(task(1));
  sink.on_task(task(2));
  sink.on_tick(tick(0.5));
  sink.on_decision(decision(0.5));
  sink.flush();
  const std::vector<boost::json::object> lines = parse_lines(out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].at("type").as_string(), "task");
  EXPECT_EQ(lines[2].at("type").as_string(), "tick");
  EXPECT_EQ(lines[3].at("type").as_string(), "decision");
  expect_same_record(task(1), record_from_json<TaskMetrics>(lines[0]),
      DoubleMatch::kWithinOneUlp);
  expect_same_record(task(2), record_from_json<TaskMetrics>(lines[1]),
      DoubleMatch::kWithinOneUlp);
  expect_same_record(tick(0.5), record_from_json<ExperimentLogEntry>(lines[2]),
      DoubleMatch::kWithinOneUlp);
  expect_same_record(decision(0.5),
                     record_from_json<DecisionRecord>(lines[3]),
      DoubleMatch::kWithinOneUlp);
  EXPECT_EQ(sink.lines_written(), 4);
  EXPECT_TRUE(sink.error().ok());
}

TEST(JsonLinesSinkTest, KindsCanBeLeftOut) {
  std::ostringstream out;
  JsonLinesSinkOptions o;
  o.tasks = false;
  JsonLinesSink sink(out, o);
  sink.on_task(task(1));
  sink.on_decision(decision(1));
  sink.flush();
  const auto lines = parse_lines(out.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("type").as_string(), "decision");
}

TEST(JsonLinesSinkTest, FileIsFlushedAtEachTick) {
  FixtureTree dir;
  const std::string path = dir.path("pool.jsonl");
  JsonLinesSink sink(path);
  for (int i = 0; i < 3; ++i) {
    sink.on_decision(decision(i));
    sink.flush();
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(parse_lines(text.str()).size(), static_cast<std::size_t>(i + 1));
  }
}

TEST(JsonLinesSinkTest, DiskFullIsReportedOnce) {
  int reports = 0;
  std::string message;
  bool error_visible_in_callback = false;
  JsonLinesSink* self = nullptr;
  JsonLinesSinkOptions o;
  o.on_error = [&](const absl::Status& s) {
    ++reports;
    message = std::string(s.message());
    // The callback runs outside the sink's lock, so it may query the sink.
    if (self != nullptr) error_visible_in_callback = !self->error().ok();
  };
  JsonLinesSink sink("/dev/full", o);
  if (!sink.error().ok()) GTEST_SKIP() << "/dev/full cannot be opened here";
  self = &sink;
  for (int i = 0; i < 10; ++i) {
    sink.on_decision(decision(i));
    sink.flush();
  }
  EXPECT_EQ(reports, 1);
  EXPECT_TRUE(error_visible_in_callback);
  EXPECT_THAT(message, HasSubstr("No space left on device"));
  EXPECT_THAT(message, HasSubstr("/dev/full"));
  EXPECT_GE(sink.lines_dropped(), 9);
}

TEST(JsonLinesSinkTest, AFileThatCannotBeOpenedIsReportedAtConstruction) {
  FixtureTree dir;
  int reports = 0;
  JsonLinesSinkOptions o;
  o.on_error = [&](const absl::Status&) { ++reports; };
  JsonLinesSink sink(dir.path("missing/dir/x.jsonl"), o);
  EXPECT_EQ(reports, 1);
  sink.on_tick(tick(1));
  sink.flush();
  EXPECT_EQ(reports, 1);
  EXPECT_THAT(std::string(sink.error().message()), HasSubstr("missing/dir"));
  EXPECT_EQ(sink.lines_dropped(), 1);
}

TEST(JsonLinesSinkTest, RegisteredByNameToStderr) {
  absl::StatusOr<std::unique_ptr<MetricsSink>> s =
      builtin_registry().create_sink("json_lines", ComponentContext{});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NE(dynamic_cast<JsonLinesSink*>(s->get()), nullptr);
}

}  // namespace
}  // namespace betapool

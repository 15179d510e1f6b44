// collectors/record_fields.h: every record type is writable as CSV and
// JSON, values read back exactly (doubles shortest round-trip, NaN as
// empty/null), and strings with commas, quotes, line breaks, control
// characters and invalid UTF-8 stay parseable; a Tagged record writes its
// tags' columns, then its record's.
#include "collectors/record_fields.h"

#include <boost/json/src.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "core/scaling_decision.h"
#include "core/task_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/collectors/record_parsing.h"

namespace betapool {
namespace {

using ::betapool::fixture::DoubleMatch;
using ::betapool::fixture::expect_same_record;
using ::betapool::fixture::parse_csv;
using ::betapool::fixture::record_from_cells;
using ::betapool::fixture::record_from_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Color : uint8_t { kRed = 1, kBlue = 7 };

// A user's own record: any flat aggregate with kFieldNames works.
struct UserRow {
  uint64_t id = 0;
  int16_t small = 0;
  float ratio = 0.0f;
  Color color = Color::kRed;
  const char* label = "";
  static constexpr std::array<const char*, 5> kFieldNames{
      "id", "small", "ratio", "color", "label"};
};

static_assert(record_field_count<TaskMetrics>() == 8);
static_assert(record_field_count<AggregatedMetrics>() == 13);
static_assert(record_field_count<ExperimentLogEntry>() ==
              ExperimentLogEntry::kFieldNames.size());
static_assert(record_field_count<DecisionRecord>() ==
              DecisionRecord::kFieldNames.size());
static_assert(record_field_count<UserRow>() == 5);

DecisionRecord tricky_decision() {
  DecisionRecord d;
  d.timestamp = 12.345678901234567;
  d.threads_before = 4;
  d.requested = 70;
  d.threads_after = 64;
  d.decision = "scale_up";
  d.reason = "beta 0.91 > 0.70, \"cpu\" 20%\nsecond line, β";
  d.blocking_ratio = 0.1;
  d.lock_wait_ratio = kNaN;
  d.cpu_percent = kNaN;
  d.process_cpu_percent = 1e-300;
  d.throughput = 1.7976931348623157e308;
  d.queue_depth = -1;
  d.policy = "beta_veto";
  d.tasks_completed = INT64_MAX;
  d.pressure_some_percent = 5e-324;
  d.throttled_percent = 0.0;
  d.effective_cpus = 1.5;
  return d;
}

TEST(RecordFieldsTest, CsvHeaderIsTheFieldNames) {
  std::string out;
  append_csv_header<TaskMetrics>(out);
  EXPECT_EQ(out,
            "task_id,wall_time,cpu_time,lock_wait_time,blocking_ratio,"
            "timestamp,success,error_message\n");
}

TEST(RecordFieldsTest, CsvCells) {
  std::string out;
  internal::append_csv_value(out, kNaN);
  EXPECT_EQ(out, "");
  out.clear();
  internal::append_csv_value(out, -kInf);
  EXPECT_EQ(out, "-inf");
  out.clear();
  internal::append_csv_value(out, 0.1);
  EXPECT_EQ(out, "0.1");
  out.clear();
  internal::append_csv_value(out, std::string_view("plain"));
  EXPECT_EQ(out, "plain");
  out.clear();
  internal::append_csv_value(out, std::string_view("a,\"b\"\r\n"));
  EXPECT_EQ(out, "\"a,\"\"b\"\"\r\n\"");
}

TEST(RecordFieldsTest, JsonStringsAreEscapedAndValidUtf8) {
  std::string out;
  internal::append_json_value(
      out, std::string_view("q\" b\\ \n\r\t\b\f \x01\x1f\x7f é€😀"));
  EXPECT_EQ(out,
            "\"q\\\" b\\\\ \\n\\r\\t\\b\\f \\u0001\\u001f\\u007f é€😀\"");
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an
  // overlong '/', a surrogate) becomes U+FFFD; the line stays valid JSON.
  out.clear();
  const std::string bad = "a\x80" "b\xE2\x82" "c\xC0\xAF" "d\xED\xA0\x80";
  internal::append_json_value(out, bad);
  const boost::json::value v = boost::json::parse(out);
  ASSERT_TRUE(v.is_string());
  EXPECT_EQ(std::string(v.get_string()),
            "a\uFFFDb\uFFFD\uFFFDc\uFFFD\uFFFDd\uFFFD\uFFFD\uFFFD");
}

TEST(RecordFieldsTest, JsonNumbersAndNonFinite) {
  std::string out;
  internal::append_json_value(out, kNaN);
  out += ",";
  internal::append_json_value(out, kInf);
  out += ",";
  internal::append_json_value(out, -0.5);
  out += ",";
  internal::append_json_value(out, true);
  EXPECT_EQ(out, "null,null,-0.5,true");
}

TEST(RecordFieldsTest, NumbersAreTheShortestTextThatReadsBackExactly) {
  for (double x : {0.1, 1.0 / 3.0, 1.0 - 0.001 / 0.0123, 1e-300, 5e-324,
                   1.7976931348623157e308, -2.5, 0.0, 123456789.125}) {
    for (const bool json : {false, true}) {
      std::string out;
      json ? internal::append_json_value(out, x)
           : internal::append_csv_value(out, x);
      double back = 0;
      const auto r = std::from_chars(out.data(), out.data() + out.size(), back);
      EXPECT_TRUE(r.ec == std::errc() && r.ptr == out.data() + out.size())
          << out;
      EXPECT_EQ(back, x) << out;
    }
  }
  std::string out;
  internal::append_csv_value(out, 0.3);
  EXPECT_EQ(out, "0.3");
}

TEST(RecordFieldsTest, CsvRowRoundTrip) {
  const DecisionRecord d = tricky_decision();
  std::string out;
  append_csv_header<DecisionRecord>(out);
  append_csv_row(out, d);
  const auto rows = parse_csv(out);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), DecisionRecord::kFieldNames.size());
  for (std::size_t i = 0; i < rows[0].size(); ++i) {
    EXPECT_EQ(rows[0][i], DecisionRecord::kFieldNames[i]);
  }
  expect_same_record(d, record_from_cells<DecisionRecord>(rows[1]));
}

TEST(RecordFieldsTest, JsonObjectRoundTripWithType) {
  const DecisionRecord d = tricky_decision();
  std::string out;
  append_json_object(out, d, "decision");
  const boost::json::value v = boost::json::parse(out);
  ASSERT_TRUE(v.is_object());
  const boost::json::object& o = v.get_object();
  EXPECT_EQ(o.begin()->key(), "type");  // first, so grep/jq can filter
  EXPECT_EQ(o.at("type").as_string(), "decision");
  EXPECT_EQ(o.size(), DecisionRecord::kFieldNames.size() + 1);
  expect_same_record(d, record_from_json<DecisionRecord>(o),
      DoubleMatch::kWithinOneUlp);
}

TEST(RecordFieldsTest, InfinityIsNullInJsonAndInfInCsv) {
  ExperimentLogEntry e;
  e.throughput = kInf;
  std::string json;
  append_json_object(json, e);
  EXPECT_TRUE(boost::json::parse(json).as_object().at("throughput").is_null());
  std::string csv;
  append_csv_row(csv, e);
  const ExperimentLogEntry back =
      record_from_cells<ExperimentLogEntry>(parse_csv(csv).at(0));
  EXPECT_EQ(back.throughput, kInf);
}

TEST(RecordFieldsTest, UserRecordsWithEnumsAndNarrowTypes) {
  const UserRow row{UINT64_MAX, -7, 0.25f, Color::kBlue, "x,y"};
  std::string csv;
  append_csv_row(csv, row);
  EXPECT_EQ(csv, "18446744073709551615,-7,0.25,7,\"x,y\"\n");
  std::string json;
  append_json_object(json, row);
  EXPECT_EQ(json,
            "{\"id\":18446744073709551615,\"small\":-7,\"ratio\":0.25,"
            "\"color\":7,\"label\":\"x,y\"}");
}

TEST(RecordFieldsTest, TaskMetricsRoundTrip) {
  TaskMetrics m;
  m.task_id = 99;
  m.wall_time = 0.0123;
  m.cpu_time = 0.001;
  m.blocking_ratio = blocking_ratio(m.wall_time, m.cpu_time);
  m.timestamp = 3.5;
  m.success = false;
  m.error_message = "std::runtime_error: disk \"full\"";
  std::string csv;
  append_csv_row(csv, m);
  expect_same_record(m, record_from_cells<TaskMetrics>(parse_csv(csv).at(0)));
  std::string json;
  append_json_object(json, m, "task");
  expect_same_record(
      m, record_from_json<TaskMetrics>(boost::json::parse(json).as_object()),
      DoubleMatch::kWithinOneUlp);
}

// Tags and a record for the Tagged tests: the record's fields are not
// restated anywhere in the row type.
struct RunTag {
  std::string workload;
  int round = 0;
  static constexpr std::array<const char*, 2> kFieldNames{"workload", "round"};
};

struct Point {
  double x = 0.0;
  std::string label;
  static constexpr std::array<const char*, 2> kFieldNames{"x", "label"};
};

struct HostTag {
  std::string host;
  static constexpr std::array<const char*, 1> kFieldNames{"host"};
};

using TaggedPoint = Tagged<RunTag, Point>;

static_assert(WritableRecord<TaggedPoint>);
static_assert(!FieldNamedRecord<TaggedPoint>);
static_assert(record_field_names<TaggedPoint>().size() == 4);
static_assert(record_field_names<Tagged<RunTag, DecisionRecord>>().size() ==
              2 + DecisionRecord::kFieldNames.size());

TaggedPoint tricky_tagged_point() {
  return {{"a,b", 3}, {kNaN, "say \"hi\""}};
}

TEST(RecordFieldsTest, TaggedCsvIsTheTagsThenTheRecord) {
  std::string out;
  append_csv_header<TaggedPoint>(out);
  EXPECT_EQ(out, "workload,round,x,label\n");
  out.clear();
  append_csv_row(out, tricky_tagged_point());
  EXPECT_EQ(out, "\"a,b\",3,,\"say \"\"hi\"\"\"\n");
}

TEST(RecordFieldsTest, TaggedJsonHoldsBothSetsOfKeys) {
  std::string out;
  append_json_object(out, tricky_tagged_point());
  EXPECT_EQ(out,
            "{\"workload\":\"a,b\",\"round\":3,\"x\":null,"
            "\"label\":\"say \\\"hi\\\"\"}");
  out.clear();
  append_json_object(out, tricky_tagged_point(), "point");
  EXPECT_EQ(out.rfind("{\"type\":\"point\",\"workload\":\"a,b\",", 0), 0u) << out;
}

TEST(RecordFieldsTest, TagsCanBeLayered) {
  using Layered = Tagged<HostTag, TaggedPoint>;
  const Layered row{{"h1"}, tricky_tagged_point()};
  std::string out;
  append_csv_header<Layered>(out);
  append_csv_row(out, row);
  EXPECT_EQ(out, "host,workload,round,x,label\nh1,\"a,b\",3,,\"say \"\"hi\"\"\"\n");
}

TEST(RecordFieldsTest, TaggedDecisionRecordRoundTrips) {
  const DecisionRecord d = tricky_decision();
  using TaggedDecision = Tagged<RunTag, DecisionRecord>;
  const TaggedDecision row{{"mixed", 2}, d};
  std::string csv;
  append_csv_header<TaggedDecision>(csv);
  append_csv_row(csv, row);
  const auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), 2 + DecisionRecord::kFieldNames.size());
  EXPECT_EQ(rows[0][0], "workload");
  EXPECT_EQ(rows[0][2], "timestamp");
  EXPECT_EQ(rows[1][0], "mixed");
  EXPECT_EQ(rows[1][1], "2");
  const std::vector<std::string> record_cells(rows[1].begin() + 2, rows[1].end());
  expect_same_record(d, record_from_cells<DecisionRecord>(record_cells));
  std::string json;
  append_json_object(json, row);
  const boost::json::object o = boost::json::parse(json).as_object();
  EXPECT_EQ(o.at("workload").as_string(), "mixed");
  EXPECT_EQ(o.at("round").as_int64(), 2);
  EXPECT_EQ(o.size(), 2 + DecisionRecord::kFieldNames.size());
  expect_same_record(d, record_from_json<DecisionRecord>(o), DoubleMatch::kWithinOneUlp);
}

}  // namespace
}  // namespace betapool

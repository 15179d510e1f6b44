// lab/record_writer.h: CSV and JSON lines files of flat and tagged rows.
#include "lab/record_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/scaling_decision.h"
#include "gtest/gtest.h"
#include "lab/lab_records.h"

namespace betapool {
namespace {

struct Row {
  int threads = 0;
  double throughput = 0.0;
  bool gil = false;
  std::string name;
  int64_t count = 0;
  static constexpr std::array<const char*, 5> kFieldNames{"threads", "throughput",
                                                          "gil", "name", "count"};
};

TEST(RecordWriterTest, CsvHeaderAndRowFollowTheStruct) {
  EXPECT_EQ(csv_header<Row>(), "threads,throughput,gil,name,count");
  Row r{8, 1234.5, true, "plain", 42};
  EXPECT_EQ(format_record(r, RecordFormat::kCsv), "8,1234.5,true,plain,42");
}

TEST(RecordWriterTest, CsvQuotesSeparatorsAndQuotes) {
  Row r{1, 0.25, false, "a,b \"c\"", -1};
  EXPECT_EQ(format_record(r, RecordFormat::kCsv), "1,0.25,false,\"a,b \"\"c\"\"\",-1");
}

TEST(RecordWriterTest, JsonLinesEscapeAndWriteNanAsNull) {
  Row r{2, NAN, true, "x\"y\\z\n", 7};
  EXPECT_EQ(format_record(r, RecordFormat::kJsonLines),
            "{\"threads\":2,\"throughput\":null,\"gil\":true,"
            "\"name\":\"x\\\"y\\\\z\\n\",\"count\":7}");
  EXPECT_EQ(format_record(r, RecordFormat::kCsv), "2,,true,\"x\"\"y\\z\n\",7");
}

TEST(RecordWriterTest, WritesFilesOneRowPerRecord) {
  const std::string dir = ::testing::TempDir();
  const std::string csv = dir + "/rows.csv";
  const std::string jsonl = dir + "/rows.jsonl";
  std::vector<SweepRow> rows(3);
  rows[1].threads = 16;
  ASSERT_TRUE(write_records(csv, RecordFormat::kCsv, rows).ok());
  ASSERT_TRUE(write_records(jsonl, RecordFormat::kJsonLines, rows).ok());
  auto lines = [](const std::string& path) {
    std::ifstream f(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(f, l);) out.push_back(l);
    return out;
  };
  const auto c = lines(csv);
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].rfind("workload,load,gil,threads,", 0), 0u) << c[0];
  const auto j = lines(jsonl);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_NE(j[1].find("\"threads\":16"), std::string::npos) << j[1];
}

TEST(RecordWriterTest, DecisionRowsAreTheRunTagsThenTheWholeDecisionRecord) {
  const std::string header = csv_header<Tagged<RunTags, DecisionRecord>>();
  EXPECT_EQ(header.rfind("workload,repetition,t,candidate,timestamp,threads_before,", 0), 0u)
      << header;
  EXPECT_TRUE(header.ends_with(",busy_workers,interval_completed")) << header;
  DecisionRecord d;
  d.timestamp = 0.5;
  d.decision = "hold";
  d.reason = "cpu, \"busy\"";
  d.blocking_ratio = NAN;
  d.policy = "beta_veto";
  d.busy_workers = 3;
  d.interval_completed = 17;
  const Tagged<RunTags, DecisionRecord> row{{"mixed", 2, 1.5, "beta_veto(a=1)"}, d};
  const std::string csv = format_record(row, RecordFormat::kCsv);
  EXPECT_EQ(csv.rfind("mixed,2,1.5,beta_veto(a=1),0.5,0,0,0,hold,\"cpu, \"\"busy\"\"\",,", 0),
            0u) << csv;
  EXPECT_TRUE(csv.ends_with(",3,17")) << csv;
  const std::string json = format_record(row, RecordFormat::kJsonLines);
  EXPECT_EQ(json.rfind("{\"workload\":\"mixed\",\"repetition\":2,\"t\":1.5,"
                       "\"candidate\":\"beta_veto(a=1)\",\"timestamp\":0.5,", 0),
            0u) << json;
  EXPECT_NE(json.find("\"blocking_ratio\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"policy\":\"beta_veto\""), std::string::npos) << json;
  EXPECT_TRUE(json.ends_with("\"busy_workers\":3,\"interval_completed\":17}")) << json;
}

TEST(RecordWriterTest, UnwritablePathIsAnErrorNamingIt) {
  const absl::Status s =
      write_records("/nonexistent-dir/x.csv", RecordFormat::kCsv, std::vector<Row>{});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x.csv"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace betapool

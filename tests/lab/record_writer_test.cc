#include "lab/record_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

TEST(RecordWriterTest, UnwritablePathIsAnErrorNamingIt) {
  const absl::Status s =
      write_records("/nonexistent-dir/x.csv", RecordFormat::kCsv, std::vector<Row>{});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x.csv"), absl::string_view::npos) << s;
}

}  // namespace
}  // namespace betapool

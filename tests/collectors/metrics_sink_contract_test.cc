// Runs the MetricsSink contract (testing/metrics_sink_contract.h) on every
// built-in sink: CsvSink and JsonLinesSink on streams and on files,
// PrometheusSink rendered and as a textfile, and InMemorySink. Each maker's
// observe() is what a reader of that sink sees.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "collectors/csv_sink.h"
#include "collectors/json_lines_sink.h"
#include "collectors/prometheus_sink.h"
#include "core/in_memory_sink.h"
#include "gtest/gtest.h"
#include "testing/metrics_sink_contract.h"
#include "tests/sensors/fixture_tree.h"

namespace {

using betapool::MetricsSink;
using betapool::fixture::FixtureTree;

std::string file_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct CsvOnStreams {
  std::unique_ptr<MetricsSink> make() {
    tasks_.str("");
    ticks_.str("");
    decisions_.str("");
    return std::make_unique<betapool::CsvSink>(&tasks_, &ticks_, &decisions_);
  }
  std::string observe() {
    return absl::StrCat(tasks_.str(), "\f", ticks_.str(), "\f", decisions_.str());
  }
  std::ostringstream tasks_;
  std::ostringstream ticks_;
  std::ostringstream decisions_;
};

struct CsvOnFiles {
  std::unique_ptr<MetricsSink> make() {
    return std::make_unique<betapool::CsvSink>(tree_.path("run-"));
  }
  std::string observe() {
    return absl::StrCat(file_contents(tree_.path("run-tasks.csv")), "\f",
                        file_contents(tree_.path("run-experiment_log.csv")), "\f",
                        file_contents(tree_.path("run-decisions.csv")));
  }
  FixtureTree tree_;
};

struct JsonLinesOnStream {
  std::unique_ptr<MetricsSink> make() {
    out_.str("");
    return std::make_unique<betapool::JsonLinesSink>(out_);
  }
  std::string observe() { return out_.str(); }
  std::ostringstream out_;
};

struct JsonLinesOnFile {
  std::unique_ptr<MetricsSink> make() {
    return std::make_unique<betapool::JsonLinesSink>(tree_.path("pool.jsonl"));
  }
  std::string observe() { return file_contents(tree_.path("pool.jsonl")); }
  FixtureTree tree_;
};

struct PrometheusRendered {
  std::unique_ptr<MetricsSink> make() {
    auto sink = std::make_unique<betapool::PrometheusSink>();
    last_ = sink.get();
    return sink;
  }
  std::string observe() { return last_->render(); }
  betapool::PrometheusSink* last_ = nullptr;
};

struct PrometheusTextfile {
  std::unique_ptr<MetricsSink> make() {
    return std::make_unique<betapool::PrometheusSink>(
        betapool::PrometheusSinkOptions{.textfile_path = tree_.path("pool.prom")});
  }
  std::string observe() { return file_contents(tree_.path("pool.prom")); }
  FixtureTree tree_;
};

struct InMemory {
  std::unique_ptr<MetricsSink> make() {
    auto sink = std::make_unique<betapool::InMemorySink>(100, 100);
    last_ = sink.get();
    return sink;
  }
  // Sizes and the newest entries' key fields: enough to see any change.
  std::string observe() {
    const auto log = last_->experiment_log();
    const auto decisions = last_->decisions();
    return absl::StrCat(log.size(), " ", decisions.size(), " ", last_->dropped(), " ",
                        log.empty() ? -1.0 : log.back().timestamp, " ",
                        decisions.empty() ? "" : decisions.back().reason);
  }
  betapool::InMemorySink* last_ = nullptr;
};

using BuiltinSinks =
    ::testing::Types<CsvOnStreams, CsvOnFiles, JsonLinesOnStream, JsonLinesOnFile,
                     PrometheusRendered, PrometheusTextfile, InMemory>;
INSTANTIATE_TYPED_TEST_SUITE_P(BuiltinMetricsSinkContract, MetricsSinkContract, BuiltinSinks);

}  // namespace

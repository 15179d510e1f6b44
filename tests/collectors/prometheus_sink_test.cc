// PrometheusSink: the exposition text parsed back (names, labels, values,
// NaN for unavailable readings, counters of decisions by kind), validated by
// `promtool check metrics` when promtool is installed, written atomically to
// a textfile, and fed by a real executor's ticks.
#include "collectors/prometheus_sink.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "betapool/executor_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/sensors/fixture_tree.h"

namespace betapool {
namespace {

using ::betapool::fixture::FixtureTree;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// "name{labels}" -> value text, for every sample line; checks that every
// sample's family was announced by HELP and TYPE lines before it.
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::map<std::string, std::string> types;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream f(line.substr(7));
      std::string name, type;
      f >> name >> type;
      types[name] = type;
      continue;
    }
    if (line.rfind("#", 0) == 0) continue;
    const std::size_t space = line.rfind(' ');
    EXPECT_NE(space, std::string::npos) << line;
    if (space == std::string::npos) continue;
    const std::string key = line.substr(0, space);
    const std::string family = key.substr(0, key.find('{'));
    EXPECT_TRUE(types.count(family)) << "no TYPE before " << line;
    EXPECT_TRUE(out.emplace(key, line.substr(space + 1)).second)
        << "duplicate sample " << key;
  }
  return out;
}

DecisionRecord decision(int before, int after, double t = 10.0) {
  DecisionRecord d;
  d.timestamp = t;
  d.threads_before = before;
  d.requested = after;
  d.threads_after = after;
  d.decision = after > before ? "scale_up" : after < before ? "scale_down" : "hold";
  d.blocking_ratio = 0.85;
  d.lock_wait_ratio = 0.01;
  d.cpu_percent = 42.0;
  d.process_cpu_percent = 30.0;
  d.throughput = 250.5;
  d.queue_depth = 12;
  d.policy = "beta_veto";
  d.tasks_completed = 1000;
  d.pressure_some_percent = 5.0;
  d.throttled_percent = kNaN;  // no quota sensor
  d.effective_cpus = 2.0;
  return d;
}

ExperimentLogEntry tick() {
  ExperimentLogEntry e;
  e.timestamp = 10.0;
  e.active_threads = 6;
  e.p50_latency = 0.002;
  e.p95_latency = 0.01;
  e.p99_latency = 0.05;
  return e;
}

TEST(PrometheusSinkTest, BeforeAnyTickOnlyTheDecisionCounters) {
  PrometheusSink sink;
  const auto s = samples(sink.render());
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.at("betapool_decisions_total{pool=\"default\",kind=\"hold\"}"),
            "0");
  EXPECT_EQ(
      s.at("betapool_decisions_total{pool=\"default\",kind=\"scale_up\"}"), "0");
}

TEST(PrometheusSinkTest, LatestStateAndCounters) {
  PrometheusSink sink({.pool = "ingest"});
  sink.on_tick(tick());
  sink.on_decision(decision(4, 6));
  sink.on_decision(decision(6, 6));
  sink.on_decision(decision(6, 6));
  sink.on_decision(decision(6, 5));
  const std::string text = sink.render();
  const auto s = samples(text);
  const auto get = [&](const std::string& name, const std::string& extra = "") {
    const std::string key =
        name + "{pool=\"ingest\"" + (extra.empty() ? "" : "," + extra) + "}";
    EXPECT_TRUE(s.count(key)) << key << " missing in\n" << text;
    return s.count(key) ? s.at(key) : std::string();
  };
  EXPECT_EQ(get("betapool_threads"), "5");
  EXPECT_EQ(get("betapool_queue_depth"), "12");
  EXPECT_EQ(get("betapool_tasks_completed_total"), "1000");
  EXPECT_EQ(get("betapool_blocking_ratio"), "0.85");
  EXPECT_EQ(get("betapool_throughput_tasks_per_second"), "250.5");
  EXPECT_EQ(get("betapool_task_latency_seconds", "quantile=\"0.5\""), "0.002");
  EXPECT_EQ(get("betapool_task_latency_seconds", "quantile=\"0.95\""), "0.01");
  EXPECT_EQ(get("betapool_task_latency_seconds", "quantile=\"0.99\""), "0.05");
  EXPECT_EQ(get("betapool_cpu_utilization_ratio"), "0.42");
  EXPECT_EQ(get("betapool_process_cpu_utilization_ratio"), "0.3");
  EXPECT_EQ(get("betapool_cpu_pressure_some_ratio"), "0.05");
  EXPECT_EQ(get("betapool_cpu_throttled_periods_ratio"), "NaN");
  EXPECT_EQ(get("betapool_effective_cpus"), "2");
  EXPECT_EQ(get("betapool_uptime_seconds"), "10");
  EXPECT_EQ(get("betapool_decisions_total", "kind=\"hold\""), "2");
  EXPECT_EQ(get("betapool_decisions_total", "kind=\"scale_up\""), "1");
  EXPECT_EQ(get("betapool_decisions_total", "kind=\"scale_down\""), "1");
  EXPECT_THAT(text, HasSubstr("# TYPE betapool_task_latency_seconds summary\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE betapool_tasks_completed_total counter\n"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(PrometheusSinkTest, PoolLabelIsEscaped) {
  PrometheusSink sink({.pool = "a\"b\\c\nd"});
  const std::string text = sink.render();
  EXPECT_THAT(text, HasSubstr("pool=\"a\\\"b\\\\c\\nd\""));
  EXPECT_THAT(text, Not(HasSubstr("c\nd")));
}

// The promtool binary: CI installs Debian's prometheus package.
std::string find_promtool() {
  if (::access("/usr/bin/promtool", X_OK) == 0) return "/usr/bin/promtool";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string p = dir + "/promtool";
    if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// Runs `promtool check metrics < file`; returns its exit code and output.
std::pair<int, std::string> promtool_check(const std::string& promtool,
                                           const std::string& file) {
  const std::string cmd =
      "'" + promtool + "' check metrics < '" + file + "' 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, "popen failed"};
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof(buf), p) != nullptr) output += buf;
  const int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST(PrometheusSinkTest, PromtoolAcceptsTheOutput) {
  const std::string promtool = find_promtool();
  if (promtool.empty()) {
    GTEST_SKIP() << "promtool not found (install Debian's 'prometheus' "
                    "package; CI does): exposition format not validated";
  }
  FixtureTree dir;
  // Empty, full, with NaN, and with an awkward pool name.
  std::vector<std::string> texts;
  texts.push_back(PrometheusSink().render());
  PrometheusSink full({.pool = "we\"ird\\pool\nname"});
  full.on_tick(tick());
  full.on_decision(decision(2, 4));
  DecisionRecord unavailable = decision(4, 4);
  unavailable.blocking_ratio = kNaN;
  unavailable.cpu_percent = kNaN;
  unavailable.throughput = std::numeric_limits<double>::infinity();
  full.on_decision(unavailable);
  texts.push_back(full.render());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string file = dir.path("m" + std::to_string(i) + ".prom");
    std::ofstream(file) << texts[i];
    const auto [code, output] = promtool_check(promtool, file);
    EXPECT_EQ(code, 0) << "promtool says:\n" << output << "\nfor:\n" << texts[i];
  }
  // The check is not vacuous: promtool rejects a broken exposition.
  const std::string bad = dir.path("bad.prom");
  std::ofstream(bad) << "# TYPE x counter\nx{a=\"b\n";
  EXPECT_NE(promtool_check(promtool, bad).first, 0);
}

TEST(PrometheusSinkTest, TextfileIsReplacedAtomicallyAtEachFlush) {
  FixtureTree dir;
  const std::string path = dir.path("betapool.prom");
  PrometheusSink sink({.textfile_path = path});
  sink.on_decision(decision(1, 3));
  sink.flush();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), sink.render());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_TRUE(sink.error().ok());
}

TEST(PrometheusSinkTest, TextfileErrorsAreReportedOnce) {
  FixtureTree dir;
  int reports = 0;
  PrometheusSink sink({.textfile_path = dir.path("no/dir/x.prom"),
                       .on_error = [&](const absl::Status&) { ++reports; }});
  for (int i = 0; i < 5; ++i) {
    sink.on_decision(decision(1, 1));
    sink.flush();
  }
  EXPECT_EQ(reports, 1);
  EXPECT_THAT(std::string(sink.error().message()), HasSubstr("no/dir"));
  // write_file reports every failure to its caller.
  EXPECT_FALSE(sink.write_file(dir.path("no/dir/y.prom")).ok());
  EXPECT_TRUE(sink.write_file(dir.path("y.prom")).ok());
}

TEST(PrometheusSinkTest, FedByAnExecutorsTicks) {
  auto prom = std::make_shared<PrometheusSink>(
      PrometheusSinkOptions{.pool = "test"});
  absl::StatusOr<std::unique_ptr<Executor>> ex = ExecutorBuilder()
                                                     .no_sensor()
                                                     .sink(prom)
                                                     .min_workers(2)
                                                     .max_workers(2)
                                                     .manual_control()
                                                     .build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  std::vector<Future<int>> futures;
  for (int i = 0; i < 40; ++i) futures.push_back((*ex)->submit([i] { return i; }));
  for (auto& f : futures) f.get();
  (*ex)->shutdown(true);  // after this the completion counters are exact
  const DecisionRecord d = (*ex)->controller().tick();
  EXPECT_EQ(d.tasks_completed, 40);
  const auto s = samples(prom->render());
  EXPECT_EQ(s.at("betapool_tasks_completed_total{pool=\"test\"}"), "40");
  // No sensor: the CPU readings are unavailable, not zero.
  EXPECT_EQ(s.at("betapool_cpu_utilization_ratio{pool=\"test\"}"), "NaN");
  EXPECT_EQ(s.at("betapool_effective_cpus{pool=\"test\"}"), "NaN");
  EXPECT_EQ(s.at("betapool_decisions_total{pool=\"test\",kind=\"hold\"}"), "1");
}

}  // namespace
}  // namespace betapool

#include "lab/sim/trace_scenario.h"

#include <sstream>

#include "gtest/gtest.h"

namespace betapool {
namespace {

absl::StatusOr<Scenario> parse(const std::string& text) {
  std::istringstream in(text);
  return scenario_from_trace(in);
}

constexpr char kHeader[] =
    "# cpus=8\n# profile=demo\n"
    "arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s\n";

TEST(TraceScenarioTest, MeansMatchRecordedRows) {
  auto s = parse(std::string(kHeader) +
                 "0.0,0.004,0.001,0,0.050\n"
                 "0.5,0.006,0.002,0,0.030\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->machine.cores, 8.0);
  EXPECT_EQ(s->name, "trace:demo");
  const TaskProfile& p = s->profile_at(0.0);
  EXPECT_NEAR(p.mean_cpu_seconds(), 0.005, 1e-9);
  EXPECT_NEAR(p.mean_gil_seconds(), 0.0015, 1e-9);
  EXPECT_NEAR(p.mean_wait_seconds(), 0.040, 1e-9);
  EXPECT_TRUE(s->gil.enabled);
  EXPECT_EQ(s->arrivals.kind, ArrivalSpec::Kind::kPoisson);
  EXPECT_NEAR(s->arrivals.rate, 2.0, 1e-9);
}

// A closed-loop recording's arrivals are completions of the recorded pool,
// not demand: it replays as the same closed loop.
TEST(TraceScenarioTest, ClosedLoopRecordingReplaysAsAClosedLoop) {
  auto s = parse("# cpus=2\n# clients=128\n"
                 "arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s\n"
                 "0.0,0.004,0,0,0.050\n"
                 "0.5,0.006,0,0,0.030\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->arrivals.kind, ArrivalSpec::Kind::kClosedLoop);
  EXPECT_EQ(s->arrivals.population, 128);
  EXPECT_FALSE(s->gil.enabled);
}

TEST(TraceScenarioTest, BadClientsNamesLineAndField) {
  for (const char* bad : {"0", "-3", "many", "2.5"}) {
    auto s = parse(std::string("# cpus=2\n# clients=") + bad +
                   "\narrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s\n0,1,0,0,0\n");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.status().message().find("line 2"), std::string::npos) << s.status();
    EXPECT_NE(s.status().message().find("clients"), std::string::npos) << s.status();
  }
}

TEST(TraceScenarioTest, BadFieldNamesLineAndField) {
  auto s = parse(std::string(kHeader) + "0.0,x,0,0,0\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("line 4"), std::string::npos);
  EXPECT_NE(s.status().message().find("cpu_s"), std::string::npos);
}

TEST(TraceScenarioTest, MissingCpusAndWrongColumnsAreErrors) {
  EXPECT_FALSE(parse("arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s\n"
                     "0,1,0,0,0\n").ok());
  auto s = parse("# cpus=2\na,b\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace betapool

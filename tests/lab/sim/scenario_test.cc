#include "lab/sim/scenario.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/scenarios.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioTest, EveryReadyMadeScenarioIsValidAndNamedAfterTheSeed) {
  const std::vector<std::string> names = scenarios::names();
  EXPECT_EQ(names, (std::vector<std::string>{
                       "io_bound", "cpu_bound", "mixed", "rag_pipeline",
                       "fibonacci", "variable_latency", "bursty",
                       "io_to_cpu_phase_change"}));
  for (const Scenario& s : scenarios::all()) {
    EXPECT_TRUE(validate(s).ok()) << s.name << ": " << validate(s);
    EXPECT_FALSE(s.description.empty()) << s.name;
  }
}

TEST(ScenarioTest, FindReturnsTheScenarioOrListsTheNames) {
  absl::StatusOr<Scenario> s = scenarios::find("mixed");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "mixed");
  absl::StatusOr<Scenario> missing = scenarios::find("nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("'nope'; known scenarios: io_bound, cpu_bound"));
}

TEST(ScenarioTest, DescribeListsTheParameters) {
  const std::string text = scenarios::io_bound().describe();
  EXPECT_THAT(text, HasSubstr("4 cores"));
  EXPECT_THAT(text, HasSubstr("switch interval 5ms"));
  EXPECT_THAT(text, HasSubstr("closed loop, 200 tasks outstanding"));
  EXPECT_THAT(text, HasSubstr("wait uniform(30ms, 70ms)"));
  EXPECT_THAT(text, HasSubstr("pool: min 4, max 64, initial 4; run 600s"));
  EXPECT_THAT(scenarios::cpu_bound().describe(), HasSubstr("(0% GIL)"));
  EXPECT_THAT(scenarios::bursty().describe(),
              HasSubstr("bursty Poisson: 800 tasks/s for 5s, 100 tasks/s for 10s"));
  EXPECT_THAT(scenarios::io_to_cpu_phase_change().describe(),
              HasSubstr("from 300s: task 'cpu_task_python'"));
}

TEST(ScenarioTest, ProfileAtFollowsThePhases) {
  const Scenario s = scenarios::io_to_cpu_phase_change();
  EXPECT_EQ(s.profile_at(0).name, "io_task");
  EXPECT_EQ(s.profile_at(299.9).name, "io_task");
  EXPECT_EQ(s.profile_at(300).name, "cpu_task_python");
}

TEST(ScenarioTest, ProfileMeans) {
  const TaskProfile p = scenarios::mixed().phases[0].profile;
  EXPECT_NEAR(p.mean_cpu_seconds(), 0.004, 1e-12);
  EXPECT_NEAR(p.mean_gil_seconds(), 0.001, 1e-12);
  EXPECT_NEAR(p.mean_wait_seconds(), 0.020, 1e-12);
}

void expect_invalid(const Scenario& s, const std::string& field) {
  const absl::Status st = validate(s);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_THAT(std::string(st.message()), HasSubstr(field));
}

TEST(ScenarioTest, ValidateNamesTheBadFieldAndValue) {
  Scenario s = scenarios::mixed();
  s.machine.cores = 0.5;
  expect_invalid(s, "machine.cores must be >= 1, got 0.5");
  s = scenarios::mixed();
  s.machine.overhead_per_thread = -1;
  expect_invalid(s, "machine.overhead_per_thread");
  s = scenarios::mixed();
  s.gil.switch_interval = absl::ZeroDuration();
  expect_invalid(s, "gil.switch_interval");
  s = scenarios::mixed();
  s.arrivals.population = 0;
  expect_invalid(s, "arrivals.population must be >= 1, got 0");
  s = scenarios::mixed();
  s.arrivals = ArrivalSpec::poisson(-3);
  expect_invalid(s, "arrivals.rate");
  s = scenarios::bursty();
  s.arrivals.quiet_duration = absl::ZeroDuration();
  expect_invalid(s, "quiet_duration");
  s = scenarios::mixed();
  s.phases.clear();
  expect_invalid(s, "phases must not be empty");
  s = scenarios::mixed();
  s.phases[0].start = absl::Seconds(1);
  expect_invalid(s, "phases[0].start must be 0");
  s = scenarios::io_to_cpu_phase_change();
  s.phases[1].start = absl::ZeroDuration();
  expect_invalid(s, "phases[1].start");
  s = scenarios::mixed();
  s.phases[0].profile.segments[1].gil_fraction = 1.5;
  expect_invalid(s, "gil_fraction must be in [0, 1], got 1.5");
  s = scenarios::mixed();
  s.min_workers = 0;
  expect_invalid(s, "min_workers must be >= 1, got 0");
  s = scenarios::mixed();
  s.max_workers = 2;
  expect_invalid(s, "max_workers must be >= min_workers (4), got 2");
  s = scenarios::mixed();
  s.initial_workers = 100;
  expect_invalid(s, "initial_workers");
  s = scenarios::mixed();
  s.duration = absl::ZeroDuration();
  expect_invalid(s, "duration must be positive");
}

}  // namespace
}  // namespace betapool

#include "lab/sim/ab_decisions.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/scenarios.h"

namespace betapool {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Per process, so two checkouts running the test at once do not collide.
std::string fresh_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("betapool_ab_decisions_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(AbDecisionsTest, OneFilePerCandidateAndSeedWithEveryTick) {
  AbOptions o;
  o.duration = absl::Seconds(5);
  o.seeds = {1, 2};
  o.record_reasons = true;
  const AbTable t =
      compare_policies(scenarios::io_bound(),
                       {AbCandidate::registered("beta_veto"), AbCandidate::fixed(8)}, o)
          .value();
  const std::string dir = fresh_dir("files");

  const std::vector<std::string> paths = write_decision_files(t, dir).value();

  const std::string stem = dir + "/" + t.scenario;
  EXPECT_THAT(paths, ElementsAre(stem + "_beta_veto_seed1_decisions.csv",
                                 stem + "_beta_veto_seed2_decisions.csv",
                                 stem + "_static_8_seed1_decisions.csv",
                                 stem + "_static_8_seed2_decisions.csv"));
  const std::vector<std::string> lines = lines_of(paths[1]);
  const SimResult& run = t.rows[0].runs[1];
  ASSERT_FALSE(run.ticks.empty());
  ASSERT_EQ(lines.size(), run.ticks.size() + 1);
  EXPECT_THAT(lines[0], StartsWith("timestamp,threads_before,requested,threads_after,"));
  EXPECT_THAT(lines[0], EndsWith(",busy_workers,interval_completed"));
  // The last tick's row: its policy and (recorded) reason are in it.
  EXPECT_THAT(lines.back(), HasSubstr(",beta_veto,"));
  EXPECT_THAT(lines.back(), HasSubstr(run.ticks.back().decision));
  EXPECT_FALSE(run.ticks.back().reason.empty());
  std::filesystem::remove_all(dir);
}

TEST(AbDecisionsTest, AMissingDirectoryIsAnErrorNamingTheFile) {
  AbOptions o;
  o.duration = absl::Seconds(2);
  const AbTable t =
      compare_policies(scenarios::io_bound(), {AbCandidate::fixed(4)}, o).value();
  const std::string dir = fresh_dir("missing") + "/no_such_dir";

  const absl::StatusOr<std::vector<std::string>> paths = write_decision_files(t, dir);

  ASSERT_FALSE(paths.ok());
  EXPECT_THAT(paths.status().message(), HasSubstr(dir + "/"));
  EXPECT_THAT(paths.status().message(), HasSubstr("_static_4_seed1_decisions.csv"));
}

}  // namespace
}  // namespace betapool

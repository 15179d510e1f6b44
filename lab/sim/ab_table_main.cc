// betapool-ab-table: prints the A/B table of every built-in policy on every
// ready-made simulator scenario (the table in docs/policies.md), or on a
// trace recorded by `betapool-lab record` (--trace).
//
// Usage: betapool-ab-table [--seeds=1,2,3] [--duration_s=600]
//                          [--scenario=name | --trace=file.csv] [--describe]
//                          [--decisions_out=dir]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lab/sim/ab_comparison.h"
#include "lab/sim/ab_decisions.h"
#include "lab/sim/scenarios.h"
#include "lab/sim/trace_scenario.h"

ABSL_FLAG(std::string, seeds, "1,2,3", "comma-separated seeds");
ABSL_FLAG(double, duration_s, 600, "virtual seconds per run");
ABSL_FLAG(std::string, scenario, "", "only this scenario (default: all)");
ABSL_FLAG(std::string, trace, "",
          "replay this recorded trace (betapool-lab record) instead of the "
          "ready-made scenarios");
ABSL_FLAG(bool, describe, false, "print each scenario's parameters first");
ABSL_FLAG(std::string, decisions_out, "",
          "also write every run's decisions, tick by tick, as CSV into this "
          "existing directory (<scenario>_<policy>_seed<N>_decisions.csv)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  betapool::AbOptions options;
  options.seeds.clear();
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_seeds), ',', absl::SkipEmpty())) {
    uint64_t seed = 0;
    if (!absl::SimpleAtoi(part, &seed)) {
      std::fprintf(stderr, "--seeds: '%s' is not a number\n",
                   std::string(part).c_str());
      return 2;
    }
    options.seeds.push_back(seed);
  }
  options.duration = absl::Seconds(absl::GetFlag(FLAGS_duration_s));
  const std::string decisions_out = absl::GetFlag(FLAGS_decisions_out);
  options.record_reasons = !decisions_out.empty();

  const std::vector<betapool::AbCandidate> candidates = {
      betapool::AbCandidate::registered("beta_veto"),
      betapool::AbCandidate::registered("beta_veto_lock_corrected"),
      betapool::AbCandidate::registered("hill_climbing"),
      betapool::AbCandidate::registered("bottleneck"),
      betapool::AbCandidate::registered("gil_wait_veto"),
  };
  const std::string only = absl::GetFlag(FLAGS_scenario);
  const std::string trace = absl::GetFlag(FLAGS_trace);
  std::vector<betapool::Scenario> scenarios;
  if (trace.empty()) {
    scenarios = betapool::scenarios::all();
  } else {
    std::ifstream in(trace);
    if (!in) {
      std::fprintf(stderr, "--trace=%s: cannot open the file\n", trace.c_str());
      return 2;
    }
    absl::StatusOr<betapool::Scenario> replayed = betapool::scenario_from_trace(in);
    if (!replayed.ok()) {
      std::fprintf(stderr, "--trace=%s: %s\n", trace.c_str(),
                   std::string(replayed.status().message()).c_str());
      return 2;
    }
    scenarios.push_back(*std::move(replayed));
  }
  for (const betapool::Scenario& scenario : scenarios) {
    if (!only.empty() && scenario.name != only) continue;
    if (absl::GetFlag(FLAGS_describe)) {
      std::printf("%s\n", scenario.describe().c_str());
    }
    const auto start = std::chrono::steady_clock::now();
    absl::StatusOr<betapool::AbTable> table =
        betapool::compare_policies(scenario, candidates, options);
    if (!table.ok()) {
      std::fprintf(stderr, "%s: %s\n", scenario.name.c_str(),
                   std::string(table.status().message()).c_str());
      return 1;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::printf("%s", table->to_markdown().c_str());
    std::printf("\n(%zu seeds x %.0f s virtual, %zu oracle sizes tried; %.1f s wall)\n\n",
                options.seeds.size(), absl::GetFlag(FLAGS_duration_s),
                table->oracle_sweep.size(), seconds);
    if (!decisions_out.empty()) {
      absl::StatusOr<std::vector<std::string>> files =
          betapool::write_decision_files(*table, decisions_out);
      if (!files.ok()) {
        std::fprintf(stderr, "--decisions_out=%s: %s\n", decisions_out.c_str(),
                     std::string(files.status().message()).c_str());
        return 1;
      }
      std::printf("(decisions of %zu runs written to %s)\n\n", files->size(),
                  decisions_out.c_str());
    }
  }
  return 0;
}

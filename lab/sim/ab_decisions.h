// File: lab/sim/ab_decisions.h
//
// write_decision_files(): every run of an A/B table, tick by tick, as CSV —
// one file per candidate and seed, named
// <dir>/<scenario>_<label>_seed<N>_decisions.csv (characters other than
// letters, digits, '.', '-' and '_' become '_'), with the DecisionRecord
// columns the executor's CsvSink writes. So a replayed trace's simulated
// decisions can be laid beside the lab's measured <workload>_decisions.csv
// to see where the two part (a beta a few hundredths apart near a
// threshold, a trial read differently).
//
// Example:
//   betapool::AbOptions o;
//   o.record_reasons = true;  // else the reason column stays empty
//   betapool::AbTable t = betapool::compare_policies(s, candidates, o).value();
//   absl::StatusOr<std::vector<std::string>> files =
//       betapool::write_decision_files(t, "sim-decisions");
//
// Errors: the first file that cannot be written, by path (the directory
// must exist). Thread safety: touches only its arguments and the files.
#ifndef BETAPOOL_LAB_SIM_AB_DECISIONS_H_
#define BETAPOOL_LAB_SIM_AB_DECISIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/sim/ab_comparison.h"

namespace betapool {

// Returns the paths written, in row order, then seed order.
absl::StatusOr<std::vector<std::string>> write_decision_files(
    const AbTable& table, const std::string& dir);

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_AB_DECISIONS_H_

// File: lab/lab_command.h
//
// run_lab: what `betapool-lab` does once its flags are validated — the
// static sweep, then (compare, and the default demonstration) the adaptive
// executors against it in the paired protocol (lab/measurement_protocol.h); the tables on stdout, progress on stderr, and the
// files in config.out_dir:
//   <prefix>_sweep.csv       one row per static pool measurement
//   <prefix>_adaptive.csv    one row per adaptive run
//   <prefix>_timeline.csv    the adaptive thread count every 0.25 s
//   <prefix>_decisions.csv   every controller tick of the adaptive runs: the
//                            run (workload, repetition, t since the load
//                            started, candidate label), then every field of
//                            core's DecisionRecord
//   <prefix>_protocol.csv    every window of the paired protocol, in order
//   <prefix>_comparison.csv  per adaptive executor: % of the paired best
//                            static, median, range and verdict
//   <prefix>.svg / .gp       the picture and the gnuplot script behind it
// (.jsonl instead of .csv with --format=jsonl). <prefix> is the workload
// name, plus "_nogil" without the simulated GIL and "_open" for open loop.
// `record` runs one pool instead (lab_runner.h, run_record) and writes only
// the trace (lab/trace_format.h) to --trace_out, by default
// <out>/<prefix>_trace.csv.
//
// Example:
//   absl::StatusOr<betapool::LabConfig> c = betapool::make_lab_config({"sweep"}, raw);
//   return betapool::run_lab(*c, std::cout, std::cerr);
//
// Errors: returns 1 after printing the error on `err` (pinning refused,
// the output directory not writable, the executor refusing the
// configuration); a missing gnuplot only warns.
// Thread safety: call once per process (it uses the process-wide GIL and
// may pin the process to CPUs).
#ifndef BETAPOOL_LAB_LAB_COMMAND_H_
#define BETAPOOL_LAB_LAB_COMMAND_H_

#include <ostream>
#include <string>

#include "lab/lab_config.h"

namespace betapool {

// The file-name prefix for a configuration's outputs.
std::string output_prefix(const LabConfig& config);

// Where `record` writes its trace: config.trace_out, or
// <out_dir>/<prefix>_trace.csv.
std::string trace_path(const LabConfig& config);

// Runs the lab; returns the process exit code (0 on success).
int run_lab(const LabConfig& config, std::ostream& out, std::ostream& err);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_COMMAND_H_

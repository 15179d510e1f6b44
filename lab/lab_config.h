// File: lab/lab_config.h
//
// LabConfig: what one `betapool-lab` invocation does, validated. main.cc
// reads its Abseil flags (lab/lab_flags.h) into RawLabFlags (values as
// typed) and calls
// make_lab_config(), which checks every value and returns a message that
// names the flag, the bad value and what is accepted. Tests call it
// directly, without a process.
//
// Example:
//   betapool::RawLabFlags raw;
//   raw.workload = "mixed";
//   raw.threads = "1,2,4,8";
//   absl::StatusOr<betapool::LabConfig> c = betapool::make_lab_config({"sweep"}, raw);
//   if (!c.ok()) std::cerr << c.status().message() << "\n";
//
// Thread safety: pure functions.
#ifndef BETAPOOL_LAB_LAB_CONFIG_H_
#define BETAPOOL_LAB_LAB_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lab/lab_flags.h"
#include "lab/load_driver.h"
#include "lab/record_writer.h"

namespace betapool {

enum class LabCommand {
  kDemo,     // no command: the default demonstration (a compare run)
  kSweep,    // static pools of each size
  kCompare,  // the sweep, then the adaptive executor against it
  kRecord,   // one run, every task written as a trace row (lab/trace_format.h)
};

inline constexpr int kMaxLabThreads = 4096;

// Flag values as given on the command line (defaults = the demonstration),
// one member per row of BETAPOOL_LAB_FLAGS.
struct RawLabFlags {
#define BETAPOOL_RAW_FLAG_MEMBER(type, name, default_value, help) \
  type name = default_value;
  BETAPOOL_LAB_FLAGS(BETAPOOL_RAW_FLAG_MEMBER)
#undef BETAPOOL_RAW_FLAG_MEMBER
};

// One adaptive executor to compare: a registered policy, and for beta_veto
// which CPU reading it compares with its thresholds.
struct AdaptiveVariant {
  std::string policy;
  bool process_cpu_signal = false;
  // "beta_veto", or "beta_veto:process" for the process-CPU reading.
  std::string label() const {
    return process_cpu_signal ? policy + ":process" : policy;
  }
};

struct LabConfig {
  LabCommand command = LabCommand::kDemo;
  std::string workload;
  std::vector<int> threads;
  LoadSpec load;  // warmup/measure are the per-size sweep windows
  bool gil = true;
  absl::Duration switch_interval;
  // Repetitions of every sweep size: --repeat for the sweep command, 1 for
  // compare and the demonstration (their sweep only finds the best size).
  int repeat = 1;
  // compare and the demonstration: rounds of the paired protocol
  // (lab/measurement_protocol.h), --repeat or 3; 0 for the sweep command.
  int rounds = 0;
  // Each is run against the same sweep, in this order.
  std::vector<AdaptiveVariant> adaptive;
  int min_workers = 4;
  int max_workers = 64;
  int initial_workers = 4;
  std::string controller;
  absl::Duration adaptive_duration;  // --adaptive_duration or the command's default
  std::string out_dir;
  RecordFormat format = RecordFormat::kCsv;
  bool plot = true;
  int cpus = 0;
  // The other-tenant scenario: processes spinning through every static
  // window and, from cpu_hog_at on, in every adaptive run (lab/cpu_hog.h).
  int cpu_hog = 0;
  absl::Duration cpu_hog_at;
  bool cpu_hog_cgroup = false;  // the hog in a sibling cgroup (lab/tenant_cgroups.h)
  // record: a static pool of this many threads (--threads=N, one size), or
  // 0 for the adaptive executor (adaptive[0], min..max workers) when
  // --threads is left at its default.
  int record_threads = 0;
  // record: the trace file (--trace_out); empty: <out>/<prefix>_trace.csv
  // (lab/lab_command.h).
  std::string trace_out;
};

// Validates `positional` (the command: empty, "sweep", "compare", "record"
// or "demo") and `raw`. Returns InvalidArgument naming the flag, its value and
// what is accepted.
absl::StatusOr<LabConfig> make_lab_config(const std::vector<std::string>& positional,
                                          const RawLabFlags& raw);

// Parses a thread list: comma-separated integers in [1, kMaxLabThreads], or
// "A..B" for the powers of two from A to B (both powers of two).
absl::StatusOr<std::vector<int>> parse_thread_list(const std::string& text);

// The lab's own flag names (without dashes, from BETAPOOL_LAB_FLAGS), sorted.
std::vector<std::string> lab_flag_names();

// Checks that every "--name[=value]" / "-name" argument names a lab flag or
// one of Abseil's built-in flags (help, flagfile, ...). Returns
// InvalidArgument("unknown flag --x; accepted flags: ...") otherwise.
absl::Status check_flag_names(const std::vector<std::string>& args);

}  // namespace betapool

#endif  // BETAPOOL_LAB_LAB_CONFIG_H_

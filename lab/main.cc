// betapool-lab: the lab's command (see lab/lab_command.h and README.md).
//
//   betapool-lab                       the default demonstration
//   betapool-lab sweep   [--flags]     static pools of each size
//   betapool-lab compare [--flags]     the sweep, then the adaptive executor
//   betapool-lab record  [--flags]     one run, every task written as a trace
//
// The flags are defined from the one table in lab/lab_flags.h.
//
// Exit status: 0 on success, 1 when a run fails, 2 for a bad command line.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "lab/lab_command.h"
#include "lab/lab_config.h"
#include "lab/lab_flags.h"

#define BETAPOOL_DEFINE_LAB_FLAG(type, name, default_value, help) \
  ABSL_FLAG(type, name, default_value, help);
BETAPOOL_LAB_FLAGS(BETAPOOL_DEFINE_LAB_FLAG)
#undef BETAPOOL_DEFINE_LAB_FLAG

namespace {
// Abseil's --help and --helpshort list only flags defined in a file named
// after the program (betapool-lab.cc, betapool-lab_main.cc, ...); the lab's
// flags live in lab/main.cc, so say so, or --help lists no flags at all.
bool defines_lab_flags(absl::string_view file) {
  return absl::EndsWith(file, "lab/main.cc");
}

// --help names the file that defines each flag as the compiler saw it: an
// absolute path on the machine that built the binary. Print it relative to
// the repository instead.
std::string repository_relative(absl::string_view file) {
  const size_t lab = file.rfind("lab/");
  return std::string(lab == absl::string_view::npos ? file : file.substr(lab));
}
}  // namespace

int main(int argc, char** argv) {
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = defines_lab_flags;
  usage.contains_helpshort_flags = defines_lab_flags;
  usage.normalize_filename = repository_relative;
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "betapool-lab [sweep|compare|record] [--flags]\n"
      "  (no command)  the default demonstration: a cliff sweep and an adaptive\n"
      "                comparison on the paper's mixed workload, simulated GIL\n"
      "  sweep         static pools of each --threads size on --workload\n"
      "  compare       the sweep, then the adaptive executor (--policy) against it\n"
      "  record        one run on one pool (--threads=N, or the adaptive executor)\n"
      "                for --duration; every task written as a trace row to\n"
      "                --trace_out, for replay in the simulator");
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (absl::Status s = betapool::check_flag_names(args); !s.ok()) {
    std::cerr << "betapool-lab: " << s.message() << "\n";
    return 2;
  }
  std::vector<char*> positional_raw = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> positional(positional_raw.begin() + 1, positional_raw.end());

  betapool::RawLabFlags raw;
#define BETAPOOL_READ_LAB_FLAG(type, name, default_value, help) \
  raw.name = absl::GetFlag(FLAGS_##name);
  BETAPOOL_LAB_FLAGS(BETAPOOL_READ_LAB_FLAG)
#undef BETAPOOL_READ_LAB_FLAG

  absl::StatusOr<betapool::LabConfig> config =
      betapool::make_lab_config(positional, raw);
  if (!config.ok()) {
    std::cerr << "betapool-lab: " << config.status().message() << "\n";
    return 2;
  }
  return betapool::run_lab(*config, std::cout, std::cerr);
}

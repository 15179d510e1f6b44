#include "betapool/builtins.h"
#include "lab/lab_config.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>
#include <type_traits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "betapool/executor_builder.h"
#include "core/component_registry.h"
#include "lab/workload_catalog.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

absl::Status bad(std::string_view flag, std::string_view value,
                 std::string_view accepted) {
  return absl::InvalidArgumentError(absl::StrCat(
      "--", std::string(flag), "=", std::string(value), ": ",
      std::string(accepted)));
}

absl::Status require_positive(std::string_view flag, absl::Duration d) {
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return bad(flag, absl::FormatDuration(d),
               "must be a positive, finite duration (e.g. 500ms, 2s)");
  }
  return absl::OkStatus();
}

constexpr const char* kThreadListHelp =
    "accepted: comma-separated integers within [1, 4096] (e.g. 1,2,4,8) or "
    "A..B for the powers of two from A to B (e.g. 1..2048)";

bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

// Abseil's own flags, accepted on every command line.
const std::set<std::string, std::less<>>& builtin_flag_names() {
  static const auto* const names = new std::set<std::string, std::less<>>{
      "help",      "helpfull", "helpshort", "helppackage", "helpon",
      "helpmatch", "version",  "only_check_args", "flagfile", "fromenv",
      "tryfromenv", "undefok"};
  return *names;
}

bool is_boolean_lab_flag(absl::string_view name) {
#define BETAPOOL_IS_BOOL_FLAG(type, flag, default_value, help) \
  if (std::is_same_v<type, bool> && name == #flag) return true;
  BETAPOOL_LAB_FLAGS(BETAPOOL_IS_BOOL_FLAG)
#undef BETAPOOL_IS_BOOL_FLAG
  return false;
}

// The adaptive run's length when --adaptive_duration is left at 0: the
// demonstration's three rounds of two policies must fit in about two and a
// half minutes (see docs/results.md, "Measurement protocol").
constexpr absl::Duration kCompareAdaptiveDuration = absl::Seconds(60);
constexpr absl::Duration kDemoAdaptiveDuration = absl::Seconds(12);
constexpr int kDefaultRounds = 3;
constexpr int kMaxCpuHog = 64;

}  // namespace

std::vector<std::string> lab_flag_names() {
#define BETAPOOL_FLAG_NAME(type, name, default_value, help) #name,
  std::vector<std::string> names = {BETAPOOL_LAB_FLAGS(BETAPOOL_FLAG_NAME)};
#undef BETAPOOL_FLAG_NAME
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status check_flag_names(const std::vector<std::string>& args) {
  const std::vector<std::string> known = lab_flag_names();
  for (const std::string& arg : args) {
    absl::string_view a(arg);
    if (a == "--") break;  // the rest is positional
    if (!absl::ConsumePrefix(&a, "-")) continue;
    absl::ConsumePrefix(&a, "-");
    if (a.empty()) continue;
    absl::string_view name = a.substr(0, a.find('='));
    const bool lab = std::binary_search(known.begin(), known.end(), name);
    // Boolean flags may be negated: --nogil, --noplot.
    absl::string_view positive = name;
    const bool negated = absl::ConsumePrefix(&positive, "no") &&
                         is_boolean_lab_flag(positive);
    if (lab || negated || builtin_flag_names().count(name) > 0) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown flag --", std::string(name), "; accepted flags: --",
        absl::StrJoin(known, ", --"), " (and --help)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int>> parse_thread_list(const std::string& text) {
  std::vector<int> out;
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  if (t.empty()) return bad("threads", text, kThreadListHelp);
  const size_t dots = t.find("..");
  if (dots != absl::string_view::npos) {
    int lo = 0, hi = 0;
    if (!absl::SimpleAtoi(t.substr(0, dots), &lo) ||
        !absl::SimpleAtoi(t.substr(dots + 2), &hi) || lo < 1 ||
        hi > kMaxLabThreads || lo > hi || !is_power_of_two(lo) ||
        !is_power_of_two(hi)) {
      return bad("threads", text, kThreadListHelp);
    }
    for (int v = lo; v <= hi; v *= 2) out.push_back(v);
    return out;
  }
  for (absl::string_view part : absl::StrSplit(t, ',')) {
    int v = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(part), &v) || v < 1 ||
        v > kMaxLabThreads) {
      return bad("threads", text,
                 absl::StrCat("'", std::string(part),
                              "' is not a thread count; ", kThreadListHelp));
    }
    out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::StatusOr<LabConfig> make_lab_config(
    const std::vector<std::string>& positional, const RawLabFlags& raw) {
  LabConfig c;
  if (positional.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unexpected argument '", positional[1],
        "'; usage: betapool-lab [sweep|compare|record] [--flags]"));
  }
  const std::string cmd = positional.empty() ? "" : positional[0];
  if (cmd.empty() || cmd == "demo") {
    c.command = LabCommand::kDemo;
  } else if (cmd == "sweep") {
    c.command = LabCommand::kSweep;
  } else if (cmd == "compare") {
    c.command = LabCommand::kCompare;
  } else if (cmd == "record") {
    c.command = LabCommand::kRecord;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command '", cmd,
        "'; accepted commands: sweep, compare, record, demo (or none, for the "
        "default demonstration)"));
  }

  absl::StatusOr<const WorkloadProfile*> w = find_workload(raw.workload);
  if (!w.ok()) return bad("workload", raw.workload, std::string(w.status().message()));
  c.workload = raw.workload;

  absl::StatusOr<std::vector<int>> threads = parse_thread_list(raw.threads);
  if (!threads.ok()) return threads.status();
  c.threads = *std::move(threads);

  // Load.
  if (raw.load == "closed") {
    c.load.mode = LoadSpec::Mode::kClosed;
  } else if (raw.load == "open") {
    c.load.mode = LoadSpec::Mode::kOpen;
  } else {
    return bad("load", raw.load, "accepted: closed, open");
  }
  if (raw.arrival == "poisson") {
    c.load.arrival = LoadSpec::Arrival::kPoisson;
  } else if (raw.arrival == "burst") {
    c.load.arrival = LoadSpec::Arrival::kBurst;
  } else {
    return bad("arrival", raw.arrival, "accepted: poisson, burst");
  }
  if (c.load.mode == LoadSpec::Mode::kOpen) {
    if (!std::isfinite(raw.rate) || raw.rate <= 0.0) {
      return bad("rate", absl::StrCat(raw.rate),
                 "open load needs a finite arrival rate > 0 (tasks per second)");
    }
    if (!std::isfinite(raw.quiet_rate) || raw.quiet_rate < 0.0) {
      return bad("quiet_rate", absl::StrCat(raw.quiet_rate),
                 "must be finite and >= 0 (tasks per second)");
    }
    if (absl::Status s = require_positive("burst_duration", raw.burst_duration); !s.ok()) return s;
    if (absl::Status s = require_positive("quiet_duration", raw.quiet_duration); !s.ok()) return s;
  }
  c.load.rate = raw.rate;
  c.load.burst = {raw.rate, raw.quiet_rate, raw.burst_duration, raw.quiet_duration};
  if (raw.warmup < absl::ZeroDuration() || raw.warmup == absl::InfiniteDuration()) {
    return bad("warmup", absl::FormatDuration(raw.warmup),
               "must be a finite duration >= 0 (e.g. 500ms)");
  }
  if (absl::Status s = require_positive("duration", raw.duration); !s.ok()) return s;
  const absl::Duration adaptive_duration =
      raw.adaptive_duration != absl::ZeroDuration() ? raw.adaptive_duration
      : c.command == LabCommand::kDemo             ? kDemoAdaptiveDuration
                                                   : kCompareAdaptiveDuration;
  if (absl::Status s = require_positive("adaptive_duration", adaptive_duration); !s.ok()) return s;
  if (absl::Status s = require_positive("switch_interval", raw.switch_interval); !s.ok()) return s;
  if (raw.max_window < absl::ZeroDuration() || raw.max_window == absl::InfiniteDuration()) {
    return bad("max_window", absl::FormatDuration(raw.max_window),
               "must be a finite duration >= 0 (e.g. 30s; 0s: fixed windows)");
  }
  c.load.warmup = raw.warmup;
  c.load.measure = raw.duration;
  c.load.max_window = raw.max_window;
  c.load.seed = static_cast<uint64_t>(raw.seed);
  c.adaptive_duration = adaptive_duration;
  c.gil = raw.gil;
  c.switch_interval = raw.switch_interval;

  if (raw.repeat < 0 || raw.repeat > 100) {
    return bad("repeat", absl::StrCat(raw.repeat),
               "accepted: 0 (the command's default: 1 for sweep, 3 for compare) "
               "or 1 to 100");
  }
  if (c.command == LabCommand::kSweep) {
    c.repeat = raw.repeat == 0 ? 1 : raw.repeat;
  } else {
    c.repeat = 1;
    c.rounds = raw.repeat == 0 ? kDefaultRounds : raw.repeat;
  }

  // The adaptive executor.
  const std::string policy_list = !raw.policy.empty() ? raw.policy
                                  : c.command == LabCommand::kDemo ? kDemoPolicies
                                                                   : kDefaultPolicy;
  std::vector<std::string> policies;
  const std::vector<std::string> registered =
      builtin_registry().policy_names();
  for (absl::string_view part : absl::StrSplit(policy_list, ',')) {
    const std::string name(absl::StripAsciiWhitespace(part));
    if (std::find(registered.begin(), registered.end(), name) == registered.end()) {
      return bad("policy", policy_list,
                 absl::StrCat("unknown policy '", name,
                              "'; accepted (registered policies, comma-separated "
                              "to compare several): ",
                              absl::StrJoin(registered, ", ")));
    }
    if (std::find(policies.begin(), policies.end(), name) == policies.end()) {
      policies.push_back(name);
    }
  }
  if (raw.min_workers < 1 || raw.min_workers > kMaxLabThreads) {
    return bad("min_workers", absl::StrCat(raw.min_workers), "accepted: 1 to 4096");
  }
  if (raw.max_workers < raw.min_workers || raw.max_workers > kMaxLabThreads) {
    return bad("max_workers", absl::StrCat(raw.max_workers),
               absl::StrCat("accepted: --min_workers (", raw.min_workers,
                            ") to 4096"));
  }
  const int initial = raw.initial_workers == 0 ? raw.min_workers : raw.initial_workers;
  if (initial < raw.min_workers || initial > raw.max_workers) {
    return bad("initial_workers", absl::StrCat(raw.initial_workers),
               absl::StrCat("accepted: 0 (= --min_workers) or ", raw.min_workers,
                            " to ", raw.max_workers));
  }
  c.min_workers = raw.min_workers;
  c.max_workers = raw.max_workers;
  c.initial_workers = initial;
  if (!raw.controller.empty()) {
    ExecutorBuilder scratch;
    if (absl::Status s = scratch.apply_spec(raw.controller); !s.ok()) {
      return bad("controller", raw.controller,
                 absl::StrCat(s.message(),
                              " (accepted: comma-separated key=value pairs of "
                              "ControllerConfig fields, e.g. "
                              "monitor_interval=0.1,stabilization_window=0.5)"));
    }
  }
  c.controller = raw.controller;
  const bool system_signal = raw.cpu_signal == "system" || raw.cpu_signal == "both";
  const bool process_signal = raw.cpu_signal == "process" || raw.cpu_signal == "both";
  if (!system_signal && !process_signal) {
    return bad("cpu_signal", raw.cpu_signal,
               "accepted: system (the whole machine's CPU, the seed's reading), "
               "process (this process's share of its CPUs) or both (beta_veto runs "
               "once with each)");
  }
  if (process_signal &&
      std::find(policies.begin(), policies.end(), "beta_veto") == policies.end()) {
    return bad("cpu_signal", raw.cpu_signal,
               absl::StrCat("applies to --policy=beta_veto only (got --policy=",
                            policy_list, "); accepted: system"));
  }
  for (const std::string& p : policies) {
    if (p != "beta_veto" || system_signal) c.adaptive.push_back({p, false});
    if (p == "beta_veto" && process_signal) c.adaptive.push_back({p, true});
  }

  // Closed-loop population: the same for every pool compared, enough to
  // keep the largest one busy.
  if (raw.clients < 0 || raw.clients > 1'000'000) {
    return bad("clients", absl::StrCat(raw.clients),
               "accepted: 0 (automatic) or 1 to 1000000");
  }
  const int largest = std::max(c.threads.back(), c.max_workers);
  c.load.clients = raw.clients > 0 ? raw.clients : std::max(64, 2 * largest);

  // Output.
  if (raw.out.empty()) return bad("out", raw.out, "must name a directory");
  c.out_dir = raw.out;
  if (raw.format == "csv") {
    c.format = RecordFormat::kCsv;
  } else if (raw.format == "jsonl") {
    c.format = RecordFormat::kJsonLines;
  } else {
    return bad("format", raw.format, "accepted: csv, jsonl");
  }
  c.plot = raw.plot;
  const int allowed = affinity_cpu_count();
  if (raw.cpus < 0 || raw.cpus > allowed) {
    return bad("cpus", absl::StrCat(raw.cpus),
               absl::StrCat("accepted: 0 (no pinning) or 1 to ", allowed,
                            " (the CPUs this process may use)"));
  }
  c.cpus = raw.cpus;
  if (raw.cpu_hog < 0 || raw.cpu_hog > kMaxCpuHog) {
    return bad("cpu_hog", absl::StrCat(raw.cpu_hog),
               absl::StrCat("accepted: 0 (none) to ", kMaxCpuHog, " spinning processes"));
  }
  const absl::Duration hog_at =
      raw.cpu_hog_at != absl::ZeroDuration() ? raw.cpu_hog_at : c.adaptive_duration / 4;
  if (raw.cpu_hog_at != absl::ZeroDuration() &&
      (raw.cpu_hog == 0 || hog_at < absl::ZeroDuration() || hog_at > c.adaptive_duration / 2)) {
    return bad("cpu_hog_at", absl::FormatDuration(raw.cpu_hog_at),
               absl::StrCat("accepted with --cpu_hog only: 0 (a quarter into the run) or "
                            "a time up to half the adaptive run (",
                            absl::FormatDuration(c.adaptive_duration / 2),
                            "), so its steady half runs beside the hog"));
  }
  if (raw.cpu_hog_cgroup && raw.cpu_hog == 0) {
    return bad("cpu_hog_cgroup", "true",
               "accepted with --cpu_hog only: it places the spinning processes");
  }
  c.cpu_hog = raw.cpu_hog;
  c.cpu_hog_at = hog_at;
  c.cpu_hog_cgroup = raw.cpu_hog_cgroup;

  // record: one pool, one run.
  if (c.command == LabCommand::kRecord) {
    if (raw.threads != kDefaultThreadList) {
      if (c.threads.size() != 1) {
        return bad("threads", raw.threads,
                   "record runs one pool: a single size (e.g. --threads=8), or "
                   "leave --threads out for the adaptive executor (--policy)");
      }
      c.record_threads = c.threads.front();
    }
    if (raw.clients == 0) {
      c.load.clients =
          std::max(64, 2 * (c.record_threads > 0 ? c.record_threads : c.max_workers));
    }
    c.trace_out = raw.trace_out;
  } else if (!raw.trace_out.empty()) {
    return bad("trace_out", raw.trace_out, "applies to the record command only");
  }
  return c;
}

}  // namespace betapool

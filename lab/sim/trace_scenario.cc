// File: lab/sim/trace_scenario.cc
//
// Parses the trace line by line so every error can name its line; fits the
// per-task parts with mean and cv so the simulator's seeded sampling stays
// platform-independent (lab/sim/distribution.h).
#include "lab/sim/trace_scenario.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lab/trace_format.h"

namespace betapool {
namespace {

constexpr const char* kColumns = kTraceColumns;
constexpr int kNumFields = static_cast<int>(kTraceFields.size());

// Running mean and second moment of one column.
struct Moments {
  double sum = 0.0;
  double sum_sq = 0.0;
  void add(double x) {
    sum += x;
    sum_sq += x * x;
  }
  double mean(int n) const { return sum / n; }
  double cv(int n) const {
    const double m = mean(n);
    if (!(m > 0.0)) return 0.0;
    const double var = std::max(0.0, sum_sq / n - m * m);
    return std::sqrt(var) / m;
  }
};

Distribution fitted(const Moments& m, int n) {
  const double mean = m.mean(n);
  if (!(mean > 0.0)) return Distribution::constant(absl::ZeroDuration());
  return Distribution::lognormal(absl::Seconds(mean), m.cv(n));
}

}  // namespace

absl::StatusOr<Scenario> scenario_from_trace(std::istream& in) {
  std::string line;
  int line_no = 0;
  double cpus = 0.0;
  std::string profile;
  int clients = 0;  // 0: open loop
  bool saw_columns = false;
  int rows = 0;
  double first_arrival = 0.0;
  double last_arrival = 0.0;
  Moments cpu, held, wait;

  while (std::getline(in, line)) {
    ++line_no;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) continue;
    if (absl::ConsumePrefix(&text, "#")) {
      text = absl::StripAsciiWhitespace(text);
      if (absl::ConsumePrefix(&text, kTraceCpusKey)) {
        if (!absl::SimpleAtod(text, &cpus) || !(cpus >= 1.0) ||
            !std::isfinite(cpus)) {
          return absl::InvalidArgumentError(
              absl::StrCat("trace line ", line_no, ": field cpus: '", text,
                           "' is not a number >= 1"));
        }
      } else if (absl::ConsumePrefix(&text, kTraceProfileKey)) {
        profile = std::string(text);
      } else if (absl::ConsumePrefix(&text, kTraceClientsKey)) {
        if (!absl::SimpleAtoi(text, &clients) || clients < 1) {
          return absl::InvalidArgumentError(
              absl::StrCat("trace line ", line_no, ": field clients: '", text,
                           "' is not a whole number >= 1"));
        }
      }
      continue;  // other comments are notes for readers
    }
    if (!saw_columns) {
      if (text != kColumns) {
        return absl::InvalidArgumentError(
            absl::StrCat("trace line ", line_no, ": expected the column header '",
                         kColumns, "', got '", text, "'"));
      }
      saw_columns = true;
      continue;
    }
    std::vector<absl::string_view> cells = absl::StrSplit(text, ',');
    if (cells.size() != kNumFields) {
      return absl::InvalidArgumentError(
          absl::StrCat("trace line ", line_no, ": expected ", kNumFields,
                       " fields, got ", cells.size()));
    }
    double v[kNumFields];
    for (int i = 0; i < kNumFields; ++i) {
      absl::string_view cell = absl::StripAsciiWhitespace(cells[i]);
      if (!absl::SimpleAtod(cell, &v[i]) || !(v[i] >= 0.0) ||
          !std::isfinite(v[i])) {
        return absl::InvalidArgumentError(
            absl::StrCat("trace line ", line_no, ": field ", kTraceFields[i], ": '",
                         cell, "' is not a non-negative number"));
      }
    }
    if (v[2] > v[1]) {
      return absl::InvalidArgumentError(
          absl::StrCat("trace line ", line_no, ": field lock_held_s: ", v[2],
                       " exceeds cpu_s ", v[1]));
    }
    if (rows == 0) first_arrival = v[0];
    if (v[0] < last_arrival && rows > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("trace line ", line_no, ": field arrival_s: ", v[0],
                       " is earlier than the previous row's ", last_arrival));
    }
    last_arrival = v[0];
    cpu.add(v[1]);
    held.add(v[2]);
    wait.add(v[4]);
    ++rows;
  }
  if (cpus == 0.0) {
    return absl::InvalidArgumentError("trace: missing header line '# cpus=N'");
  }
  if (rows == 0) return absl::InvalidArgumentError("trace: no task rows");

  Scenario s;
  s.name = profile.empty() ? "trace" : absl::StrCat("trace:", profile);
  s.description = absl::StrCat("replay of ", rows, " recorded tasks");
  s.machine.cores = cpus;
  const double mean_cpu = cpu.mean(rows);
  const double gil_share = mean_cpu > 0.0 ? held.mean(rows) / mean_cpu : 0.0;
  s.gil.enabled = gil_share > 0.0;
  TaskProfile task;
  task.name = s.name;
  task.segments.push_back(SegmentSpec::cpu(fitted(cpu, rows), gil_share));
  task.segments.push_back(SegmentSpec::wait(fitted(wait, rows)));
  s.phases.push_back(Phase{absl::ZeroDuration(), task});
  const double span = last_arrival - first_arrival;
  if (clients > 0) {
    s.arrivals = ArrivalSpec::closed_loop(clients);
  } else if (rows > 1 && span > 0.0) {
    s.arrivals = ArrivalSpec::poisson((rows - 1) / span);
  }
  return s;
}

}  // namespace betapool

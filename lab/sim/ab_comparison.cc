#include "lab/sim/ab_comparison.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "betapool/builtins.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string seconds_cell(double s) {
  if (!std::isfinite(s)) return "never";
  return absl::StrFormat("%.1f", s);
}

}  // namespace

AbCandidate AbCandidate::registered(std::string name) {
  AbCandidate c;
  c.label = name;
  c.registry_name = std::move(name);
  return c;
}

AbCandidate AbCandidate::fixed(int size) {
  AbCandidate c = of<StaticPolicy>(absl::StrCat("static ", size), size);
  c.initial_workers = size;
  return c;
}

const AbRow* AbTable::find(std::string_view label) const {
  for (const AbRow& r : rows) {
    if (r.label == label) return &r;
  }
  return nullptr;
}

const AbRow& AbTable::row(std::string_view label) const {
  if (const AbRow* r = find(label)) return *r;
  std::vector<std::string> labels;
  for (const AbRow& r : rows) labels.push_back(r.label);
  throw std::out_of_range(absl::StrCat("no row '", std::string(label),
                                       "' in the A/B table of ", scenario,
                                       "; rows: ", absl::StrJoin(labels, ", ")));
}

std::string AbTable::to_markdown() const {
  std::string out = absl::StrFormat(
      "scenario %s: oracle = static %d threads, %.1f tasks/s, P99 %.3f s\n\n",
      scenario, oracle_size, oracle_throughput, oracle_p99_latency);
  absl::StrAppend(&out,
                  "| policy | tasks/s | % of oracle | P99 latency (s) | mean "
                  "threads | final threads | time to 90 % (s) | oscillation "
                  "(/min) |\n",
                  "|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const AbRow& r : rows) {
    absl::StrAppendFormat(&out, "| %s | %.1f | %.1f | %.3f | %.1f | %.1f | %s | %.1f |\n",
                          r.label, r.throughput, r.throughput_pct_of_oracle,
                          r.p99_latency, r.mean_workers, r.final_workers,
                          seconds_cell(r.time_to_90), r.oscillation_per_minute);
  }
  return out;
}

double time_to_fraction(const SimResult& run, const SimResult& oracle,
                        double fraction, absl::Duration window) {
  const std::size_t n = std::min(run.ticks.size(), oracle.ticks.size());
  if (n == 0) return kInf;
  // Tick i reports the interval (time - spacing, time]. Windows lead: the
  // answer is the start of the first window of `w` intervals over which the
  // policy completed `fraction` of what the oracle completed.
  const double spacing = run.ticks.size() > 1
                             ? run.ticks[1].timestamp - run.ticks[0].timestamp
                             : run.ticks[0].timestamp;
  const std::size_t w = std::max<std::size_t>(
      1, static_cast<std::size_t>(
             std::lround(absl::ToDoubleSeconds(window) / std::max(1e-9, spacing))));
  for (std::size_t i = 0; i < n; ++i) {
    int64_t mine = 0;
    int64_t theirs = 0;
    for (std::size_t j = i; j < std::min(n, i + w); ++j) {
      mine += run.ticks[j].interval_completed;
      theirs += oracle.ticks[j].interval_completed;
    }
    if (static_cast<double>(mine) >= fraction * static_cast<double>(theirs)) {
      return std::max(0.0, run.ticks[i].timestamp - spacing);
    }
  }
  return kInf;
}

absl::StatusOr<AbTable> compare_policies(const Scenario& scenario,
                                         const std::vector<AbCandidate>& candidates,
                                         const AbOptions& options) {
  if (absl::Status s = validate(scenario); !s.ok()) return s;
  if (candidates.empty()) {
    return absl::InvalidArgumentError("candidates must not be empty");
  }
  if (options.seeds.empty()) {
    return absl::InvalidArgumentError("seeds must not be empty");
  }
  if (!(options.convergence_fraction > 0.0) ||
      !std::isfinite(options.convergence_fraction)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "convergence_fraction must be positive, got ", options.convergence_fraction));
  }
  std::set<std::string> labels;
  for (const AbCandidate& c : candidates) {
    if (!labels.insert(c.label).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate candidate label '", c.label, "'"));
    }
    if (!c.factory && c.registry_name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("candidate '", c.label, "' has no factory"));
    }
  }

  SimOptions sim;
  sim.duration = options.duration;
  sim.controller = options.controller;
  sim.metrics = options.metrics;
  sim.record_reasons = options.record_reasons;

  absl::StatusOr<OracleResult> oracle =
      find_oracle(scenario, sim, options.seeds, options.oracle);
  if (!oracle.ok()) return oracle.status();

  AbTable table;
  table.scenario = scenario.name;
  table.oracle_size = oracle->best_size;
  table.oracle_throughput = oracle->throughput;
  table.oracle_p99_latency = oracle->p99_latency;
  table.oracle_sweep = oracle->sweep;

  for (const AbCandidate& c : candidates) {
    AbRow row;
    row.label = c.label;
    const double seeds = static_cast<double>(options.seeds.size());
    for (std::size_t i = 0; i < options.seeds.size(); ++i) {
      ComponentContext ctx;
      ctx.config = options.controller;
      ctx.min_workers = scenario.min_workers;
      ctx.max_workers = scenario.max_workers;
      ctx.initial_workers = c.initial_workers.value_or(
          scenario.initial_workers > 0 ? scenario.initial_workers
                                       : scenario.min_workers);
      std::unique_ptr<ScalingPolicy> policy;
      if (!c.registry_name.empty()) {
        absl::StatusOr<std::unique_ptr<ScalingPolicy>> p =
            builtin_registry().create_policy(c.registry_name, ctx);
        if (!p.ok()) return p.status();
        policy = *std::move(p);
      } else {
        policy = c.factory(ctx);
      }
      if (!policy) {
        return absl::InternalError(
            absl::StrCat("the factory of '", c.label, "' returned null"));
      }
      SimOptions o = sim;
      o.seed = options.seeds[i];
      o.initial_workers = ctx.initial_workers;
      absl::StatusOr<SimResult> r = simulate(scenario, *policy, o);
      if (!r.ok()) return r.status();
      row.policy = r->policy;
      row.throughput += r->throughput / seeds;
      row.p99_latency += r->p99_latency / seeds;
      row.mean_workers += r->mean_workers / seeds;
      row.final_workers += r->final_workers / seeds;
      row.oscillation_per_minute += r->oscillation_per_minute / seeds;
      row.policy_faults += r->policy_faults;
      row.time_to_90 +=
          time_to_fraction(*r, oracle->best_runs[i], options.convergence_fraction,
                           options.convergence_window) /
          seeds;
      row.runs.push_back(*std::move(r));
    }
    row.throughput_pct_of_oracle =
        table.oracle_throughput > 0 ? 100.0 * row.throughput / table.oracle_throughput
                                    : 0.0;
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace betapool

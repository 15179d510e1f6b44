#include "lab/sim/oracle.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

struct Evaluated {
  OraclePoint point;
  std::vector<SimResult> runs;
};

absl::StatusOr<Evaluated> evaluate(const Scenario& scenario,
                                   const SimOptions& base,
                                   const std::vector<uint64_t>& seeds, int size) {
  Evaluated e;
  e.point.size = size;
  for (uint64_t seed : seeds) {
    SimOptions o = base;
    o.seed = seed;
    o.initial_workers = size;
    o.record_reasons = false;
    StaticPolicy policy(size);
    absl::StatusOr<SimResult> r = simulate(scenario, policy, o);
    if (!r.ok()) return r.status();
    e.point.throughput += r->throughput;
    e.point.p99_latency += r->p99_latency;
    e.runs.push_back(*std::move(r));
  }
  const double n = static_cast<double>(seeds.size());
  e.point.throughput /= n;
  e.point.p99_latency /= n;
  return e;
}

// Geometric grid from lo to hi, both included.
std::vector<int> grid(int lo, int hi) {
  std::vector<int> out;
  double x = lo;
  while (true) {
    const int v = std::min(hi, static_cast<int>(std::lround(x)));
    if (out.empty() || v > out.back()) out.push_back(v);
    if (v >= hi) break;
    x = std::max(x * 1.25, x + 1.0);
  }
  return out;
}

}  // namespace

absl::StatusOr<OracleResult> find_oracle(const Scenario& scenario,
                                         const SimOptions& options,
                                         const std::vector<uint64_t>& seeds,
                                         const OracleOptions& oracle) {
  if (absl::Status s = validate(scenario); !s.ok()) return s;
  if (seeds.empty()) {
    return absl::InvalidArgumentError("seeds must not be empty");
  }
  for (int size : oracle.sizes) {
    if (size < scenario.min_workers || size > scenario.max_workers) {
      return absl::InvalidArgumentError(absl::StrCat(
          "oracle size must be within [", scenario.min_workers, ", ",
          scenario.max_workers, "], got ", size));
    }
  }
  std::map<int, Evaluated> done;
  auto run = [&](int size) -> absl::Status {
    if (done.count(size)) return absl::OkStatus();
    absl::StatusOr<Evaluated> e = evaluate(scenario, options, seeds, size);
    if (!e.ok()) return e.status();
    done.emplace(size, *std::move(e));
    return absl::OkStatus();
  };
  // The best of what was evaluated: highest throughput; ties (within the
  // tolerance) go to the lowest P99, then to the smaller pool.
  auto best = [&]() {
    double top = 0.0;
    for (const auto& [size, e] : done) top = std::max(top, e.point.throughput);
    const Evaluated* pick = nullptr;
    for (const auto& [size, e] : done) {
      if (e.point.throughput < top * (1.0 - oracle.tie_tolerance)) continue;
      if (pick == nullptr || e.point.p99_latency < pick->point.p99_latency) {
        pick = &e;
      }
    }
    return pick;
  };

  if (!oracle.sizes.empty()) {
    for (int size : oracle.sizes) {
      if (absl::Status s = run(size); !s.ok()) return s;
    }
  } else {
    const std::vector<int> g = grid(scenario.min_workers, scenario.max_workers);
    for (int size : g) {
      if (absl::Status s = run(size); !s.ok()) return s;
    }
    const int at = best()->point.size;
    const auto it = std::find(g.begin(), g.end(), at);
    const int from = it == g.begin() ? at : *(it - 1);
    const int to = it + 1 == g.end() ? at : *(it + 1);
    for (int size = from + 1; size < to; ++size) {
      if (absl::Status s = run(size); !s.ok()) return s;
    }
  }

  const Evaluated* pick = best();
  OracleResult result;
  result.best_size = pick->point.size;
  result.throughput = pick->point.throughput;
  result.p99_latency = pick->point.p99_latency;
  result.best_runs = pick->runs;
  for (const auto& [size, e] : done) result.sweep.push_back(e.point);
  return result;
}

}  // namespace betapool

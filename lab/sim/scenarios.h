// File: lab/sim/scenarios.h
//
// Ready-made simulator scenarios, named after the seed's workloads
// (lab/workloads in the Python reference: io_task, cpu_task_numpy,
// mixed_task, rag_pipeline_task, fibonacci_task, variable_latency_task,
// BurstArrivalGenerator) plus an I/O -> CPU phase change. Every parameter is
// printed by Scenario::describe() and tabulated in docs/policies.md.
//
// All share one machine (4 cores, an edge-class CPU like the paper's), the
// executor's default bounds (min 4, max 64, start at min) and ten minutes of
// virtual time. Scenarios built from Python-like work enable the GIL; the
// CPU-bound one models GIL-releasing native code (NumPy), so it saturates
// the cores.
//
// Example:
//   for (const betapool::Scenario& s : betapool::scenarios::all()) {
//     std::cout << s.describe();
//   }
//   absl::StatusOr<betapool::Scenario> s = betapool::scenarios::find("mixed");
//
// Thread safety: each function returns a fresh value.
#ifndef BETAPOOL_LAB_SIM_SCENARIOS_H_
#define BETAPOOL_LAB_SIM_SCENARIOS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/sim/scenario.h"

namespace betapool::scenarios {

Scenario io_bound();
Scenario cpu_bound();
Scenario mixed();
Scenario rag_pipeline();
Scenario fibonacci();
Scenario variable_latency();
Scenario bursty();
Scenario io_to_cpu_phase_change();

// All of the above, in that order.
std::vector<Scenario> all();
// Their names, in that order.
std::vector<std::string> names();
// The scenario called `name`, or NotFound listing the known names.
absl::StatusOr<Scenario> find(std::string_view name);

}  // namespace betapool::scenarios

#endif  // BETAPOOL_LAB_SIM_SCENARIOS_H_

// File: lab/workload_catalog.h
//
// The lab's named workloads: the seed's seven WorkloadGenerator workloads at
// the seed's default arguments, the paper's mixed workload (as its
// benchmark code ran it, and as its text states it), and the paper's seven
// edge-AI workload profiles (its Table 13). `betapool-lab --workload=NAME`
// looks names up here.
//
// CPU work is stated as time and converted with iterations_for():
//  - seed workloads whose CPU is given in Python loop iterations use the
//    time CPython 3.11 took for those iterations on the lab machine
//    (188 ns per `result += sin(i) * cos(i)`, 25 us per 1000-iteration
//    `x += 1` loop; docs/results.md has the command);
//  - the seven profiles use the CPU/I/O split their authors state in the
//    paper's workload code (BetaPool experiments/realistic_workload_suite.py
//    docstrings and sleep calls); work done inside NumPy/Pandas/ONNX Runtime
//    is "native" (releases the GIL), JSON/tokenizing is "Python" (holds it).
//
// Example:
//   absl::StatusOr<const betapool::WorkloadProfile*> p =
//       betapool::find_workload("mixed");
//   if (!p.ok()) std::cerr << p.status().message();   // lists known names
//   auto task = (*p)->make(generator);
//
// Thread safety: the catalog is immutable after first use.
#ifndef BETAPOOL_LAB_WORKLOAD_CATALOG_H_
#define BETAPOOL_LAB_WORKLOAD_CATALOG_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/workload_generator.h"

namespace betapool {

struct WorkloadProfile {
  std::string name;
  std::string summary;  // what one task does, in time
  std::string source;   // where the numbers come from
  bool paper_profile = false;  // one of the paper's seven profiles
  std::function<WorkloadGenerator::Task(const WorkloadGenerator&)> make;
};

// Every named workload, in a fixed order (seed workloads, mixed variants,
// then the seven paper profiles).
const std::vector<WorkloadProfile>& workload_catalog();

// The profile named `name`, or NotFound("unknown workload 'x'; known
// workloads: a, b, ...").
absl::StatusOr<const WorkloadProfile*> find_workload(std::string_view name);

// All names, in catalog order; and the seven paper profiles' names.
std::vector<std::string> workload_names();
std::vector<std::string> paper_profile_names();

}  // namespace betapool

#endif  // BETAPOOL_LAB_WORKLOAD_CATALOG_H_

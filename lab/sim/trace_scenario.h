// File: lab/sim/trace_scenario.h
//
// scenario_from_trace: builds a simulator Scenario from a recorded task
// trace, so a policy can be A/B-tested on a workload measured on a real
// machine instead of a hand-written model. The trace format (CSV with '#'
// header lines) is defined in lab/trace_format.h; `betapool-lab record`
// writes it (docs/policies.md, "Replaying a recorded trace").
//
// The scenario's cores are the trace's CPU count. Each task is one CPU part
// followed by one wait part; their lengths are lognormal with the mean and
// coefficient of variation of the recorded rows (a fitted shape, not an
// exact replay), and the CPU part's GIL share is the recorded lock-held
// time over CPU time. A closed-loop recording (`# clients=N`) replays as a
// closed loop of N tasks, so the pool's size decides the throughput as it
// did on the machine; an open-loop one as Poisson arrivals at the recorded
// rate. Recorded lock-wait time is not replayed: the simulator produces its
// own. The wait part is the recorded other-wait time, which includes time
// spent runnable but waiting for a core: record on a pool no larger than
// the CPUs (`--threads=1`) to keep it the task's own waiting.
//
// Errors name the line and field, e.g. "trace line 5: field cpu_s: 'x' is
// not a non-negative number".
//
// Thread safety: a pure function.
#ifndef BETAPOOL_LAB_SIM_TRACE_SCENARIO_H_
#define BETAPOOL_LAB_SIM_TRACE_SCENARIO_H_

#include <istream>

#include "absl/status/statusor.h"
#include "lab/sim/scenario.h"

namespace betapool {

absl::StatusOr<Scenario> scenario_from_trace(std::istream& in);

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIM_TRACE_SCENARIO_H_

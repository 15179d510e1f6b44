// File: lab/trace_format.h
//
// The task-trace format, written once: `betapool-lab record`
// (lab/trace_recorder.h) writes it and scenario_from_trace
// (lab/sim/trace_scenario.h) reads it. CSV, with '#' header lines first:
//
//   # cpus=8
//   # profile=voice_assistant
//   # clients=128
//   arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s
//   0.000120,0.004100,0.001000,0.000000,0.050000
//
// One row per task, in non-decreasing arrival order; every value is seconds,
// finite and >= 0:
//   arrival_s     when the task was submitted, since the recording started
//   cpu_s         the task's thread CPU time
//   lock_held_s   of cpu_s, the time it ran holding the serializing lock (a
//                 GIL); <= cpu_s
//   lock_wait_s   time it waited for that lock (core/wait_accounting.h)
//   other_wait_s  the rest of its run time off-CPU: I/O, sleeps, waiting
//                 for a core (run time - cpu_s - lock_wait_s, at least 0)
// `# cpus=N` (N >= 1, required) is the recording machine's CPU count;
// `# profile=NAME` (optional) names the workload. `# clients=N` (optional,
// N >= 1) says the run was a closed loop with N tasks always in flight (each
// completion submitted the next task at once), so a replay must be one too:
// its arrival times then say how fast that pool served, not how fast work
// came. Without it the run was open loop. Other '#' lines are notes for
// readers, and blank lines are ignored.
//
// Example:
//   betapool::TraceHeader h{.cpus = 2, .profile = "voice_assistant"};
//   betapool::write_trace(std::cout, h, rows);
//
// Thread safety: pure functions.
#ifndef BETAPOOL_LAB_TRACE_FORMAT_H_
#define BETAPOOL_LAB_TRACE_FORMAT_H_

#include <array>
#include <ostream>
#include <string>
#include <vector>

namespace betapool {

struct TraceRow {
  double arrival_s = 0.0;
  double cpu_s = 0.0;
  double lock_held_s = 0.0;
  double lock_wait_s = 0.0;
  double other_wait_s = 0.0;
};

struct TraceHeader {
  int cpus = 1;
  std::string profile;  // empty: no profile line
  int clients = 0;      // closed loop: tasks in flight; 0: open loop, no line
  // Written as '#' note lines after the header keys (one per entry).
  std::vector<std::string> notes;
};

// The column names, in order, and the header line they make.
inline constexpr std::array<const char*, 5> kTraceFields{
    "arrival_s", "cpu_s", "lock_held_s", "lock_wait_s", "other_wait_s"};
inline constexpr char kTraceColumns[] =
    "arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s";
// The header keys: "# cpus=N", "# profile=NAME", "# clients=N".
inline constexpr char kTraceCpusKey[] = "cpus=";
inline constexpr char kTraceProfileKey[] = "profile=";
inline constexpr char kTraceClientsKey[] = "clients=";

// Writes the header lines, the column line and `rows` (microsecond
// resolution, 6 decimals) to `out`.
void write_trace(std::ostream& out, const TraceHeader& header,
                 const std::vector<TraceRow>& rows);

}  // namespace betapool

#endif  // BETAPOOL_LAB_TRACE_FORMAT_H_

// File: lab/machine_conditions.h
//
// How shared the machine was while the lab measured: MachineSample holds
// the cumulative counters read at one instant (the machine's CPU time from
// /proc/stat, its steal time, this process's CPU time, the 1-minute load
// average); machine_conditions() turns two samples into the shares over
// the span between them. The sampling reads the OS; the arithmetic is a
// pure function, so tests feed it made-up samples.
//
// Definitions (all as a share of the whole machine's CPU time in the span):
//  - steal_percent: time the hypervisor gave this virtual machine's CPUs
//    to other guests;
//  - other_cpu_percent: CPU used by other processes of this machine — the
//    machine's busy time (steal excluded) minus this process's CPU time;
//  - load_average: the 1-minute load average at the end of the span (the
//    lab's own runnable threads count in it too).
//
// Example:
//   betapool::MachineSample a = betapool::sample_machine();
//   ... run ...
//   betapool::MachineConditions m =
//       betapool::machine_conditions(a, betapool::sample_machine());
//
// Thread safety: sample_machine() is safe from any thread; the rest is pure.
#ifndef BETAPOOL_LAB_MACHINE_CONDITIONS_H_
#define BETAPOOL_LAB_MACHINE_CONDITIONS_H_

#include <string_view>

#include "absl/status/statusor.h"

namespace betapool {

struct MachineSample {
  // Summed over all the machine's CPUs, seconds; NaN if /proc/stat could
  // not be read.
  double busy_s = 0.0;   // user+nice+system+irq+softirq+steal
  double steal_s = 0.0;
  double total_s = 0.0;  // busy + idle + iowait
  double process_cpu_s = 0.0;  // this process, all threads
  double load_average = 0.0;   // NaN if unavailable
};

struct MachineConditions {
  double load_average = 0.0;
  double steal_percent = 0.0;
  double other_cpu_percent = 0.0;
};

// Reads /proc/stat, this process's CPU time and the load average now.
MachineSample sample_machine();

// Parses the aggregate "cpu" line of /proc/stat contents into busy, steal
// and total seconds (`ticks_per_second`: sysconf(_SC_CLK_TCK)). Errors name
// what is missing or malformed.
absl::StatusOr<MachineSample> parse_machine_times(std::string_view proc_stat,
                                                  double ticks_per_second);

// The shares over [from, to]; NaN where a counter is missing or the span
// has no CPU time. other_cpu_percent is clamped at 0 (counters are read a
// few microseconds apart).
MachineConditions machine_conditions(const MachineSample& from,
                                     const MachineSample& to);

}  // namespace betapool

#endif  // BETAPOOL_LAB_MACHINE_CONDITIONS_H_

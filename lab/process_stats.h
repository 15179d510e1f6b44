// File: lab/process_stats.h
//
// What the lab measures about its own process between two points of a run:
// CPU time (user + system, all threads), resident memory and its peak, and
// the CPUs the process may run on. Linux only (/proc, getrusage).
//
// PeakRssTracker resets the kernel's peak-RSS counter (VmHWM, by writing "5"
// to /proc/self/clear_refs) when it is created, so each run reports its own
// peak; where the reset is refused it falls back to the largest VmRSS seen
// by sample().
//
// Example:
//   betapool::PeakRssTracker peak;            // before starting the threads
//   ... run, calling peak.sample() now and then ...
//   double mb = peak.peak_mb();
//
// Thread safety: the free functions are safe from any thread; a tracker is
// used by one thread.
#ifndef BETAPOOL_LAB_PROCESS_STATS_H_
#define BETAPOOL_LAB_PROCESS_STATS_H_

#include "absl/status/status.h"

namespace betapool {

// CPU seconds used by the whole process so far.
double process_cpu_seconds();

// Current resident set size (VmRSS) and its peak (VmHWM) in MiB; 0 if
// /proc/self/status cannot be read.
double current_rss_mb();
double peak_rss_mb();

// Restricts the process to the first `cpus` CPUs it may currently use
// (the paper's sched_setaffinity edge simulation). InvalidArgument if
// `cpus` < 1 or more than allowed; Internal if the call fails.
absl::Status pin_to_cpus(int cpus);

class PeakRssTracker {
 public:
  PeakRssTracker();
  // Records the current RSS (for the fallback).
  void sample();
  // This run's peak resident memory, MiB.
  double peak_mb();
  // Resident memory when the tracker was created, MiB (memory the allocator
  // kept from earlier runs in the same process is included in both).
  double start_mb() const { return start_mb_; }
  // True when the kernel counter could be reset (the peak is exact).
  bool exact() const { return reset_ok_; }

 private:
  bool reset_ok_ = false;
  double sampled_max_ = 0.0;
  double start_mb_ = 0.0;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_PROCESS_STATS_H_

// File: lab/trace_recorder.h
//
// TraceRecorder: measures every task of a real run as one trace row
// (lab/trace_format.h) — its submit time, thread CPU time, the CPU time it
// ran holding the simulated GIL, the time it waited for the GIL, and the
// rest of its run time off-CPU. `betapool-lab record` installs run() as the
// load driver's LoadSpec::run_task, so each task is measured on the worker
// that runs it, with the same per-thread counters the executor reads
// (thread CPU clock, core/wait_accounting.h) plus the GIL's held-CPU sum
// (SimulatedGil::thread_held_cpu_ns, turned on by the constructor).
//
// Example:
//   betapool::TraceRecorder recorder(&betapool::SimulatedGil::process_wide());
//   spec.run_task = [&](const auto& task, double submitted_s) {
//     recorder.run(task, submitted_s);
//   };
//   ... run_load(..., spec, ...); join the workers ...
//   betapool::write_trace(file, {.cpus = 2, .profile = "mixed"}, recorder.rows());
//
// Thread safety: run() may be called from many threads at once; rows() is
// safe at any time (it copies).
#ifndef BETAPOOL_LAB_TRACE_RECORDER_H_
#define BETAPOOL_LAB_TRACE_RECORDER_H_

#include <vector>

#include "core/sync.h"
#include "lab/simulated_gil.h"
#include "lab/trace_format.h"
#include "lab/workload_generator.h"

namespace betapool {

class TraceRecorder {
 public:
  // `gil` (may be null: no lock-held time) gets held-CPU tracking on.
  explicit TraceRecorder(SimulatedGil* gil);
  TraceRecorder(const TraceRecorder&) = delete;
  TraceRecorder& operator=(const TraceRecorder&) = delete;

  // Runs `task` on the calling thread and records it as submitted at
  // `submitted_s` (seconds since the recording started). A task that throws
  // is recorded too; the exception propagates.
  void run(const WorkloadGenerator::Task& task, double submitted_s);

  // The rows so far, in arrival order.
  std::vector<TraceRow> rows() const;

 private:
  void add(const TraceRow& row);

  mutable Mutex mu_;
  std::vector<TraceRow> rows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_TRACE_RECORDER_H_

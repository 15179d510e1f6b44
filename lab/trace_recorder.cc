#include "lab/trace_recorder.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "core/task_metrics.h"
#include "core/wait_accounting.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool {
namespace {

// The counters a row is the difference of, on the calling thread.
struct Reading {
  int64_t wall_ns;
  int64_t cpu_ns;
  int64_t lock_wait_ns;
  int64_t held_cpu_ns;
};

Reading read_now(ThreadCpuClock& clock) {
  return {clock.wall_now_ns(), clock.thread_cpu_now_ns(), thread_lock_wait_ns(),
          SimulatedGil::thread_held_cpu_ns()};
}

}  // namespace

TraceRecorder::TraceRecorder(SimulatedGil* gil) {
  if (gil != nullptr) gil->set_track_held_cpu(true);
}

void TraceRecorder::run(const WorkloadGenerator::Task& task, double submitted_s) {
  ThreadCpuClock clock;
  const Reading before = read_now(clock);
  // Records on every exit, the exception's too.
  struct Finish {
    TraceRecorder* self;
    ThreadCpuClock& clock;
    const Reading& before;
    double submitted_s;
    ~Finish() {
      const Reading after = read_now(clock);
      TraceRow row;
      row.arrival_s = std::max(0.0, submitted_s);
      row.cpu_s = ns_to_seconds(std::max<int64_t>(0, after.cpu_ns - before.cpu_ns));
      // Clamped: the two CPU readings are not taken at the same instant.
      row.lock_held_s = std::min(
          row.cpu_s,
          ns_to_seconds(std::max<int64_t>(0, after.held_cpu_ns - before.held_cpu_ns)));
      row.lock_wait_s = ns_to_seconds(
          std::max<int64_t>(0, after.lock_wait_ns - before.lock_wait_ns));
      const double wall = ns_to_seconds(after.wall_ns - before.wall_ns);
      row.other_wait_s = std::max(0.0, wall - row.cpu_s - row.lock_wait_s);
      self->add(row);
    }
  } finish{this, clock, before, submitted_s};
  task();
}

void TraceRecorder::add(const TraceRow& row) {
  MutexLock lock(&mu_);
  rows_.push_back(row);
}

std::vector<TraceRow> TraceRecorder::rows() const {
  std::vector<TraceRow> out;
  {
    MutexLock lock(&mu_);
    out = rows_;
  }
  std::stable_sort(out.begin(), out.end(), [](const TraceRow& a, const TraceRow& b) {
    return a.arrival_s < b.arrival_s;
  });
  return out;
}

}  // namespace betapool

// File: core/worker_meter.h
//
// internal::WorkerMeter: what one worker measures about itself, kept off
// every shared cache line. The WorkerPool calls it around tasks and idle
// periods; the controller reads the published totals at its tick.
//
// Per unrecorded task: two plain stores into the worker's own counters and
// a countdown; the steady clock (~30 ns) is read once every `stride` tasks,
// with the stride adapted so that reads come about every kReadEveryNs of
// busy time (one per task for tasks of >= 2 us, one per up to kMaxStride
// tiny tasks). Busy wall time is the sum of the spans between those reads,
// from the end of an idle period to the start of the next one, so it
// includes the pool's own per-task work but no idle time.
//
// The thread's CPU clock (~1 us here) is read only at checkpoints: after
// ~1 ms of busy time, before the worker parks if >= 100 us of busy time
// (or 50 ms) is unpublished, and when it exits. Busy and CPU time are
// published together, so their ratio is the pool's beta over the same
// spans. CPU burnt while spinning idle (outside any busy span) is
// subtracted, its amount taken as the spin's wall time; a parked thread
// uses no CPU.
//
// A task is measured exactly (CPU clock and wall clock right around it; a
// TaskMetrics record) when `record_spacing` passed since the previous
// recorded task started: every task of 1 ms or more with the default, and
// every task when the spacing is zero. The decision is taken before the
// task starts, so the sample does not depend on the task's own length.
//
// Example (what a worker does):
//   meter.start();
//   if (meter.record_next()) {
//     auto mark = meter.begin_record();
//     task(outcome);
//     TaskMetrics m = meter.end_record(mark, id, outcome);
//     publish(m); meter.count_recorded(m.success);
//   } else {
//     task(outcome);
//     meter.count_task(outcome.ok);
//   }
//
// Thread safety: every method except published() is called only by the
// worker thread; published() totals may be read from any thread.
#ifndef BETAPOOL_CORE_WORKER_METER_H_
#define BETAPOOL_CORE_WORKER_METER_H_

#include <atomic>
#include <cstdint>

#include "core/pool_task.h"
#include "core/task_clock.h"
#include "core/task_metrics.h"

namespace betapool::internal {

class WorkerMeter {
 public:
  // Totals written only by the worker (plain load + store, no read-modify-
  // write), read by the drainer.
  struct Published {
    std::atomic<int64_t> completed{0};
    std::atomic<int64_t> failed{0};
    std::atomic<int64_t> busy_wall_ns{0};
    std::atomic<int64_t> cpu_ns{0};
    std::atomic<int64_t> lock_wait_ns{0};
  };

  // Busy time after which CPU time is published.
  static constexpr int64_t kCheckpointBusyNs = 1'000'000;
  // Before parking, CPU time is published only if at least this much busy
  // time is pending, or the last checkpoint is kMaxUnpublishedNs old: a
  // worker that parks after every short task (a low task rate) must not
  // pay two ~1 us CPU-clock reads per task.
  static constexpr int64_t kParkCheckpointBusyNs = 100'000;
  static constexpr int64_t kMaxUnpublishedNs = 50'000'000;
  // Target busy time between two wall-clock reads, and the most tasks
  // between two reads.
  static constexpr int64_t kReadEveryNs = 2'000;
  static constexpr int kMaxStride = 32;

  // `clock` must outlive the meter. Timestamps in records are relative to
  // `origin_ns` on that clock.
  WorkerMeter(TaskClock& clock, int64_t record_spacing_ns,
              int64_t origin_ns) noexcept;

  // On the worker thread, before its first task: starts a busy span.
  void start() noexcept;

  // True if the next task should be measured exactly.
  bool record_next() const noexcept { return record_next_; }

  // After an unrecorded task: counts it.
  void count_task(bool ok) noexcept {
    if (!ok) bump(published_.failed);
    bump(published_.completed);
    if (++since_read_ >= stride_) after_read(clock_.wall_now_ns());
  }

  // Around a recorded task: begin_record() right before it, end_record()
  // right after (returns its record, with outcome.error moved into it when
  // the task failed), and count_recorded() once the record is where a
  // drain finds it: a drain that sees the count then also finds the record
  // (it reads the counts first), so a record is never later than its count.
  struct RecordMark {
    int64_t wall_ns;
    int64_t cpu_ns;
    int64_t lock_wait_ns;
  };
  RecordMark begin_record() noexcept;
  TaskMetrics end_record(const RecordMark& mark, uint64_t task_id,
                         TaskOutcome& outcome);
  void count_recorded(bool ok) noexcept {
    if (!ok) bump(published_.failed);
    bump(published_.completed);
  }

  // Idle periods. idle_begin() ends the busy span and returns the time it
  // ended; then either resume_after_spin(that time) when spinning found
  // work, or before_park(that time) ... after_park() around a sleep.
  int64_t idle_begin() noexcept;
  void resume_after_spin(int64_t idle_from) noexcept;
  void before_park(int64_t idle_from) noexcept;
  void after_park() noexcept;

  // The worker is leaving: ends the span and publishes everything.
  void finish() noexcept;

  const Published& published() const noexcept { return published_; }

 private:
  static void bump(std::atomic<int64_t>& counter) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + 1,
                  std::memory_order_release);
  }
  void begin_span(int64_t now) noexcept;
  void after_read(int64_t now) noexcept;
  void checkpoint() noexcept;

  TaskClock& clock_;
  const int64_t record_spacing_ns_;
  const int64_t origin_ns_;

  // Worker-private.
  int64_t last_read_ = 0;         // latest wall-clock read in the span
  int64_t pending_busy_ns_ = 0;   // busy time since the last checkpoint
  int64_t idle_spin_ns_ = 0;      // spinning since the last checkpoint
  int64_t cpu_mark_ = 0;          // CPU clock at the last checkpoint
  int64_t checkpoint_wall_ = 0;   // wall clock at the last checkpoint
  int64_t lock_wait_mark_ = 0;    // lock-wait total at the last checkpoint
  int64_t last_record_start_ = INT64_MIN / 2;  // no overflow in differences
  int since_read_ = 0;
  int stride_ = 1;
  bool record_next_ = true;

  alignas(64) Published published_;
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_WORKER_METER_H_

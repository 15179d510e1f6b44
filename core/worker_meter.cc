#include "core/worker_meter.h"

#include <algorithm>
#include <utility>

#include "core/wait_accounting.h"

namespace betapool::internal {

WorkerMeter::WorkerMeter(TaskClock& clock, int64_t record_spacing_ns,
                         int64_t origin_ns) noexcept
    : clock_(clock),
      record_spacing_ns_(record_spacing_ns),
      origin_ns_(origin_ns) {}

void WorkerMeter::start() noexcept {
  cpu_mark_ = clock_.thread_cpu_now_ns();
  lock_wait_mark_ = thread_lock_wait_ns();
  checkpoint_wall_ = clock_.wall_now_ns();
  begin_span(checkpoint_wall_);
}

void WorkerMeter::begin_span(int64_t now) noexcept {
  last_read_ = now;
  since_read_ = 0;
  record_next_ = now - last_record_start_ >= record_spacing_ns_;
}

void WorkerMeter::after_read(int64_t now) noexcept {
  const int64_t elapsed = now - last_read_;
  pending_busy_ns_ += elapsed;
  const int64_t per_task = elapsed / std::max(since_read_, 1);
  stride_ = per_task >= kReadEveryNs
                ? 1
                : static_cast<int>(std::min<int64_t>(
                      kMaxStride, kReadEveryNs / std::max<int64_t>(per_task, 1)));
  since_read_ = 0;
  last_read_ = now;
  record_next_ = now - last_record_start_ >= record_spacing_ns_;
  if (pending_busy_ns_ >= kCheckpointBusyNs) checkpoint();
}

WorkerMeter::RecordMark WorkerMeter::begin_record() noexcept {
  RecordMark mark;
  mark.wall_ns = clock_.wall_now_ns();
  mark.lock_wait_ns = thread_lock_wait_ns();
  mark.cpu_ns = clock_.thread_cpu_now_ns();
  return mark;
}

TaskMetrics WorkerMeter::end_record(const RecordMark& mark, uint64_t task_id,
                                    TaskOutcome& outcome) {
  const int64_t cpu_after = clock_.thread_cpu_now_ns();
  const int64_t end = clock_.wall_now_ns();
  const int64_t lock_wait = thread_lock_wait_ns() - mark.lock_wait_ns;
  last_record_start_ = mark.wall_ns;

  TaskMetrics m;
  m.task_id = task_id;
  // Once per recorded task (at most one per record_spacing), so the
  // conversion to the record's seconds costs nothing on the per-task path.
  m.wall_time = ns_to_seconds(end - mark.wall_ns);
  m.cpu_time = ns_to_seconds(cpu_after - mark.cpu_ns);
  m.lock_wait_time = ns_to_seconds(lock_wait);
  m.blocking_ratio = blocking_ratio(m.wall_time, m.cpu_time);
  m.timestamp = ns_to_seconds(end - origin_ns_);
  m.success = outcome.ok;
  if (!outcome.ok) m.error_message = std::move(outcome.error);

  ++since_read_;
  after_read(end);
  return m;
}

int64_t WorkerMeter::idle_begin() noexcept {
  const int64_t now = clock_.wall_now_ns();
  pending_busy_ns_ += now - last_read_;
  last_read_ = now;
  since_read_ = 0;
  return now;
}

void WorkerMeter::resume_after_spin(int64_t idle_from) noexcept {
  const int64_t now = clock_.wall_now_ns();
  idle_spin_ns_ += now - idle_from;
  begin_span(now);
}

void WorkerMeter::before_park(int64_t idle_from) noexcept {
  const int64_t now = clock_.wall_now_ns();
  idle_spin_ns_ += now - idle_from;
  // Publish before a sleep that may be long, unless little is pending and
  // it was published recently (see kParkCheckpointBusyNs).
  if (pending_busy_ns_ >= kParkCheckpointBusyNs ||
      (pending_busy_ns_ > 0 && now - checkpoint_wall_ >= kMaxUnpublishedNs)) {
    checkpoint();
  }
}

void WorkerMeter::after_park() noexcept {
  // No CPU-clock read: a parked thread uses (almost) no CPU, so the next
  // checkpoint's CPU delta still matches the busy spans since the last one.
  begin_span(clock_.wall_now_ns());
}

void WorkerMeter::finish() noexcept {
  idle_begin();
  checkpoint();
}

void WorkerMeter::checkpoint() noexcept {
  checkpoint_wall_ = last_read_;
  const int64_t cpu_now = clock_.thread_cpu_now_ns();
  // Spinning idle burns CPU outside any busy span: leave it out so that CPU
  // and busy time cover the same spans.
  const int64_t cpu = std::max<int64_t>(0, cpu_now - cpu_mark_ - idle_spin_ns_);
  cpu_mark_ = cpu_now;
  idle_spin_ns_ = 0;
  const int64_t lock_wait_now = thread_lock_wait_ns();
  const int64_t lock_wait = lock_wait_now - lock_wait_mark_;
  lock_wait_mark_ = lock_wait_now;
  auto add = [](std::atomic<int64_t>& total, int64_t v) {
    total.store(total.load(std::memory_order_relaxed) + v,
                std::memory_order_release);
  };
  add(published_.cpu_ns, cpu);
  add(published_.lock_wait_ns, lock_wait);
  add(published_.busy_wall_ns, pending_busy_ns_);
  pending_busy_ns_ = 0;
}

}  // namespace betapool::internal

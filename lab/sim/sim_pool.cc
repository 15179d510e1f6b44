// File: lab/sim/sim_pool.cc
//
// The simulated pool: tasks are queued FIFO and started on idle workers; a
// worker at a task boundary retires if surplus, else takes the next queued
// task, else sleeps (as WorkerPool::worker_main); resize starts workers at
// once and retires idle surplus ones at once. Completed tasks are measured
// as the WorkerPool's meters do (exact totals; a record per worker every
// record_spacing) and handed to the control step by drain().
#include <algorithm>
#include <cmath>
#include <utility>

#include "lab/sim/sim_engine.h"

namespace betapool::internal {

void Engine::submit(double arrival) {
  const QueuedTask t{next_task_id_++, arrival};
  ++result_.submitted;
  if (!idle_.empty()) {
    const int wi = idle_.back();
    idle_.pop_back();
    start_task(wi, t);
  } else {
    queue_.push_back(t);
  }
}

void Engine::start_task(int wi, const QueuedTask& t) {
  Worker& w = workers_[wi];
  w.task_id = t.id;
  w.arrival = t.arrival;
  w.start = now_;
  w.cpu = 0.0;
  w.lock_wait = 0.0;
  w.seg_index = 0;
  w.segs.clear();
  SimRandom rng = task_stream(opt_.seed, t.id);
  for (const SegmentSpec& spec : sc_.profile_at(t.arrival).segments) {
    const double d = spec.duration.sample(rng);
    if (spec.kind == SegmentSpec::Kind::kWait) {
      w.segs.push_back({Seg::kWait, d});
    } else if (gil_on_ && spec.gil_fraction > 0.0) {
      w.segs.push_back({Seg::kGilCpu, d * spec.gil_fraction});
      if (spec.gil_fraction < 1.0) {
        w.segs.push_back({Seg::kCpu, d * (1.0 - spec.gil_fraction)});
      }
    } else {
      w.segs.push_back({Seg::kCpu, d});
    }
  }
  next_segment(wi);
}

void Engine::finish_task(int wi) {
  Worker& w = workers_[wi];
  if (w.holds_gil) {
    w.cpu += share_clock_ - w.q_mark;
    w.q_mark = share_clock_;
  }
  const double wall = now_ - w.start;
  ++interval_completed_;
  interval_busy_ += wall;
  interval_cpu_ += w.cpu;
  interval_lock_ += w.lock_wait;
  const double beta = blocking_ratio(wall, w.cpu);
  stats_.on_task(now_ - w.arrival, beta,
                 wall > 0 ? std::min(1.0, w.lock_wait / wall) : 0.0);
  // The WorkerPool records a task when record_spacing passed since the
  // previous recorded task started on the same worker.
  if (w.start - w.last_record_start >= record_spacing_) {
    w.last_record_start = w.start;
    TaskMetrics m;
    m.task_id = w.task_id;
    m.wall_time = wall;
    m.cpu_time = w.cpu;
    m.lock_wait_time = w.lock_wait;
    m.blocking_ratio = beta;
    m.timestamp = now_;
    pending_records_.push_back(std::move(m));
  }
  if (sc_.arrivals.kind == ArrivalSpec::Kind::kClosedLoop) {
    // The finished task's client submits its next one at once. It joins the
    // queue before this worker looks for work, so FIFO order is kept and the
    // running worker (not a sleeping one) usually takes it, as live.
    queue_.push_back({next_task_id_++, now_});
    ++result_.submitted;
  }
  after_task(wi);
  while (!queue_.empty() && !idle_.empty()) {
    const int other = idle_.back();
    idle_.pop_back();
    const QueuedTask t = queue_.front();
    queue_.pop_front();
    start_task(other, t);
  }
}

// What a worker does at a task boundary, as WorkerPool::worker_main does:
// retire if surplus, else take the next queued task, else sleep.
void Engine::after_task(int wi) {
  Worker& w = workers_[wi];
  if (live_ > target_) {
    if (w.holds_gil) release_gil(wi);
    w.state = Worker::State::kRetired;
    --live_;
    free_slots_.push_back(wi);
    return;
  }
  if (!queue_.empty()) {
    const QueuedTask t = queue_.front();
    queue_.pop_front();
    start_task(wi, t);
    return;
  }
  go_idle(wi);
}

void Engine::go_idle(int wi) {
  Worker& w = workers_[wi];
  if (w.holds_gil) release_gil(wi);
  w.state = Worker::State::kIdle;
  idle_.push_back(wi);
}

int Engine::spawn_worker() {
  int wi;
  if (!free_slots_.empty()) {
    // A new OS thread: fresh per-worker state (it records its first task).
    wi = free_slots_.back();
    free_slots_.pop_back();
    workers_[wi] = Worker{};
  } else {
    wi = static_cast<int>(workers_.size());
    workers_.emplace_back();
  }
  ++live_;
  return wi;
}

int Engine::resize(int target) {
  target_ = target;
  while (live_ < target_) {
    const int wi = spawn_worker();
    if (!queue_.empty()) {
      const QueuedTask t = queue_.front();
      queue_.pop_front();
      start_task(wi, t);
    } else {
      go_idle(wi);
    }
  }
  while (live_ > target_ && !idle_.empty()) {
    const int wi = idle_.back();
    idle_.pop_back();
    workers_[wi].state = Worker::State::kRetired;
    --live_;
    free_slots_.push_back(wi);
  }
  return target_;
}

int Engine::busy_workers() const {
  return live_ - static_cast<int>(idle_.size());
}

int64_t Engine::queue_depth() const {
  return static_cast<int64_t>(queue_.size());
}

PoolDrain Engine::drain() {
  // Nanoseconds, as the live meters count them.
  auto ns = [](double seconds) { return std::llround(seconds * 1e9); };
  PoolDrain d;
  d.completed = interval_completed_;
  d.busy_wall_ns = ns(interval_busy_);
  d.cpu_ns = ns(interval_cpu_);
  d.lock_wait_ns = ns(interval_lock_);
  d.records.swap(pending_records_);
  // About as many records arrive by the next tick: grow once, not by doubling.
  pending_records_.reserve(d.records.size());
  interval_completed_ = 0;
  interval_busy_ = interval_cpu_ = interval_lock_ = 0.0;
  return d;
}

}  // namespace betapool::internal

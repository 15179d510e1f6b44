// File: lab/sim/sim_machine.cc
//
// The simulated machine: runnable threads share the cores (processor
// sharing, with a progress cost per thread beyond the cores), a task moves
// through its segments (waits, CPU bursts, GIL-held CPU bursts), and
// CPython's GIL is handed between threads (switch interval, hand-off cost,
// waiters slowing the holder and burning CPU as they wake).
#include <algorithm>
#include <cmath>

#include "lab/sim/sim_engine.h"

namespace betapool::internal {

void Engine::update_rates() {
  const int r = runnable_nonholder_ + (holder_ >= 0 ? 1 : 0);
  const double rd = static_cast<double>(r);
  if (rd <= cores_) {
    share_ = 1.0;
    rho_ = 1.0;
  } else {
    share_ = cores_ / rd;
    rho_ = share_ / (1.0 + overhead_ * (rd - cores_));
  }
  holder_factor_ =
      1.0 / (1.0 + waiter_slowdown_ * static_cast<double>(gil_waiters_.size()));
}

void Engine::advance_to(double t) {
  const double dt = t - now_;
  if (dt > 0) {
    const int r = runnable_nonholder_ + (holder_ >= 0 ? 1 : 0);
    service_ += rho_ * dt;
    share_clock_ += share_ * dt;
    if (holder_ >= 0) holder_work_ -= rho_ * holder_factor_ * dt;
    cpu_counters_.busy_core_seconds += share_ * static_cast<double>(r) * dt;
    worker_seconds_ += static_cast<double>(target_) * dt;
  }
  now_ = t;
  cpu_counters_.now = t;
}

// Moves worker `wi` into its current segment (or finishes the task).
void Engine::next_segment(int wi) {
  Worker& w = workers_[wi];
  while (w.seg_index < w.segs.size() && !(w.segs[w.seg_index].amount > 0.0)) {
    ++w.seg_index;
  }
  if (w.seg_index == w.segs.size()) {
    finish_task(wi);
    return;
  }
  const Seg& seg = w.segs[w.seg_index];
  switch (seg.kind) {
    case Seg::kWait:
      if (w.holds_gil) release_gil(wi);
      w.state = Worker::State::kIo;
      timer_heap_.push({now_ + seg.amount, wi});
      return;
    case Seg::kCpu:
      if (w.holds_gil) release_gil(wi);
      w.state = Worker::State::kCpu;
      w.q_mark = share_clock_;
      cpu_heap_.push({service_ + seg.amount, wi});
      ++runnable_nonholder_;
      return;
    case Seg::kGilCpu:
      if (w.holds_gil) {
        // Consecutive GIL work: CPython keeps the GIL (no hand-off) until a
        // waiter's switch interval expires.
        holder_work_ = seg.amount;
        return;
      }
      request_gil(wi, seg.amount);
      return;
  }
}

void Engine::request_gil(int wi, double work) {
  Worker& w = workers_[wi];
  if (holder_ < 0) {
    acquire_gil(wi, work, /*handed_off=*/false);
    return;
  }
  w.state = Worker::State::kGilWait;
  w.remaining = work;
  w.wait_mark = now_;
  // CPython: the first waiter times out after the switch interval and asks
  // the holder to drop the GIL.
  if (gil_waiters_.empty()) switch_deadline_ = now_ + switch_interval_;
  gil_waiters_.push_back(wi);
}

void Engine::acquire_gil(int wi, double work, bool handed_off) {
  Worker& w = workers_[wi];
  holder_ = wi;
  w.holds_gil = true;
  w.state = Worker::State::kHolder;
  w.q_mark = share_clock_;
  holder_work_ = work + (handed_off ? handoff_cost_ : 0.0);
  switch_deadline_ = gil_waiters_.empty() ? kInf : now_ + switch_interval_;
}

void Engine::end_gil_wait(int wi) {
  Worker& w = workers_[wi];
  const double waited = now_ - w.wait_mark;
  w.lock_wait += waited;
  if (wake_cpu_ > 0.0 && switch_interval_ > 0.0) {
    const double wake = std::floor(waited / switch_interval_) * wake_cpu_;
    w.cpu += wake;
    cpu_counters_.wake_cpu_seconds += wake;
  }
}

void Engine::release_gil(int wi) {
  Worker& w = workers_[wi];
  w.cpu += share_clock_ - w.q_mark;
  w.q_mark = share_clock_;
  w.holds_gil = false;
  holder_ = -1;
  switch_deadline_ = kInf;
  if (!gil_waiters_.empty()) {
    const int next = gil_waiters_.front();
    gil_waiters_.pop_front();
    end_gil_wait(next);
    acquire_gil(next, workers_[next].remaining, /*handed_off=*/true);
  }
}

// The holder was asked to drop the GIL mid-burst: it hands the GIL to the
// longest waiter and queues behind the others for the rest of its work.
void Engine::forced_switch() {
  const int wi = holder_;
  Worker& w = workers_[wi];
  const double left = std::max(0.0, holder_work_);
  w.cpu += share_clock_ - w.q_mark;
  w.holds_gil = false;
  holder_ = -1;
  const int next = gil_waiters_.front();
  gil_waiters_.pop_front();
  w.state = Worker::State::kGilWait;
  w.remaining = left;
  w.wait_mark = now_;
  gil_waiters_.push_back(wi);
  end_gil_wait(next);
  acquire_gil(next, workers_[next].remaining, /*handed_off=*/true);
}

}  // namespace betapool::internal

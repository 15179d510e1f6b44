// File: lab/sim/sim_engine.h
//
// internal::Engine: one simulate() run — the simulated machine (cores
// shared by runnable threads, the oversubscription cost, CPython's GIL),
// the simulated pool (workers, FIFO queue, resize as WorkerPool::resize
// does) and the event loop that advances virtual time and ticks the shared
// ControlStep (core/control_step.h) every monitor_interval, exactly as the
// live Controller does. Its parts live in one file each:
//   sim_engine.cc   the event loop, arrivals and the tick
//   sim_machine.cc  processor sharing, task segments and the GIL
//   sim_pool.cc     the pool: task life cycle, resize, and the
//                   ControlledPool face the control step drives
// Not for use outside lab/sim/simulator.cc.
#ifndef BETAPOOL_LAB_SIM_SIM_ENGINE_H_
#define BETAPOOL_LAB_SIM_SIM_ENGINE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <queue>
#include <vector>

#include "core/control_step.h"
#include "core/controlled_pool.h"
#include "core/metrics_collector.h"
#include "core/scaling_policy.h"
#include "core/task_metrics.h"
#include "lab/sim/scenario.h"
#include "lab/sim/sim_cpu_sensor.h"
#include "lab/sim/sim_random.h"
#include "lab/sim/sim_stats.h"
#include "lab/sim/simulator.h"

namespace betapool::internal {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// One part of a started task, with its drawn length.
struct Seg {
  enum Kind : uint8_t { kWait, kCpu, kGilCpu };
  Kind kind;
  double amount;  // seconds of wall (wait) or of uncontended CPU work
};

struct QueuedTask {
  uint64_t id;
  double arrival;
};

struct Worker {
  enum class State : uint8_t { kIdle, kIo, kCpu, kGilWait, kHolder, kRetired };
  State state = State::kIdle;
  bool holds_gil = false;
  uint64_t task_id = 0;
  double arrival = 0.0;
  double start = 0.0;
  std::vector<Seg> segs;
  std::size_t seg_index = 0;
  double remaining = 0.0;  // GIL work still to do while waiting for the GIL
  double cpu = 0.0;        // CPU seconds of the current task so far
  double q_mark = 0.0;     // share clock when the thread became runnable
  double lock_wait = 0.0;  // GIL wait of the current task so far
  double wait_mark = 0.0;  // when the current GIL wait began
  double last_record_start = -kInf;
};

struct HeapItem {
  double key;
  int worker;
  bool operator>(const HeapItem& o) const {
    return key > o.key || (key == o.key && worker > o.worker);
  }
};
using MinHeap =
    std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<HeapItem>>;

// The whole simulated pool and machine. One instance per simulate() call.
class Engine final : public ControlledPool {
 public:
  Engine(const Scenario& scenario, ScalingPolicy& policy,
         const SimOptions& options);

  SimResult run();

  // ControlledPool, for the control step (sim_pool.cc). resize() takes
  // effect at once (a simulated pool never lacks threads) and returns the
  // target.
  int target() const override { return target_; }
  int busy_workers() const override;
  int64_t queue_depth() const override;
  int live_threads() const override { return live_; }
  int resize(int target) override;
  PoolDrain drain() override;

 private:
  // --- the machine (sim_machine.cc) ---
  void update_rates();
  void advance_to(double t);
  void next_segment(int wi);
  void request_gil(int wi, double work);
  void acquire_gil(int wi, double work, bool handed_off);
  void release_gil(int wi);
  void end_gil_wait(int wi);
  void forced_switch();
  // --- the pool (sim_pool.cc) ---
  void submit(double arrival);
  void start_task(int wi, const QueuedTask& t);
  void finish_task(int wi);
  void after_task(int wi);
  int spawn_worker();
  void go_idle(int wi);
  // --- arrivals and ticks (sim_engine.cc) ---
  double next_open_arrival(double after);
  void on_tick();

  const Scenario& sc_;
  const SimOptions& opt_;
  const double cores_;
  const double overhead_;
  const bool gil_on_;
  const double switch_interval_;
  const double handoff_cost_;
  const double waiter_slowdown_;
  const double wake_cpu_;
  const double tick_;
  const double end_;
  const double record_spacing_;
  const int initial_workers_;

  double now_ = 0.0;
  // Processor sharing: every runnable thread progresses at rho_ work-seconds
  // per second (the GIL holder at rho_ * holder_factor_) and accrues CPU time
  // at share_ per second. service_ and share_clock_ integrate those rates so
  // a rate change costs O(1) instead of touching every thread.
  double service_ = 0.0;
  double share_clock_ = 0.0;
  double share_ = 1.0;
  double rho_ = 1.0;
  double holder_factor_ = 1.0;
  int runnable_nonholder_ = 0;
  SimCpuCounters cpu_counters_;  // what the simulated sensor reads

  std::vector<Worker> workers_;
  std::vector<int> free_slots_;
  std::vector<int> idle_;
  int live_ = 0;
  int target_ = 0;
  std::deque<QueuedTask> queue_;
  uint64_t next_task_id_ = 0;
  MinHeap cpu_heap_;    // key: service_ value at which the CPU part ends
  MinHeap timer_heap_;  // key: time at which the wait ends

  int holder_ = -1;
  double holder_work_ = 0.0;  // GIL work left in the holder's current part
  double switch_deadline_ = kInf;
  std::deque<int> gil_waiters_;

  // Open-loop arrivals.
  SimRandom arrival_rng_;
  double next_arrival_ = kInf;

  // What the pool hands the control step at its next tick, as the live
  // WorkerPool's meters keep it (totals in seconds, converted at drain()).
  std::vector<TaskMetrics> pending_records_;
  int64_t interval_completed_ = 0;
  double interval_busy_ = 0.0;
  double interval_cpu_ = 0.0;
  double interval_lock_ = 0.0;

  // Measurement and control, as the live executor has them.
  MetricsCollector collector_;
  SimCpuSensor sensor_;
  ControlStep step_;  // refers to *this, collector_ and sensor_

  // Results.
  SimResult result_;
  SimStats stats_;
  double worker_seconds_ = 0.0;  // integral of target_ dt
};

}  // namespace betapool::internal

#endif  // BETAPOOL_LAB_SIM_SIM_ENGINE_H_

// File: core/control_step.h
//
// ControlStep: one control cycle — collect -> snapshot -> decide -> clamp ->
// apply -> record — written once, for the live Controller (over the
// executor's WorkerPool) and for the lab's virtual-time simulator (over its
// simulated pool and CPU). Each tick it moves the pool's drained records
// into the MetricsCollector and the sinks' on_task, reads the CpuSensor,
// builds a ControllerSnapshot, asks the ScalingPolicy, clamps the answer
// into [min_workers, max_workers] (the one place a target is clamped),
// resizes the pool (also when threads are missing, to retry), and records a
// DecisionRecord and an ExperimentLogEntry in every MetricsSink.
//
// Time is an argument (seconds since the pool started: wall time live,
// virtual time in the simulator); the step reads no clock.
//
// Faults: a policy, sensor or sink that throws (anything, std::exception or
// not) cannot stop the loop: a throwing decide() holds the size, a throwing
// sensor reads as unavailable for that tick, a throwing sink hook is
// skipped, and anything else a tick throws skips that tick. Each
// component's faults are counted and its first message kept (FaultRecord).
//
// Example:
//   betapool::ControlStep step(pool, collector, policy, &sensor, sinks,
//                              {.min_workers = 1, .max_workers = 8}, 0.0);
//   betapool::DecisionRecord d = step.tick(/*now=*/0.5);
//
// Thread safety: the caller serializes every call (the Controller holds
// its mutex). A caller that gives a CallerLock has it released around each
// call to the policy and to the tick's sink hooks (on_tick, on_decision,
// flush), so those may wait for another thread that reads the executor;
// meanwhile peek() returns the snapshot being decided on, and collect()
// keeps the records it moves for the sinks until the tick's hooks are done
// (a sink is never called from two threads at once). on_task runs with the
// lock held. The pool, collector, policy and sensor must outlive it.
#ifndef BETAPOOL_CORE_CONTROL_STEP_H_
#define BETAPOOL_CORE_CONTROL_STEP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/controlled_pool.h"
#include "core/controller_snapshot.h"
#include "core/cpu_sensor.h"
#include "core/metrics_collector.h"
#include "core/metrics_sink.h"
#include "core/scaling_decision.h"
#include "core/scaling_policy.h"

namespace betapool {

// How often a component failed, and the first failure's message.
struct FaultRecord {
  int64_t count = 0;
  std::string first_message;
};

// The sizes a tick may apply.
struct ControlBounds {
  int min_workers = 1;
  int max_workers = 1;
};

class ControlStep {
 public:
  // The lock the caller holds around every call to the step (see Thread
  // safety above); the Controller's mutex. The simulator has none.
  class CallerLock {
   public:
    virtual void release() = 0;
    virtual void reacquire() = 0;

   protected:
    ~CallerLock() = default;
  };

  // `sensor` may be null (CPU then reads "unavailable"); a non-null sensor
  // is read once here, to prime delta-based sensors so the first tick has an
  // interval to report. `now`: seconds since the pool started.
  // `caller_lock` may be null (nothing to release); it must outlive the step.
  ControlStep(ControlledPool& pool, MetricsCollector& collector,
              ScalingPolicy& policy, CpuSensor* sensor,
              std::vector<std::shared_ptr<MetricsSink>> sinks,
              ControlBounds bounds, double now,
              CallerLock* caller_lock = nullptr);
  ControlStep(const ControlStep&) = delete;
  ControlStep& operator=(const ControlStep&) = delete;

  // One full control cycle at `now`; returns what was decided and applied.
  // Never throws (see Faults above).
  DecisionRecord tick(double now);

  // Moves the pool's drained measurements into the collector and the sinks'
  // on_task (tick() does this first); completions without a record are
  // stamped `now`.
  void collect(double now);

  // The snapshot a tick at `now` would see, without asking the policy or
  // reading the sensor (cpu is the last reading). Called back from inside
  // a tick or a collect (a policy or sink reading the executor's metrics
  // on the controller's thread), it collects nothing, so the tick in
  // progress loses no measurement: it returns the snapshot being decided
  // on, or (from on_task) the state collected so far.
  ControllerSnapshot peek(double now);

  const ScalingPolicy& policy() const { return policy_; }
  ControlBounds bounds() const { return bounds_; }
  int64_t ticks() const { return ticks_; }
  FaultRecord policy_fault() const { return policy_fault_; }
  FaultRecord sensor_fault() const { return sensor_fault_; }
  FaultRecord sink_fault() const { return sink_fault_; }
  FaultRecord tick_fault() const { return tick_fault_; }
  int64_t dropped_records() const { return dropped_records_; }

 private:
  DecisionRecord tick_unguarded(double now);
  ControllerSnapshot snapshot(double now);
  // Reads the sensor, turning a throw into an unavailable reading.
  CpuReading read_sensor();
  // Calls one sink hook, recording (not propagating) what it throws.
  template <class Hook>
  void call_sink(Hook&& hook);
  // Runs f() with the caller's lock released (if there is one).
  template <class F>
  auto unlocked(F&& f);
  // Gives the records kept during a tick's hooks to the sinks' on_task.
  void deliver_kept();

  ControlledPool& pool_;
  MetricsCollector& collector_;
  ScalingPolicy& policy_;
  CpuSensor* const sensor_;
  const std::vector<std::shared_ptr<MetricsSink>> sinks_;
  const ControlBounds bounds_;
  CallerLock* const caller_lock_;

  PoolDrain interval_;  // totals since the last tick (records not kept)
  int64_t records_ahead_of_counts_ = 0;  // see collect()
  bool in_step_ = false;  // inside tick() or collect(): peek() must not collect
  // The tick's snapshot while its policy and hooks run (lock released).
  const ControllerSnapshot* deciding_ = nullptr;
  std::vector<TaskMetrics> kept_;  // collected meanwhile, for on_task
  double last_tick_ = 0.0;
  CpuReading last_cpu_;
  int64_t ticks_ = 0;
  FaultRecord policy_fault_;
  FaultRecord sensor_fault_;
  FaultRecord sink_fault_;
  FaultRecord tick_fault_;
  int64_t dropped_records_ = 0;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROL_STEP_H_

// File: core/controller.h
//
// Controller: the executor's decision loop — a background thread and a
// mutex around one ControlStep (core/control_step.h) over the WorkerPool.
// Every `monitor_interval` the step collects the workers' measurements,
// reads the CPU sensor, builds a ControllerSnapshot, asks the ScalingPolicy,
// clamps the answer to [min_workers, max_workers], applies it to the
// WorkerPool, and records the decision in every MetricsSink. It never runs
// tasks. The lab's simulator runs the same step in virtual time.
//
// Tests drive it without the background thread: build the executor with
// `ExecutorBuilder::manual_control()` and call `tick()` yourself.
//
// Example:
//   auto ex = betapool::ExecutorBuilder().manual_control().build().value();
//   betapool::DecisionRecord d = ex->controller().tick();
//
// Faults: as ControlStep — a policy, sensor or sink that throws cannot stop
// the loop; each component's faults are counted and its first message kept
// (FaultRecord). A policy's target outside [min_workers, max_workers]
// (negative, INT_MAX) is clamped.
//
// Thread safety: tick() and collect() are serialized internally and may be
// called from any thread; start()/stop() from the owner. Ticks run one at a
// time; the step's state is under a mutex that a tick lets go of while its
// policy and sink hooks run (see peek()).
#ifndef BETAPOOL_CORE_CONTROLLER_H_
#define BETAPOOL_CORE_CONTROLLER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "core/control_step.h"
#include "core/controller_config.h"
#include "core/controller_snapshot.h"
#include "core/cpu_sensor.h"
#include "core/metrics_collector.h"
#include "core/metrics_sink.h"
#include "core/scaling_decision.h"
#include "core/scaling_policy.h"
#include "core/sync.h"
#include "core/worker_pool.h"
#include "core/worker_pool_adapter.h"

namespace betapool {

class Controller {
 public:
  using Bounds = ControlBounds;

  // `pool` and `collector` must outlive the controller. `sensor` may be
  // null (CPU then reads "unavailable").
  Controller(WorkerPool& pool, MetricsCollector& collector,
             std::unique_ptr<ScalingPolicy> policy,
             std::unique_ptr<CpuSensor> sensor,
             std::vector<std::shared_ptr<MetricsSink>> sinks,
             ControllerConfig config, Bounds bounds);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;
  ~Controller();  // stop()

  // Starts the background thread ticking every monitor_interval. Once.
  // Throws std::system_error if the thread cannot be started (before any
  // task is accepted: the executor is not built).
  void start();
  // Stops the background thread at once (no waiting out the interval).
  // Idempotent; safe if never started.
  void stop();

  // One full control cycle; returns what was decided and applied.
  DecisionRecord tick();

  // Moves measurements from the workers into the collector and the sinks'
  // on_task; tick() does this first. Safe from any thread.
  void collect();

  // The snapshot the next tick would see if taken now, without asking the
  // policy or reading the sensor (cpu is the last reading). For metrics().
  // While a tick's policy or sink hook runs it returns the snapshot of the
  // tick in progress, to any thread: the controller calls decide(),
  // on_tick, on_decision and flush without its mutex held, so they may read
  // the executor themselves or wait for a thread that does. on_task runs
  // under the mutex: from there only the calling thread may read it. A
  // tick() from inside a tick is refused (counted as a tick fault); one from
  // another thread waits for the tick in progress.
  ControllerSnapshot peek();

  const ScalingPolicy& policy() const { return *policy_; }
  Bounds bounds() const { return bounds_; }
  int64_t ticks() const;
  int64_t policy_faults() const;  // decide() threw; the tick held
  FaultRecord policy_fault() const;
  FaultRecord sensor_fault() const;
  FaultRecord sink_fault() const;
  FaultRecord tick_fault() const;
  int64_t dropped_records() const;

 private:
  // The step refers to the adapter, the policy and the sensor: they are
  // declared (built) before it and destroyed after it.
  WorkerPool& pool_;
  internal::WorkerPoolAdapter adapter_;
  const ControllerConfig config_;
  const Bounds bounds_;
  const std::unique_ptr<ScalingPolicy> policy_;
  const std::unique_ptr<CpuSensor> sensor_;

  // Runs f(step_) under mu_, or without locking again when this thread
  // already holds it: a sink's on_task (called by the step with mu_ held)
  // may read the executor's metrics, and absl's Mutex is not reentrant.
  template <class F>
  auto with_step(F&& f) const ABSL_NO_THREAD_SAFETY_ANALYSIS;

  // Lets go of mu_ while the step calls the policy and the tick's hooks.
  class StepLock final : public ControlStep::CallerLock {
   public:
    explicit StepLock(const Controller& c) : c_(c) {}
    void release() override;
    void reacquire() override;

   private:
    const Controller& c_;
  };

  // Serializes ticks (held for a whole tick, hooks included); taken before
  // mu_. `ticker_`: the thread holding it, as holder_ for mu_.
  Mutex tick_mu_;
  std::atomic<std::thread::id> ticker_{};

  mutable Mutex mu_;
  StepLock step_lock_{*this};  // before step_, which refers to it
  mutable ControlStep step_ ABSL_GUARDED_BY(mu_);
  // The thread holding mu_ (none when free). Only a thread's own store can
  // equal its id, so relaxed order suffices.
  mutable std::atomic<std::thread::id> holder_{};

  Mutex thread_mu_;
  std::thread thread_ ABSL_GUARDED_BY(thread_mu_);
  Notification stop_requested_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROLLER_H_

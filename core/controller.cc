// File: core/controller.cc
//
// The Controller's thread and lock around its ControlStep.
#include "core/controller.h"

#include <atomic>
#include <thread>
#include <utility>

namespace betapool {

Controller::Controller(WorkerPool& pool, MetricsCollector& collector,
                       std::unique_ptr<ScalingPolicy> policy,
                       std::unique_ptr<CpuSensor> sensor,
                       std::vector<std::shared_ptr<MetricsSink>> sinks,
                       ControllerConfig config, Bounds bounds)
    : pool_(pool),
      adapter_(pool),
      config_(config),
      bounds_(bounds),
      policy_(std::move(policy)),
      sensor_(std::move(sensor)),
      step_(adapter_, collector, *policy_, sensor_.get(), std::move(sinks),
            bounds, pool.seconds_since_start(), &step_lock_) {}

Controller::~Controller() { stop(); }

void Controller::start() {
  MutexLock lock(&thread_mu_);
  if (thread_.joinable() || stop_requested_.HasBeenNotified()) return;
  thread_ = std::thread([this] {
    while (!stop_requested_.WaitForNotificationWithTimeout(
        config_.monitor_interval)) {
      tick();  // never throws (see ControlStep::tick())
    }
  });
}

void Controller::stop() {
  // Check-and-notify under thread_mu_: two threads stopping at once (two
  // tasks calling shutdown) must not both Notify (absl aborts on that).
  MutexLock lock(&thread_mu_);
  if (!stop_requested_.HasBeenNotified()) stop_requested_.Notify();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

namespace {

// Runs f with `mu` held and `holder` naming this thread; directly, without
// locking again, when this thread already holds it (a policy or sink
// calling back into the controller from inside f).
template <class F>
auto run_holding(Mutex& mu, std::atomic<std::thread::id>& holder,
                 F&& f) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  const std::thread::id me = std::this_thread::get_id();
  if (holder.load(std::memory_order_relaxed) == me) return f();
  MutexLock lock(&mu);
  holder.store(me, std::memory_order_relaxed);
  struct Release {
    std::atomic<std::thread::id>& holder;
    ~Release() { holder.store(std::thread::id(), std::memory_order_relaxed); }
  } release{holder};
  return f();
}

}  // namespace

template <class F>
auto Controller::with_step(F&& f) const {
  return run_holding(mu_, holder_, [&] { return f(step_); });
}

// Called by the step on the ticking thread, which holds mu_ (holder_ is
// it); undone before the step touches its state again.
void Controller::StepLock::release() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  c_.holder_.store(std::thread::id(), std::memory_order_relaxed);
  c_.mu_.Unlock();
}

void Controller::StepLock::reacquire() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  c_.mu_.Lock();
  c_.holder_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

void Controller::collect() {
  with_step([&](ControlStep& step) { step.collect(pool_.seconds_since_start()); });
}

ControllerSnapshot Controller::peek() {
  return with_step(
      [&](ControlStep& step) { return step.peek(pool_.seconds_since_start()); });
}

DecisionRecord Controller::tick() {
  // Ticks one at a time; one from a policy or sink of this thread's tick
  // reaches the step, which refuses it.
  return run_holding(tick_mu_, ticker_, [&] {
    return with_step([&](ControlStep& step) {
      return step.tick(pool_.seconds_since_start());
    });
  });
}

int64_t Controller::ticks() const {
  return with_step([](const ControlStep& step) { return step.ticks(); });
}

int64_t Controller::policy_faults() const {
  return with_step([](const ControlStep& step) { return step.policy_fault().count; });
}

FaultRecord Controller::policy_fault() const {
  return with_step([](const ControlStep& step) { return step.policy_fault(); });
}

FaultRecord Controller::sensor_fault() const {
  return with_step([](const ControlStep& step) { return step.sensor_fault(); });
}

FaultRecord Controller::sink_fault() const {
  return with_step([](const ControlStep& step) { return step.sink_fault(); });
}

FaultRecord Controller::tick_fault() const {
  return with_step([](const ControlStep& step) { return step.tick_fault(); });
}

int64_t Controller::dropped_records() const {
  return with_step([](const ControlStep& step) { return step.dropped_records(); });
}

}  // namespace betapool

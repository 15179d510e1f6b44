// File: core/controller.cc
//
// The Controller's thread and lock around its ControlStep.
#include "core/controller.h"

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
            bounds, pool.seconds_since_start()) {}

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

void Controller::collect() {
  MutexLock lock(&mu_);
  step_.collect(pool_.seconds_since_start());
}

ControllerSnapshot Controller::peek() {
  MutexLock lock(&mu_);
  return step_.peek(pool_.seconds_since_start());
}

DecisionRecord Controller::tick() {
  MutexLock lock(&mu_);
  return step_.tick(pool_.seconds_since_start());
}

int64_t Controller::ticks() const {
  MutexLock lock(&mu_);
  return step_.ticks();
}

int64_t Controller::policy_faults() const {
  MutexLock lock(&mu_);
  return step_.policy_fault().count;
}

FaultRecord Controller::policy_fault() const {
  MutexLock lock(&mu_);
  return step_.policy_fault();
}

FaultRecord Controller::sensor_fault() const {
  MutexLock lock(&mu_);
  return step_.sensor_fault();
}

FaultRecord Controller::sink_fault() const {
  MutexLock lock(&mu_);
  return step_.sink_fault();
}

FaultRecord Controller::tick_fault() const {
  MutexLock lock(&mu_);
  return step_.tick_fault();
}

int64_t Controller::dropped_records() const {
  MutexLock lock(&mu_);
  return step_.dropped_records();
}

}  // namespace betapool

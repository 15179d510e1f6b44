#include "core/controller.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double or_nan(const std::optional<double>& v) { return v ? *v : kNaN; }

}  // namespace

std::string_view to_string(DecisionKind kind) noexcept {
  switch (kind) {
    case DecisionKind::kHold:
      return "hold";
    case DecisionKind::kScaleUp:
      return "scale_up";
    case DecisionKind::kScaleDown:
      return "scale_down";
  }
  return "hold";
}

Controller::Controller(WorkerPool& pool, MetricsCollector& collector,
                       std::unique_ptr<ScalingPolicy> policy,
                       std::unique_ptr<CpuSensor> sensor,
                       std::vector<std::shared_ptr<MetricsSink>> sinks,
                       ControllerConfig config, Bounds bounds)
    : pool_(pool),
      collector_(collector),
      config_(config),
      bounds_(bounds),
      policy_(std::move(policy)),
      sensor_(std::move(sensor)),
      sinks_(std::move(sinks)) {
  MutexLock lock(&mu_);
  last_tick_ = pool_.seconds_since_start();
  // Prime delta-based sensors so the first tick has an interval to report.
  if (sensor_) last_cpu_ = sensor_->read();
}

Controller::~Controller() { stop(); }

void Controller::start() {
  MutexLock lock(&thread_mu_);
  if (thread_.joinable() || stop_requested_.HasBeenNotified()) return;
  thread_ = std::thread([this] {
    while (!stop_requested_.WaitForNotificationWithTimeout(
        config_.monitor_interval)) {
      tick();
    }
  });
}

void Controller::stop() {
  if (!stop_requested_.HasBeenNotified()) stop_requested_.Notify();
  MutexLock lock(&thread_mu_);
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void Controller::collect() {
  MutexLock lock(&mu_);
  collect_locked();
}

void Controller::collect_locked() {
  PoolDrain drain = pool_.drain();
  interval_.completed += drain.completed;
  interval_.failed += drain.failed;
  interval_.busy_wall_ns += drain.busy_wall_ns;
  interval_.cpu_ns += drain.cpu_ns;
  interval_.lock_wait_ns += drain.lock_wait_ns;
  dropped_records_ += drain.dropped_records;
  const int64_t unrecorded =
      drain.completed - static_cast<int64_t>(drain.records.size());
  for (const TaskMetrics& m : drain.records) {
    collector_.record(m);
    for (auto& sink : sinks_) sink->on_task(m);
  }
  if (unrecorded > 0) {
    collector_.count_completions(unrecorded, pool_.seconds_since_start());
  }
}

ControllerSnapshot Controller::snapshot_locked(double now) {
  ControllerSnapshot s;
  s.now = absl::Seconds(now);
  s.current_workers = pool_.target();
  s.min_workers = bounds_.min_workers;
  s.max_workers = bounds_.max_workers;
  s.busy_workers = pool_.busy_workers();
  s.queue_depth = pool_.queue_depth();
  s.total_completed = collector_.total_tasks();
  s.interval.length = absl::Seconds(std::max(0.0, now - last_tick_));
  s.interval.completed = interval_.completed;
  s.interval.failed = interval_.failed;
  s.interval.busy_wall_time = static_cast<double>(interval_.busy_wall_ns) * 1e-9;
  s.interval.cpu_time = static_cast<double>(interval_.cpu_ns) * 1e-9;
  s.interval.lock_wait_time =
      static_cast<double>(interval_.lock_wait_ns) * 1e-9;
  s.window = collector_.aggregated(now);
  s.cpu = last_cpu_;
  return s;
}

ControllerSnapshot Controller::peek() {
  MutexLock lock(&mu_);
  collect_locked();
  return snapshot_locked(pool_.seconds_since_start());
}

DecisionRecord Controller::tick() {
  pool_.reap();
  MutexLock lock(&mu_);
  collect_locked();
  if (sensor_) {
    last_cpu_ = sensor_->read();
  } else {
    last_cpu_ = CpuReading{};
    last_cpu_.status = "no CPU sensor configured";
  }
  const double now = pool_.seconds_since_start();
  const ControllerSnapshot s = snapshot_locked(now);

  ScalingDecision decision;
  try {
    decision = policy_->decide(s);
  } catch (const std::exception& e) {
    ++policy_faults_;
    decision = ScalingDecision::hold(
        s.current_workers, absl::StrCat("policy threw: ", e.what()));
  } catch (...) {
    ++policy_faults_;
    decision = ScalingDecision::hold(s.current_workers,
                                     "policy threw a non-standard exception");
  }

  int applied = std::clamp(decision.target, bounds_.min_workers,
                           bounds_.max_workers);
  if (applied != s.current_workers) {
    const int in_force = pool_.resize(applied);
    if (in_force > 0) applied = in_force;
  }

  DecisionRecord record;
  record.timestamp = now;
  record.threads_before = s.current_workers;
  record.requested = decision.target;
  record.threads_after = applied;
  record.decision = std::string(to_string(
      applied > s.current_workers   ? DecisionKind::kScaleUp
      : applied < s.current_workers ? DecisionKind::kScaleDown
                                    : DecisionKind::kHold));
  record.reason = std::move(decision.reason);
  record.blocking_ratio =
      s.window.task_count > 0 ? s.window.avg_blocking_ratio : kNaN;
  record.lock_wait_ratio = or_nan(s.interval.lock_wait_ratio());
  record.cpu_percent = or_nan(s.cpu.system_percent);
  record.process_cpu_percent = or_nan(s.cpu.process_percent);
  record.throughput = or_nan(s.interval.throughput());
  record.queue_depth = static_cast<long>(s.queue_depth);
  record.policy = std::string(policy_->name());
  record.tasks_completed = s.total_completed;
  record.pressure_some_percent = or_nan(s.cpu.pressure_some_percent);
  record.throttled_percent = or_nan(s.cpu.throttled_percent);
  record.effective_cpus = or_nan(s.cpu.effective_cpus);

  ExperimentLogEntry entry;
  entry.timestamp = now;
  entry.active_threads = applied;
  entry.blocking_ratio = record.blocking_ratio;
  entry.cpu_percent = record.cpu_percent;
  entry.throughput = s.window.throughput;
  entry.p50_latency = s.window.p50_latency;
  entry.p99_latency = s.window.p99_latency;
  entry.queue_depth = record.queue_depth;
  entry.p95_latency = s.window.p95_latency;

  for (auto& sink : sinks_) {
    sink->on_tick(entry);
    sink->on_decision(record);
    sink->flush();
  }
  interval_ = PoolDrain{};
  last_tick_ = now;
  ++ticks_;
  return record;
}

int64_t Controller::ticks() const {
  MutexLock lock(&mu_);
  return ticks_;
}

int64_t Controller::policy_faults() const {
  MutexLock lock(&mu_);
  return policy_faults_;
}

int64_t Controller::dropped_records() const {
  MutexLock lock(&mu_);
  return dropped_records_;
}

}  // namespace betapool

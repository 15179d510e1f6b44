// File: core/control_step.cc
//
// The control cycle shared by the live Controller and the simulator.
#include "core/control_step.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace betapool {
namespace {

// Sets a member for the length of a scope and restores it on every exit,
// exceptions included.
template <class T>
class ScopedSet {
 public:
  ScopedSet(T& member, T value) : member_(member), old_(member) {
    member_ = value;
  }
  ~ScopedSet() { member_ = old_; }
  ScopedSet(const ScopedSet&) = delete;
  ScopedSet& operator=(const ScopedSet&) = delete;

 private:
  T& member_;
  const T old_;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double or_nan(const std::optional<double>& v) { return v ? *v : kNaN; }

// what() of the exception being handled, or a note that it is not a
// std::exception. Call only inside a catch block.
std::string current_exception_message() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "a non-standard exception (not derived from std::exception)";
  }
}

void note_fault(FaultRecord& f, const char* component,
                const std::string& message) {
  if (f.count++ == 0) f.first_message = absl::StrCat(component, " threw: ", message);
}

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

ControlStep::ControlStep(ControlledPool& pool, MetricsCollector& collector,
                         ScalingPolicy& policy, CpuSensor* sensor,
                         std::vector<std::shared_ptr<MetricsSink>> sinks,
                         ControlBounds bounds, double now,
                         CallerLock* caller_lock)
    : pool_(pool),
      collector_(collector),
      policy_(policy),
      sensor_(sensor),
      sinks_(std::move(sinks)),
      bounds_(bounds),
      caller_lock_(caller_lock),
      last_tick_(now) {
  if (sensor_ != nullptr) last_cpu_ = read_sensor();
}

CpuReading ControlStep::read_sensor() {
  try {
    return sensor_->read();
  } catch (...) {
    note_fault(sensor_fault_, "sensor", current_exception_message());
    CpuReading r;
    r.status = "sensor threw (see ExecutorMetrics::sensor_fault)";
    return r;
  }
}

template <class Hook>
void ControlStep::call_sink(Hook&& hook) {
  try {
    hook();
  } catch (...) {
    note_fault(sink_fault_, "sink", current_exception_message());
  }
}

template <class F>
auto ControlStep::unlocked(F&& f) {
  struct Relock {
    CallerLock* lock;
    ~Relock() {
      if (lock != nullptr) lock->reacquire();
    }
  };
  if (caller_lock_ != nullptr) caller_lock_->release();
  const Relock relock{caller_lock_};
  return f();
}

void ControlStep::deliver_kept() {
  std::vector<TaskMetrics> kept;
  kept.swap(kept_);
  for (const TaskMetrics& m : kept) {
    for (auto& sink : sinks_) call_sink([&] { sink->on_task(m); });
  }
}

void ControlStep::collect(double now) {
  const ScopedSet<bool> in_step(in_step_, true);
  PoolDrain drain = pool_.drain();
  interval_.completed += drain.completed;
  interval_.failed += drain.failed;
  interval_.busy_wall_ns += drain.busy_wall_ns;
  interval_.cpu_ns += drain.cpu_ns;
  interval_.lock_wait_ns += drain.lock_wait_ns;
  dropped_records_ += drain.dropped_records;
  // Completions without a record, counted here (a record counts its own).
  // A record may come a drain before its completion count (the worker
  // counts after publishing it), never after: carry those.
  int64_t unrecorded = drain.completed -
                       static_cast<int64_t>(drain.records.size()) -
                       records_ahead_of_counts_;
  records_ahead_of_counts_ = unrecorded < 0 ? -unrecorded : 0;
  for (const TaskMetrics& m : drain.records) collector_.record(m);
  if (unrecorded > 0) collector_.count_completions(unrecorded, now);
  if (deciding_ != nullptr) {
    // A tick's policy or sink hook is running (the caller's lock released,
    // perhaps on another thread): the sinks hear of these after it.
    kept_.insert(kept_.end(), drain.records.begin(), drain.records.end());
    return;
  }
  deliver_kept();
  for (const TaskMetrics& m : drain.records) {
    for (auto& sink : sinks_) call_sink([&] { sink->on_task(m); });
  }
}

ControllerSnapshot ControlStep::snapshot(double now) {
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
  s.interval.busy_wall_time = ns_to_seconds(interval_.busy_wall_ns);
  s.interval.cpu_time = ns_to_seconds(interval_.cpu_ns);
  s.interval.lock_wait_time = ns_to_seconds(interval_.lock_wait_ns);
  s.window = collector_.aggregated(now);
  s.cpu = last_cpu_;
  return s;
}

ControllerSnapshot ControlStep::peek(double now) {
  if (deciding_ != nullptr) return *deciding_;
  if (!in_step_) collect(now);
  return snapshot(now);
}

DecisionRecord ControlStep::tick(double now) {
  if (in_step_) {
    // A policy or sink asked for a tick from inside one: refuse (a nested
    // tick would apply a decision the outer one then overwrites).
    note_fault(tick_fault_, "tick", "tick() called from inside a tick");
    DecisionRecord record;
    record.decision = "hold";
    record.reason = "tick() called from inside a tick: ignored";
    record.threads_before = record.threads_after = record.requested =
        pool_.target();
    return record;
  }
  const ScopedSet<bool> in_step(in_step_, true);
  try {
    return tick_unguarded(now);
  } catch (...) {
    // Not the policy, sensor or sinks (caught where called): e.g. an
    // allocation failure. Skip this tick; the next one starts afresh.
    note_fault(tick_fault_, "tick", current_exception_message());
    DecisionRecord record;
    record.timestamp = now;
    record.decision = "hold";
    record.reason = "tick failed: " + tick_fault_.first_message;
    record.threads_before = record.threads_after = pool_.target();
    record.requested = record.threads_after;
    return record;
  }
}

DecisionRecord ControlStep::tick_unguarded(double now) {
  pool_.begin_tick();
  collect(now);
  if (sensor_ != nullptr) {
    last_cpu_ = read_sensor();
  } else {
    last_cpu_ = CpuReading{};
    last_cpu_.status = "no CPU sensor configured";
  }
  const ControllerSnapshot s = snapshot(now);
  // The next interval starts here, not at the end of the tick: what a
  // policy or sink collects from inside it (Executor::task_log(),
  // shutdown()) belongs to the next one and must not be wiped.
  interval_ = PoolDrain{};
  last_tick_ = now;
  // What a policy or sink reading the executor's metrics now sees.
  std::optional<ScopedSet<const ControllerSnapshot*>> deciding;
  deciding.emplace(deciding_, &s);

  ScalingDecision decision;
  try {
    decision = unlocked([&] { return policy_.decide(s); });
  } catch (...) {
    const std::string message = current_exception_message();
    note_fault(policy_fault_, "policy", message);
    decision = ScalingDecision::hold(s.current_workers,
                                     absl::StrCat("policy threw: ", message));
  }

  // The one clamp of a policy's answer (ControllerSnapshot::bounded, the
  // rule policies use for their own reasoning too).
  int applied = s.bounded(decision.target);
  // Also when threads are missing (the OS refused some earlier): retry.
  if (applied != s.current_workers || pool_.live_threads() < applied) {
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
  record.policy = std::string(policy_.name());
  record.tasks_completed = s.total_completed;
  record.pressure_some_percent = or_nan(s.cpu.pressure_some_percent);
  record.throttled_percent = or_nan(s.cpu.throttled_percent);
  record.effective_cpus = or_nan(s.cpu.effective_cpus);
  record.busy_workers = s.busy_workers;
  record.interval_completed = s.interval.completed;

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
    call_sink([&] { unlocked([&] { sink->on_tick(entry); }); });
    call_sink([&] { unlocked([&] { sink->on_decision(record); }); });
    call_sink([&] { unlocked([&] { sink->flush(); }); });
  }
  deciding.reset();
  deliver_kept();  // what was collected while the hooks ran
  ++ticks_;
  return record;
}

}  // namespace betapool

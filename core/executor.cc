#include "core/executor.h"

#include <algorithm>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

std::vector<std::shared_ptr<MetricsSink>> with_memory_sink(
    std::vector<std::shared_ptr<MetricsSink>> sinks,
    std::shared_ptr<InMemorySink> memory) {
  sinks.insert(sinks.begin(), std::move(memory));
  return sinks;
}

WorkerPoolOptions pool_options(const ExecutorParts& parts) {
  WorkerPoolOptions o;
  o.record_spacing = parts.metrics.record_spacing;
  o.queue_capacity = parts.queue_capacity;
  o.rejection = parts.rejection;
  o.block_timeout = parts.block_timeout;
  return o;
}

}  // namespace

Executor::Executor(ExecutorParts parts)
    : min_workers_(parts.min_workers),
      max_workers_(parts.max_workers),
      clock_(std::move(parts.clock)),
      pool_(*clock_, pool_options(parts)),
      collector_(parts.metrics.window_size, parts.metrics.max_history,
                 parts.metrics.window_max_age),
      memory_(std::make_shared<InMemorySink>(
          parts.metrics.experiment_log_limit,
          parts.metrics.decision_history_limit)),
      controller_(pool_, collector_, std::move(parts.policy),
                  std::move(parts.sensor),
                  with_memory_sink(std::move(parts.sinks), memory_),
                  parts.config, {parts.min_workers, parts.max_workers}) {
  pool_.resize(std::clamp(parts.initial_workers, min_workers_, max_workers_));
  // The one place both spellings (build() and the seed's constructors)
  // refuse an executor that could not start: no task is accepted yet, and
  // the members' destructors join whatever did start.
  if (pool_.live_threads() == 0) {
    throw StartError(absl::StrCat("could not start any worker thread: ",
                                  pool_.last_start_error()));
  }
  if (parts.start_controller) {
    try {
      controller_.start();
    } catch (const std::system_error& e) {
      throw StartError(
          absl::StrCat("could not start the controller thread: ", e.what()));
    }
  }
}

Executor::~Executor() { shutdown(true); }

ExecutorMetrics Executor::metrics() const {
  const ControllerSnapshot s = controller_.peek();
  ExecutorMetrics m;
  m.thread_count = pool_.live_threads();
  m.target_thread_count = s.current_workers;
  m.min_workers = min_workers_;
  m.max_workers = max_workers_;
  m.busy_workers = s.busy_workers;
  m.queue_depth = s.queue_depth;
  m.tasks_submitted = pool_.submitted();
  m.tasks_completed = pool_.completed();
  m.window = s.window;
  m.since_last_tick = s.interval;
  m.cpu = s.cpu;
  m.ticks = controller_.ticks();
  m.policy_faults = controller_.policy_faults();
  m.policy = std::string(controller_.policy().name());
  m.queue_capacity = pool_.queue_capacity();
  if (m.queue_capacity > 0) m.rejection = to_string(pool_.rejection());
  m.tasks_rejected = pool_.rejected_full();
  m.tasks_discarded = pool_.discarded_oldest();
  m.tasks_run_in_caller = pool_.ran_in_caller();
  m.policy_fault = controller_.policy_fault();
  m.sensor_fault = controller_.sensor_fault();
  m.sink_fault = controller_.sink_fault();
  m.tick_fault = controller_.tick_fault();
  m.thread_start_failures = pool_.thread_start_failures();
  m.last_thread_start_error = pool_.last_start_error();
  return m;
}

std::vector<ExperimentLogEntry> Executor::experiment_log() const {
  return memory_->experiment_log();
}

std::vector<DecisionRecord> Executor::decision_history() const {
  return memory_->decisions();
}

std::vector<TaskMetrics> Executor::task_log() const {
  controller_.collect();
  return collector_.export_to_list();
}

int Executor::resize(int threads) {
  return pool_.resize(std::clamp(threads, min_workers_, max_workers_));
}

void Executor::shutdown(bool wait) {
  controller_.stop();
  pool_.shutdown(wait);
  if (wait) controller_.collect();
}

std::size_t Executor::shutdown_now() {
  controller_.stop();
  const std::size_t cancelled = pool_.shutdown_now();
  controller_.collect();
  return cancelled;
}

}  // namespace betapool

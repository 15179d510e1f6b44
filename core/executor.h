// File: core/executor.h
//
// Executor: a thread pool that sizes itself at run time. It is assembled
// from four strategies — a ScalingPolicy (what size next), a CpuSensor (how
// busy the CPUs are), a TaskClock (wall and thread-CPU time, for the
// blocking ratio) and MetricsSinks (where records go) — by ExecutorBuilder,
// or by the seed-style AdaptiveThreadPoolExecutor / StaticThreadPoolExecutor.
//
// Example:
//   auto executor = betapool::ExecutorBuilder()
//                       .policy<betapool::BetaVetoPolicy>()
//                       .sensor<betapool::ProcStatSensor>()
//                       .min_workers(2).max_workers(64)
//                       .build()
//                       .value();
//   auto f = executor->submit([](int x) { return x * 2; }, 21);
//   int v = f.get();                     // 42
//   executor->post([] { /* fire and forget */ });
//   executor->shutdown();
//
// Errors: submit/post/map throw RejectedError once shutdown has begun, or
// when a bounded queue is full under RejectionPolicy::kReject (kBlock past
// its timeout); a task's exception is stored in its future (post: counted
// as failed). Every promise, with its test: docs/semantics.md.
// Thread safety: every method is safe from any thread, including from
// inside a task (see docs/semantics.md for shutdown from a task).
#ifndef BETAPOOL_CORE_EXECUTOR_H_
#define BETAPOOL_CORE_EXECUTOR_H_

#include <concepts>
#include <cstdint>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/controller.h"
#include "core/controller_config.h"
#include "core/cpu_sensor.h"
#include "core/errors.h"
#include "core/future.h"
#include "core/in_memory_sink.h"
#include "core/metrics_collector.h"
#include "core/metrics_sink.h"
#include "core/scaling_policy.h"
#include "core/task_clock.h"
#include "core/task_wrapper.h"
#include "core/worker_pool.h"

namespace betapool {

namespace internal {

// What Executor::submit queues: internal::TaskRef's behaviour, plus a
// discard by a full queue (kDiscardOldest) names that reason in the
// future's CancelledError. Same size (one pointer); running is identical.
template <class State>
class ExecutorTaskRef {
 public:
  explicit ExecutorTaskRef(State* state) noexcept : state_(state) {}
  ExecutorTaskRef(ExecutorTaskRef&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)) {}
  ExecutorTaskRef& operator=(ExecutorTaskRef&&) = delete;
  ExecutorTaskRef(const ExecutorTaskRef&) = delete;
  ExecutorTaskRef& operator=(const ExecutorTaskRef&) = delete;
  ~ExecutorTaskRef() {
    if (state_ == nullptr) return;
    state_->discard(current_discard_reason());
  }

  // run() and the cancels above also drop this reference.
  void operator()(TaskOutcome& out) noexcept {
    std::exchange(state_, nullptr)->run(out);
  }

 private:
  State* state_;
};

}  // namespace internal

// Everything an Executor is made of; ExecutorBuilder validates and fills it.
struct ExecutorParts {
  int min_workers = 1;
  int max_workers = 1;
  int initial_workers = 1;
  ControllerConfig config;
  MetricsOptions metrics;
  std::unique_ptr<ScalingPolicy> policy;
  std::unique_ptr<CpuSensor> sensor;  // may be null
  std::unique_ptr<TaskClock> clock;
  std::vector<std::shared_ptr<MetricsSink>> sinks;
  bool start_controller = true;  // false: drive controller().tick() yourself
  // Bounded queue (0: unbounded) and what a full queue does.
  int64_t queue_capacity = 0;
  RejectionPolicy rejection = RejectionPolicy::kBlock;
  absl::Duration block_timeout = absl::InfiniteDuration();
};

// The seed's get_metrics(), as a struct.
struct ExecutorMetrics {
  int thread_count = 0;         // live worker OS threads
  int target_thread_count = 0;  // where the controller set the pool
  int min_workers = 0;
  int max_workers = 0;
  int busy_workers = 0;
  int64_t queue_depth = 0;
  int64_t tasks_submitted = 0;
  int64_t tasks_completed = 0;
  AggregatedMetrics window;     // rolling window at the time of the call
  IntervalMetrics since_last_tick;
  CpuReading cpu;               // the last sensor reading
  int64_t ticks = 0;
  int64_t policy_faults = 0;
  std::string policy;
  // Bounded queue (0 / empty when unbounded).
  int64_t queue_capacity = 0;
  std::string rejection;            // "block", "reject", ...
  int64_t tasks_rejected = 0;       // refused: queue full (kReject, timeout)
  int64_t tasks_discarded = 0;      // dropped unrun by kDiscardOldest
  int64_t tasks_run_in_caller = 0;  // kCallerRuns (or kBlock from a worker)
  // Faults, each recorded once: a count and the first message.
  FaultRecord policy_fault;   // decide() threw (the tick held)
  FaultRecord sensor_fault;   // read() threw (CPU read as unavailable)
  FaultRecord sink_fault;     // a sink hook threw (skipped)
  FaultRecord tick_fault;     // anything else a tick threw (tick skipped)
  int64_t thread_start_failures = 0;  // the OS refused a worker thread
  std::string last_thread_start_error;
};

class Executor {
 public:
  // Low-level: prefer ExecutorBuilder, which validates `parts`. Starts
  // `initial_workers` threads and, unless disabled, the controller thread.
  // Throws StartError (core/errors.h) if the OS refused every worker
  // thread or the controller thread.
  explicit Executor(ExecutorParts parts);
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  // shutdown(true).
  virtual ~Executor();

  // Runs fn(args...) on a worker; returns a Future of its result. Arguments
  // are decay-copied into the task. Throws RejectedError after shutdown.
  // Cost: one heap allocation (the callable and the future's state together,
  // core/task_wrapper.h) and no system call unless get() has to sleep.
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  auto submit(F&& fn, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&...>;
    auto call =
        internal::bind_call(std::forward<F>(fn), std::forward<Args>(args)...);
    using State = internal::TaskState<R, decltype(call)>;
    auto* state = new State(std::move(call));
    state->set_pool(&pool_);  // lets a worker's get() detect a self-wait
    Future<R> future = internal::FutureAccess::adopt<R>(state);
    // On RejectedError the ref cancels its half and `future` releases the
    // other: nothing leaks.
    pool_.enqueue_callable(internal::ExecutorTaskRef<State>(state));
    return future;
  }

  // As submit, but returns a std::future for APIs that need one. Costs a
  // futex system call per task on libstdc++ (see docs/benchmarks.md).
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  auto submit_std(F&& fn, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&...>;
    std::promise<R> promise;
    std::future<R> future = promise.get_future();
    pool_.enqueue(
        [promise = std::move(promise), fn = std::forward<F>(fn),
         args = std::make_tuple(std::forward<Args>(args)...)](
            TaskOutcome& out) mutable {
          auto call = [&]() -> R { return std::apply(fn, args); };
          internal::run_into<R>(promise, out, call);
        });
    return future;
  }

  // Fire and forget: runs fn() with no future. An exception is caught,
  // counted as a failed task and recorded; it never reaches the caller.
  // Throws RejectedError after shutdown.
  template <class F>
    requires std::invocable<std::decay_t<F>&>
  void post(F&& fn) {
    pool_.enqueue_callable(
        [fn = std::forward<F>(fn)](TaskOutcome& out) mutable {
          try {
            fn();
          } catch (...) {
            internal::note_current_exception(out);
          }
        });
  }

  // Submits fn(x) for every x in `inputs`, in order; returns the futures in
  // the same order (the seed's map, eager). Throws RejectedError after
  // shutdown (tasks already queued by this call still run).
  template <class F, class Range>
  auto map(F fn, const Range& inputs) {
    using Arg = decltype(*std::begin(inputs));
    using R = std::invoke_result_t<F&, Arg>;
    std::vector<Future<R>> futures;
    for (const auto& x : inputs) futures.push_back(submit(fn, x));
    return futures;
  }

  // Live worker OS threads (falls within a tick of a resize).
  int thread_count() const { return pool_.live_threads(); }
  // The size the controller last set.
  int target_thread_count() const { return pool_.target(); }
  // Current measurements, freshly collected from the workers. Counters of
  // tasks whose future is ready but whose worker has not finished its
  // bookkeeping may lag by a few tasks; after shutdown(true) they are exact.
  ExecutorMetrics metrics() const;
  // The seed's experiment log and decision history (bounded, oldest first).
  std::vector<ExperimentLogEntry> experiment_log() const;
  std::vector<DecisionRecord> decision_history() const;
  // Recorded per-task metrics (up to MetricsOptions::max_history).
  std::vector<TaskMetrics> task_log() const;

  // Sets the pool size now, clamped to [min_workers, max_workers]; the
  // policy may change it again at its next tick. Returns the size in force.
  int resize(int threads);

  // Stops intake. `wait`: runs every queued task, then joins every thread.
  // Not waiting: returns at once; queued tasks still run (as Python's
  // ThreadPoolExecutor.shutdown(wait=False)); the destructor joins.
  void shutdown(bool wait = true);
  // Stops intake, cancels queued tasks (their futures throw CancelledError),
  // waits for running ones, and returns how many were cancelled.
  std::size_t shutdown_now();

  // The control loop, for tests that tick by hand (manual_control()).
  Controller& controller() { return controller_; }
  const MetricsCollector& collector() const { return collector_; }

 private:
  const int min_workers_;
  const int max_workers_;
  std::unique_ptr<TaskClock> clock_;
  WorkerPool pool_;
  MetricsCollector collector_;
  std::shared_ptr<InMemorySink> memory_;
  mutable Controller controller_;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_EXECUTOR_H_

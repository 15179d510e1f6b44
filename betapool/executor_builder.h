// File: betapool/executor_builder.h
//
// ExecutorBuilder: assembles an Executor from components chosen by type or
// by registered name, validates the configuration, and builds.
//
// Example (typed):
//   absl::StatusOr<std::unique_ptr<betapool::Executor>> ex =
//       betapool::ExecutorBuilder()
//           .policy<betapool::BetaVetoPolicy>()
//           .sensor<betapool::ProcStatSensor>()
//           .min_workers(2)
//           .max_workers(128)
//           .build();
//   if (!ex.ok()) std::cerr << ex.status() << "\n";
//
// Example (by name, e.g. from flags or a config string):
//   betapool::ExecutorBuilder b;
//   b.apply_spec("policy=static,min_workers=4,max_workers=4");
//
// A typed component is constructed at build() time. Its constructor may take
// (const ComponentContext&, args...), (const ControllerConfig&, args...) or
// (args...); the first that fits is used, so `.policy<BetaVetoPolicy>()`
// gets the builder's ControllerConfig.
//
// Defaults: policy "beta_veto", sensor "proc_stat", clock "thread_cpu", no
// extra sinks, min_workers = min(4, effective CPUs) — the seed's 4, lowered
// on hosts (or containers: affinity, cpuset and CPU quota count) with fewer
// usable CPUs, where more floor threads than CPUs only adds contention —
// max_workers 64 (the seed's), initial workers = min_workers, the seed's
// ControllerConfig. See sensors/effective_cpus.h.
//
// Bounded queue (optional; unbounded by default):
//   .queue_capacity(1000, betapool::RejectionPolicy::kBlock,
//                   absl::Milliseconds(50))   // block up to 50 ms, then
//                                             // RejectedError
// or in a spec: "queue_capacity=1000,rejection=block,block_timeout=0.05".
//
// Errors: build() returns InvalidArgument naming the field and value (min <
// 1, max < min or above kMaxWorkerCount, initial outside [min, max],
// queue_capacity outside [1, kMaxQueueCapacity], a negative
// block_timeout, a rejection policy without a queue_capacity, a
// ControllerConfig or MetricsOptions field out of range), NotFound for an
// unknown component name, listing the known ones, or ResourceExhausted if
// the OS refused every worker thread (or the controller thread).
// Thread safety: a builder is used by one thread.
#ifndef BETAPOOL_BETAPOOL_EXECUTOR_BUILDER_H_
#define BETAPOOL_BETAPOOL_EXECUTOR_BUILDER_H_

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/component_registry.h"
#include "core/controller_config.h"
#include "core/executor.h"

namespace betapool {

namespace internal {

// Constructs T from the context and user arguments, trying the documented
// constructor shapes in order.
template <class T, class... A>
std::unique_ptr<T> make_component(const ComponentContext& ctx, A&... args) {
  if constexpr (std::constructible_from<T, const ComponentContext&, A&...>) {
    return std::make_unique<T>(ctx, args...);
  } else if constexpr (std::constructible_from<T, const ControllerConfig&,
                                               A&...>) {
    return std::make_unique<T>(ctx.config, args...);
  } else {
    static_assert(std::constructible_from<T, A&...>,
                  "component is not constructible from (ComponentContext, "
                  "args...), (ControllerConfig, args...) or (args...)");
    return std::make_unique<T>(args...);
  }
}

template <class I, class T, class... A>
ComponentFactory<I> typed_factory(A&&... args) {
  auto stored = std::make_shared<std::tuple<std::decay_t<A>...>>(
      std::forward<A>(args)...);
  return [stored](const ComponentContext& ctx) -> std::unique_ptr<I> {
    return std::apply(
        [&](auto&... a) { return make_component<T>(ctx, a...); }, *stored);
  };
}

}  // namespace internal

// The default min_workers: min(4, effective_cpu_count()).
int default_min_workers();

// The largest bounded queue: far above any useful backlog, small enough that
// depth arithmetic cannot overflow.
inline constexpr int64_t kMaxQueueCapacity = int64_t{1} << 40;

class ExecutorBuilder {
 public:
  // Uses the built-in registry for names.
  ExecutorBuilder();
  // Uses `registry` (which must outlive build()) for names.
  explicit ExecutorBuilder(const ComponentRegistry& registry);

  template <class P, class... A>
    requires std::derived_from<P, ScalingPolicy>
  ExecutorBuilder& policy(A&&... args) {
    policy_ = Choice<ScalingPolicy>{
        {}, internal::typed_factory<ScalingPolicy, P>(std::forward<A>(args)...)};
    return *this;
  }
  ExecutorBuilder& policy(std::string name);
  ExecutorBuilder& policy(std::unique_ptr<ScalingPolicy> instance);

  template <class S, class... A>
    requires std::derived_from<S, CpuSensor>
  ExecutorBuilder& sensor(A&&... args) {
    sensor_ = Choice<CpuSensor>{
        {}, internal::typed_factory<CpuSensor, S>(std::forward<A>(args)...)};
    return *this;
  }
  ExecutorBuilder& sensor(std::string name);
  ExecutorBuilder& sensor(std::unique_ptr<CpuSensor> instance);
  // Runs without a CPU sensor (policies then see CPU as unavailable).
  ExecutorBuilder& no_sensor();

  template <class C, class... A>
    requires std::derived_from<C, TaskClock>
  ExecutorBuilder& clock(A&&... args) {
    clock_ = Choice<TaskClock>{
        {}, internal::typed_factory<TaskClock, C>(std::forward<A>(args)...)};
    return *this;
  }
  ExecutorBuilder& clock(std::string name);
  ExecutorBuilder& clock(std::unique_ptr<TaskClock> instance);

  // Sinks accumulate: each call adds one.
  template <class K, class... A>
    requires std::derived_from<K, MetricsSink>
  ExecutorBuilder& sink(A&&... args) {
    sinks_.push_back(Choice<MetricsSink>{
        {}, internal::typed_factory<MetricsSink, K>(std::forward<A>(args)...)});
    return *this;
  }
  ExecutorBuilder& sink(std::string name);
  // A sink the caller keeps a handle to (e.g. to read it back).
  ExecutorBuilder& sink(std::shared_ptr<MetricsSink> instance);

  ExecutorBuilder& min_workers(int n);
  ExecutorBuilder& max_workers(int n);
  ExecutorBuilder& initial_workers(int n);
  ExecutorBuilder& config(const ControllerConfig& c);
  ExecutorBuilder& metrics_options(const MetricsOptions& o);
  // No background controller thread: call executor->controller().tick().
  ExecutorBuilder& manual_control();
  // Bounds the queue to `capacity` waiting tasks (>= 1; checked by build())
  // and sets what a full queue does; `block_timeout` applies to kBlock
  // (default: wait for room as long as it takes).
  ExecutorBuilder& queue_capacity(
      int64_t capacity, RejectionPolicy rejection = RejectionPolicy::kBlock,
      absl::Duration block_timeout = absl::InfiniteDuration());

  // Applies "key=value" pairs separated by commas: policy, sensor (or
  // "none"), clock, sink (the only repeatable key), min_workers,
  // max_workers, initial_workers, queue_capacity (a count, or "unbounded"),
  // rejection (block, reject, caller_runs, discard_oldest), block_timeout
  // (seconds), and the ControllerConfig fields of its table (durations in
  // seconds: monitor_interval=0.5; each checked against its range here).
  // Returns InvalidArgument naming the bad, unknown or repeated key or
  // value, or NotFound for a component name the registry does not know
  // (listing the known ones); a long value is echoed only in part. On
  // error nothing is changed.
  absl::Status apply_spec(std::string_view spec);

  // Every key apply_spec accepts, in table order.
  static std::vector<std::string> spec_key_names();

  // Validates and assembles. Components are created now (a builder can
  // build several executors).
  absl::StatusOr<std::unique_ptr<Executor>> build();
  // As build(), without the Executor: for executors that derive from it.
  absl::StatusOr<ExecutorParts> build_parts();

 private:
  // A component chosen by name, by factory or (once) by instance.
  template <class I>
  struct Choice {
    std::string name;
    ComponentFactory<I> factory;
    std::shared_ptr<std::unique_ptr<I>> instance;  // shared so builder copies
  };
  // The builder's own apply_spec keys (executor_builder.cc).
  struct SpecKey;
  static const std::vector<SpecKey>& spec_keys();

  template <class I>
  static Choice<I> from_instance(std::unique_ptr<I> p);
  template <class I>
  absl::StatusOr<std::unique_ptr<I>> create(Choice<I>& choice,
                                            const ComponentContext& ctx,
                                            const char* kind) const;

  const ComponentRegistry* registry_;
  Choice<ScalingPolicy> policy_;
  std::optional<Choice<CpuSensor>> sensor_;
  Choice<TaskClock> clock_;
  std::vector<Choice<MetricsSink>> sinks_;
  std::vector<std::shared_ptr<MetricsSink>> sink_instances_;
  int min_workers_;  // set by the constructor (see Defaults above)
  int max_workers_ = 64;
  std::optional<int> initial_workers_;
  ControllerConfig config_;
  MetricsOptions metrics_;
  bool start_controller_ = true;
  std::optional<int64_t> queue_capacity_;  // unset: unbounded
  std::optional<RejectionPolicy> rejection_;
  absl::Duration block_timeout_ = absl::InfiniteDuration();
};

}  // namespace betapool

#endif  // BETAPOOL_BETAPOOL_EXECUTOR_BUILDER_H_

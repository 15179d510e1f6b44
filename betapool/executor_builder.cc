#include "betapool/executor_builder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "betapool/builtins.h"
#include "sensors/effective_cpus.h"

namespace betapool {

int default_min_workers() { return std::min(4, effective_cpu_count()); }

ExecutorBuilder::ExecutorBuilder()
    : ExecutorBuilder(builtin_registry()) {}

ExecutorBuilder::ExecutorBuilder(const ComponentRegistry& registry)
    : registry_(&registry), min_workers_(default_min_workers()) {
  policy_.name = "beta_veto";
  sensor_ = Choice<CpuSensor>{"proc_stat", {}, {}};
  clock_.name = "thread_cpu";
}

template <class I>
ExecutorBuilder::Choice<I> ExecutorBuilder::from_instance(
    std::unique_ptr<I> p) {
  return Choice<I>{{}, {}, std::make_shared<std::unique_ptr<I>>(std::move(p))};
}

ExecutorBuilder& ExecutorBuilder::policy(std::string name) {
  policy_ = Choice<ScalingPolicy>{std::move(name), {}, {}};
  return *this;
}
ExecutorBuilder& ExecutorBuilder::policy(std::unique_ptr<ScalingPolicy> p) {
  policy_ = from_instance(std::move(p));
  return *this;
}
ExecutorBuilder& ExecutorBuilder::sensor(std::string name) {
  sensor_ = Choice<CpuSensor>{std::move(name), {}, {}};
  return *this;
}
ExecutorBuilder& ExecutorBuilder::sensor(std::unique_ptr<CpuSensor> s) {
  sensor_ = from_instance(std::move(s));
  return *this;
}
ExecutorBuilder& ExecutorBuilder::no_sensor() {
  sensor_.reset();
  return *this;
}
ExecutorBuilder& ExecutorBuilder::clock(std::string name) {
  clock_ = Choice<TaskClock>{std::move(name), {}, {}};
  return *this;
}
ExecutorBuilder& ExecutorBuilder::clock(std::unique_ptr<TaskClock> c) {
  clock_ = from_instance(std::move(c));
  return *this;
}
ExecutorBuilder& ExecutorBuilder::sink(std::string name) {
  sinks_.push_back(Choice<MetricsSink>{std::move(name), {}, {}});
  return *this;
}
ExecutorBuilder& ExecutorBuilder::sink(std::shared_ptr<MetricsSink> s) {
  sink_instances_.push_back(std::move(s));
  return *this;
}
ExecutorBuilder& ExecutorBuilder::min_workers(int n) {
  min_workers_ = n;
  return *this;
}
ExecutorBuilder& ExecutorBuilder::max_workers(int n) {
  max_workers_ = n;
  return *this;
}
ExecutorBuilder& ExecutorBuilder::initial_workers(int n) {
  initial_workers_ = n;
  return *this;
}
ExecutorBuilder& ExecutorBuilder::config(const ControllerConfig& c) {
  config_ = c;
  return *this;
}
ExecutorBuilder& ExecutorBuilder::metrics_options(const MetricsOptions& o) {
  metrics_ = o;
  return *this;
}
ExecutorBuilder& ExecutorBuilder::queue_capacity(int64_t capacity,
                                                 RejectionPolicy rejection,
                                                 absl::Duration block_timeout) {
  queue_capacity_ = capacity;
  rejection_ = rejection;
  block_timeout_ = block_timeout;
  return *this;
}

ExecutorBuilder& ExecutorBuilder::manual_control() {
  start_controller_ = false;
  return *this;
}

template <class I>
absl::StatusOr<std::unique_ptr<I>> ExecutorBuilder::create(
    Choice<I>& choice, const ComponentContext& ctx, const char* kind) const {
  if (choice.instance) {
    if (*choice.instance == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the ", kind,
          " instance given to the builder was already used by a previous "
          "build(), or was null"));
    }
    return std::move(*choice.instance);
  }
  if (choice.factory) {
    std::unique_ptr<I> p = choice.factory(ctx);
    if (p == nullptr) {
      return absl::InternalError(absl::StrCat("the ", kind, " factory returned null"));
    }
    return p;
  }
  if constexpr (std::is_same_v<I, ScalingPolicy>) {
    return registry_->create_policy(choice.name, ctx);
  } else if constexpr (std::is_same_v<I, CpuSensor>) {
    return registry_->create_sensor(choice.name, ctx);
  } else if constexpr (std::is_same_v<I, TaskClock>) {
    return registry_->create_clock(choice.name, ctx);
  } else {
    return registry_->create_sink(choice.name, ctx);
  }
}

absl::StatusOr<ExecutorParts> ExecutorBuilder::build_parts() {
  if (min_workers_ < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_workers = ", min_workers_, ": must be at least 1"));
  }
  if (max_workers_ < min_workers_) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_workers = ", max_workers_,
                     ": must be at least min_workers (", min_workers_, ")"));
  }
  const int initial = initial_workers_.value_or(min_workers_);
  if (initial < min_workers_ || initial > max_workers_) {
    return absl::InvalidArgumentError(
        absl::StrCat("initial_workers = ", initial, ": must be within [",
                     min_workers_, ", ", max_workers_, "]"));
  }
  if (absl::Status s = validate(config_); !s.ok()) return s;
  if (absl::Status s = validate(metrics_); !s.ok()) return s;
  if (queue_capacity_ && *queue_capacity_ < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "queue_capacity = ", *queue_capacity_,
        ": must be at least 1 (leave it unset for an unbounded queue)"));
  }
  if (rejection_ && !queue_capacity_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rejection = ", to_string(*rejection_),
        ": needs a queue_capacity (the queue is unbounded)"));
  }
  if (block_timeout_ < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("block_timeout = ", absl::FormatDuration(block_timeout_),
                     ": must not be negative"));
  }

  const ComponentContext ctx{config_, min_workers_, max_workers_, initial};
  ExecutorParts parts;
  parts.min_workers = min_workers_;
  parts.max_workers = max_workers_;
  parts.initial_workers = initial;
  parts.config = config_;
  parts.metrics = metrics_;
  parts.start_controller = start_controller_;
  parts.queue_capacity = queue_capacity_.value_or(0);
  parts.rejection = rejection_.value_or(RejectionPolicy::kBlock);
  parts.block_timeout = block_timeout_;

  absl::StatusOr<std::unique_ptr<ScalingPolicy>> policy =
      create(policy_, ctx, "policy");
  if (!policy.ok()) return policy.status();
  parts.policy = *std::move(policy);

  if (sensor_) {
    absl::StatusOr<std::unique_ptr<CpuSensor>> sensor =
        create(*sensor_, ctx, "sensor");
    if (!sensor.ok()) return sensor.status();
    parts.sensor = *std::move(sensor);
  }

  absl::StatusOr<std::unique_ptr<TaskClock>> clock =
      create(clock_, ctx, "clock");
  if (!clock.ok()) return clock.status();
  parts.clock = *std::move(clock);

  for (Choice<MetricsSink>& choice : sinks_) {
    absl::StatusOr<std::unique_ptr<MetricsSink>> sink =
        create(choice, ctx, "sink");
    if (!sink.ok()) return sink.status();
    parts.sinks.push_back(std::shared_ptr<MetricsSink>(*std::move(sink)));
  }
  for (const auto& sink : sink_instances_) {
    if (sink == nullptr) {
      return absl::InvalidArgumentError("sink: a null sink was given");
    }
    parts.sinks.push_back(sink);
  }
  return parts;
}

absl::StatusOr<std::unique_ptr<Executor>> ExecutorBuilder::build() {
  absl::StatusOr<ExecutorParts> parts = build_parts();
  if (!parts.ok()) return parts.status();
  try {
    return std::make_unique<Executor>(*std::move(parts));
  } catch (const StartError& e) {
    return absl::ResourceExhaustedError(e.what());
  }
}

namespace {

absl::Status bad_value(absl::string_view key, absl::string_view value,
                       absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      "spec: ", key, "='", value, "' is not ", expected));
}

}  // namespace

absl::Status ExecutorBuilder::apply_spec(std::string_view spec_text) {
  // Debian's Abseil has its own string_view type; work in it throughout.
  const absl::string_view spec(spec_text.data(), spec_text.size());
  ExecutorBuilder next = *this;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (item.find('=') == absl::string_view::npos || value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec: '", item, "' is not key=value"));
    }
    int i = 0;
    double d = 0;
    auto as_int = [&](int& out) -> absl::Status {
      if (!absl::SimpleAtoi(value, &i)) return bad_value(key, value, "an integer");
      out = i;
      return absl::OkStatus();
    };
    auto as_double = [&](double& out) -> absl::Status {
      if (!absl::SimpleAtod(value, &d)) return bad_value(key, value, "a number");
      out = d;
      return absl::OkStatus();
    };
    auto as_seconds = [&](absl::Duration& out) -> absl::Status {
      if (!absl::SimpleAtod(value, &d)) {
        return bad_value(key, value, "a number of seconds");
      }
      out = absl::Seconds(d);
      return absl::OkStatus();
    };
    absl::Status s;
    ControllerConfig& c = next.config_;
    if (key == "policy") {
      next.policy(std::string(value));
    } else if (key == "sensor") {
      if (value == "none") {
        next.no_sensor();
      } else {
        next.sensor(std::string(value));
      }
    } else if (key == "clock") {
      next.clock(std::string(value));
    } else if (key == "sink") {
      next.sink(std::string(value));
    } else if (key == "min_workers") {
      s = as_int(next.min_workers_);
    } else if (key == "max_workers") {
      s = as_int(next.max_workers_);
    } else if (key == "initial_workers") {
      int n = 0;
      s = as_int(n);
      next.initial_workers_ = n;
    } else if (key == "monitor_interval") {
      s = as_seconds(c.monitor_interval);
    } else if (key == "beta_high_threshold") {
      s = as_double(c.beta_high_threshold);
    } else if (key == "beta_low_threshold") {
      s = as_double(c.beta_low_threshold);
    } else if (key == "scale_up_step") {
      s = as_int(c.scale_up_step);
    } else if (key == "scale_down_step") {
      s = as_int(c.scale_down_step);
    } else if (key == "cpu_upper_threshold") {
      s = as_double(c.cpu_upper_threshold);
    } else if (key == "cpu_lower_threshold") {
      s = as_double(c.cpu_lower_threshold);
    } else if (key == "stabilization_window") {
      s = as_seconds(c.stabilization_window);
    } else if (key == "warmup_task_count") {
      s = as_int(c.warmup_task_count);
    } else if (key == "queue_capacity") {
      int64_t n = 0;
      if (value == "unbounded") {
        next.queue_capacity_.reset();
      } else if (!absl::SimpleAtoi(value, &n)) {
        s = bad_value(key, value, "an integer or 'unbounded'");
      } else {
        next.queue_capacity_ = n;
      }
    } else if (key == "rejection") {
      std::optional<RejectionPolicy> p;
      for (RejectionPolicy r :
           {RejectionPolicy::kBlock, RejectionPolicy::kReject,
            RejectionPolicy::kCallerRuns, RejectionPolicy::kDiscardOldest}) {
        if (value == to_string(r)) p = r;
      }
      if (!p) {
        s = bad_value(key, value,
                      "one of block, reject, caller_runs, discard_oldest");
      } else {
        next.rejection_ = p;
      }
    } else if (key == "block_timeout") {
      if (!absl::SimpleAtod(value, &d) || std::isnan(d)) {
        s = bad_value(key, value, "a number of seconds");
      } else {
        next.block_timeout_ = absl::Seconds(d);  // inf: wait forever
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec: unknown key '", key,
          "'; known keys: policy, sensor, clock, sink, min_workers, "
          "max_workers, initial_workers, monitor_interval, "
          "beta_high_threshold, beta_low_threshold, scale_up_step, "
          "scale_down_step, cpu_upper_threshold, cpu_lower_threshold, "
          "stabilization_window, warmup_task_count, queue_capacity, "
          "rejection, block_timeout"));
    }
    if (!s.ok()) return s;
  }
  *this = std::move(next);
  return absl::OkStatus();
}

}  // namespace betapool

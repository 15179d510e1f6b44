#include "betapool/executor_builder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "betapool/builtins.h"
#include "core/echoed_text.h"
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
  if (max_workers_ > kMaxWorkerCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_workers = ", max_workers_, ": must be at most ",
                     kMaxWorkerCount));
  }
  const int initial = initial_workers_.value_or(min_workers_);
  if (initial < min_workers_ || initial > max_workers_) {
    return absl::InvalidArgumentError(
        absl::StrCat("initial_workers = ", initial, ": must be within [",
                     min_workers_, ", ", max_workers_, "]"));
  }
  if (absl::Status s = validate(config_); !s.ok()) return s;
  if (absl::Status s = validate(metrics_); !s.ok()) return s;
  if (queue_capacity_ &&
      (*queue_capacity_ < 1 || *queue_capacity_ > kMaxQueueCapacity)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "queue_capacity = ", *queue_capacity_, ": must be within [1, ",
        kMaxQueueCapacity, "] (leave it unset for an unbounded queue)"));
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
  return absl::InvalidArgumentError(
      absl::StrCat("spec: ", key, "='", echoed_text(value), "' is not ",
                   expected));
}

// A worker count: min_workers, max_workers, initial_workers. Digits no int
// holds are out of range (build() checks the range of the others).
absl::Status parse_int(absl::string_view key, absl::string_view value,
                       int& out) {
  if (absl::SimpleAtoi(value, &out)) return absl::OkStatus();
  absl::string_view digits = value;
  if (!absl::ConsumePrefix(&digits, "-")) absl::ConsumePrefix(&digits, "+");
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) {
    return bad_value(key, value, "an integer");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("spec: ", key, "='", echoed_text(value),
                   "': must be within [1, ", kMaxWorkerCount, "]"));
}

// OK if `value` is one of `known`; else NotFound listing them, as the
// registry does at build() time, but before anything is built.
absl::Status known_name(const char* kind, absl::string_view value,
                        const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), value) != known.end()) {
    return absl::OkStatus();
  }
  const std::string kinds = absl::string_view(kind) == "policy"
                                ? std::string("policies")
                                : absl::StrCat(kind, "s");
  return absl::NotFoundError(
      absl::StrCat("spec: unknown ", kind, " '", echoed_text(value),
                   "'; known ", kinds, ": ", absl::StrJoin(known, ", ")));
}

}  // namespace

// One row per key of the builder's own (the ControllerConfig fields come
// from their table): its name, whether it may repeat, and how it applies.
struct ExecutorBuilder::SpecKey {
  absl::string_view name;
  bool repeatable;
  absl::Status (*apply)(ExecutorBuilder& b, absl::string_view value);
};

const std::vector<ExecutorBuilder::SpecKey>& ExecutorBuilder::spec_keys() {
  static const std::vector<SpecKey> keys = {
      {"policy", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         absl::Status s = known_name("policy", v, b.registry_->policy_names());
         if (s.ok()) b.policy(std::string(v));
         return s;
       }},
      {"sensor", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         if (v == "none") {
           b.no_sensor();
           return absl::OkStatus();
         }
         absl::Status s = known_name("sensor", v, b.registry_->sensor_names());
         if (s.ok()) b.sensor(std::string(v));
         return s;
       }},
      {"clock", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         absl::Status s = known_name("clock", v, b.registry_->clock_names());
         if (s.ok()) b.clock(std::string(v));
         return s;
       }},
      {"sink", true,
       [](ExecutorBuilder& b, absl::string_view v) {
         absl::Status s = known_name("sink", v, b.registry_->sink_names());
         if (s.ok()) b.sink(std::string(v));
         return s;
       }},
      {"min_workers", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         return parse_int("min_workers", v, b.min_workers_);
       }},
      {"max_workers", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         return parse_int("max_workers", v, b.max_workers_);
       }},
      {"initial_workers", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         int n = 0;
         absl::Status s = parse_int("initial_workers", v, n);
         if (s.ok()) b.initial_workers_ = n;
         return s;
       }},
      {"queue_capacity", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         int64_t n = 0;
         if (v == "unbounded") {
           b.queue_capacity_.reset();
         } else if (!absl::SimpleAtoi(v, &n)) {
           return bad_value("queue_capacity", v, "an integer or 'unbounded'");
         } else {
           b.queue_capacity_ = n;
         }
         return absl::OkStatus();
       }},
      {"rejection", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         for (RejectionPolicy r :
              {RejectionPolicy::kBlock, RejectionPolicy::kReject,
               RejectionPolicy::kCallerRuns, RejectionPolicy::kDiscardOldest}) {
           if (v == to_string(r)) {
             b.rejection_ = r;
             return absl::OkStatus();
           }
         }
         return bad_value("rejection", v,
                          "one of block, reject, caller_runs, discard_oldest");
       }},
      {"block_timeout", false,
       [](ExecutorBuilder& b, absl::string_view v) {
         double d = 0;
         if (!absl::SimpleAtod(v, &d) || std::isnan(d)) {
           return bad_value("block_timeout", v, "a number of seconds");
         }
         b.block_timeout_ = absl::Seconds(d);  // inf: wait forever
         return absl::OkStatus();
       }},
  };
  return keys;
}

std::vector<std::string> ExecutorBuilder::spec_key_names() {
  std::vector<std::string> names;
  for (const SpecKey& k : spec_keys()) names.emplace_back(k.name);
  for (const auto& f : config_fields<ControllerConfig>()) {
    names.emplace_back(f.name);
  }
  return names;
}

absl::Status ExecutorBuilder::apply_spec(std::string_view spec_text) {
  // Debian's Abseil has its own string_view type; work in it throughout.
  const absl::string_view spec(spec_text.data(), spec_text.size());
  ExecutorBuilder next = *this;
  std::vector<absl::string_view> seen;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    const absl::string_view key = absl::StripAsciiWhitespace(kv.first);
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (item.find('=') == absl::string_view::npos || value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec: '", echoed_text(item), "' is not key=value"));
    }
    const auto own = std::find_if(
        spec_keys().begin(), spec_keys().end(),
        [&](const SpecKey& k) { return k.name == key; });
    const ConfigField<ControllerConfig>* field =
        find_config_field<ControllerConfig>(key);
    if (own == spec_keys().end() && field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec: unknown key '", echoed_text(key),
                       "'; known keys: ",
                       absl::StrJoin(spec_key_names(), ", ")));
    }
    const bool repeatable = own != spec_keys().end() && own->repeatable;
    if (!repeatable) {
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("spec: key '", key, "' given more than once"));
      }
      seen.push_back(key);
    }
    absl::Status s = own != spec_keys().end()
                         ? own->apply(next, value)
                         : parse_field(next.config_, *field, value);
    if (!s.ok()) {
      if (own != spec_keys().end()) return s;
      return absl::Status(s.code(), absl::StrCat("spec: ", s.message()));
    }
  }
  *this = std::move(next);
  return absl::OkStatus();
}

}  // namespace betapool

#include "collectors/prometheus_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

// Label values escape backslash, double quote and newline.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string format_value(int64_t v) { return absl::StrCat(v); }

// Appends one metric family: HELP, TYPE and samples.
class Exposition {
 public:
  explicit Exposition(std::string pool_label)
      : pool_label_(absl::StrCat("pool=\"", escape_label(pool_label), "\"")) {}

  void family(std::string_view name, std::string_view type,
              std::string_view help) {
    absl::StrAppend(&out_, "# HELP ", absl::string_view(name.data(), name.size()),
                    " ", absl::string_view(help.data(), help.size()), "\n",
                    "# TYPE ", absl::string_view(name.data(), name.size()), " ",
                    absl::string_view(type.data(), type.size()), "\n");
  }
  template <class V>
  void sample(std::string_view name, V value, std::string_view extra = {}) {
    absl::StrAppend(&out_, absl::string_view(name.data(), name.size()), "{",
                    pool_label_, extra.empty() ? "" : ",",
                    absl::string_view(extra.data(), extra.size()), "} ",
                    format_value(value), "\n");
  }
  template <class V>
  void gauge(std::string_view name, std::string_view help, V value) {
    family(name, "gauge", help);
    sample(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string pool_label_;
  std::string out_;
};

double ratio(double percent) { return percent / 100.0; }  // NaN stays NaN

}  // namespace

PrometheusSink::PrometheusSink(PrometheusSinkOptions options)
    : options_(std::move(options)),
      on_error_(options_.on_error
                    ? options_.on_error
                    : SinkErrorCallback(internal::report_sink_error_to_stderr)) {}

void PrometheusSink::on_tick(const ExperimentLogEntry& e) noexcept {
  MutexLock lock(&mu_);
  tick_ = e;
}

void PrometheusSink::on_decision(const DecisionRecord& d) noexcept {
  MutexLock lock(&mu_);
  try {
    decision_ = d;
  } catch (...) {  // copying the strings ran out of memory: keep the old one
  }
  if (d.threads_after > d.threads_before) {
    ++scale_ups_;
  } else if (d.threads_after < d.threads_before) {
    ++scale_downs_;
  } else {
    ++holds_;
  }
}

std::string PrometheusSink::render() const {
  Exposition x(options_.pool);
  MutexLock lock(&mu_);
  if (decision_) {
    const DecisionRecord& d = *decision_;
    x.gauge("betapool_threads", "Worker threads after the last decision.",
            static_cast<int64_t>(d.threads_after));
    x.gauge("betapool_queue_depth", "Tasks submitted but not yet started.",
            static_cast<int64_t>(d.queue_depth));
    x.family("betapool_tasks_completed_total", "counter",
             "Tasks completed since the executor started.");
    x.sample("betapool_tasks_completed_total",
             static_cast<int64_t>(d.tasks_completed));
    x.gauge("betapool_blocking_ratio",
            "Mean blocking ratio beta = 1 - cpu/wall of recent tasks (0-1).",
            d.blocking_ratio);
    x.gauge("betapool_lock_wait_ratio",
            "Share of busy worker time spent waiting for serializing locks.",
            d.lock_wait_ratio);
    x.gauge("betapool_throughput_tasks_per_second",
            "Tasks completed per second over the last controller interval.",
            d.throughput);
  }
  if (tick_) {
    x.family("betapool_task_latency_seconds", "summary",
             "Task run time quantiles over the collector's recent window.");
    x.sample("betapool_task_latency_seconds", tick_->p50_latency,
             "quantile=\"0.5\"");
    x.sample("betapool_task_latency_seconds", tick_->p95_latency,
             "quantile=\"0.95\"");
    x.sample("betapool_task_latency_seconds", tick_->p99_latency,
             "quantile=\"0.99\"");
  }
  if (decision_) {
    const DecisionRecord& d = *decision_;
    x.gauge("betapool_cpu_utilization_ratio",
            "Busy share of the CPUs the sensor covers (0-1).",
            ratio(d.cpu_percent));
    x.gauge("betapool_process_cpu_utilization_ratio",
            "This process's share of the CPUs it may use (0-1).",
            ratio(d.process_cpu_percent));
    x.gauge("betapool_cpu_pressure_some_ratio",
            "CPU pressure stall information, some avg10 (0-1).",
            ratio(d.pressure_some_percent));
    x.gauge("betapool_cpu_throttled_periods_ratio",
            "Share of CFS quota periods in which the cgroup was throttled.",
            ratio(d.throttled_percent));
    x.gauge("betapool_effective_cpus",
            "CPUs the process may use (affinity, cpuset and quota).",
            d.effective_cpus);
    x.gauge("betapool_uptime_seconds",
            "Executor time of the last controller tick.", d.timestamp);
  }
  x.family("betapool_decisions_total", "counter",
           "Controller decisions by kind (as applied, after clamping).");
  x.sample("betapool_decisions_total", holds_, "kind=\"hold\"");
  x.sample("betapool_decisions_total", scale_ups_, "kind=\"scale_up\"");
  x.sample("betapool_decisions_total", scale_downs_, "kind=\"scale_down\"");
  return x.take();
}

absl::Status PrometheusSink::write_file(const std::string& path) const {
  const std::string text = render();
  const std::string tmp = path + ".tmp";
  const auto fail = [&](const char* what, const std::string& p) {
    return absl::UnavailableError(absl::StrCat("prometheus sink: ", what, " ",
                                               p, ": ", std::strerror(errno)));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0644);
  if (fd < 0) return fail("cannot open", tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = fail("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    absl::Status s = fail("cannot write", tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  // rename() replaces the file atomically: a scraper never sees half of it.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = fail("cannot rename to", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

void PrometheusSink::flush() noexcept {
  if (options_.textfile_path.empty()) return;
  absl::Status s;
  try {
    s = write_file(options_.textfile_path);
  } catch (...) {
    s = absl::ResourceExhaustedError("prometheus sink: out of memory");
  }
  if (s.ok()) return;
  {
    MutexLock lock(&mu_);
    if (!error_.ok()) return;  // reported already
    error_ = s;
  }
  on_error_(s);
}

absl::Status PrometheusSink::error() const {
  MutexLock lock(&mu_);
  return error_;
}

}  // namespace betapool

// File: testing/metrics_sink_contract.cc
//
// The edge records of the MetricsSink contract and the feeder that pushes
// them through every hook (testing/metrics_sink_contract.h).
#include "testing/metrics_sink_contract.h"

#include <cstdint>
#include <limits>
#include <string>

namespace betapool::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();

// Strings a writer must quote, escape or pass through intact.
std::vector<std::string> edge_strings() {
  return {"",
          "plain",
          "comma, \"quotes\", 'single'",
          "line one\nline two\r\nline three",
          "tab\there \\ backslash / slash",
          "{\"json\": [1, 2]} # not a comment",
          "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\xa5",  // UTF-8
          "bad utf-8 \xff\xfe\xc3",
          std::string("embedded\0nul", 12),
          std::string(1 << 20, 'x')};  // 1 MiB
}

// Doubles the executor can hand over: NaN for "no evidence", the extremes a
// buggy sensor or a long run could produce.
std::vector<double> edge_doubles() {
  return {0.0, -0.0, kNaN, kInf, -kInf, kMax, -kMax, kTiny, 1e300, -1.0};
}

}  // namespace

std::vector<TaskMetrics> edge_task_records() {
  std::vector<TaskMetrics> out;
  TaskMetrics ordinary;
  ordinary.task_id = 7;
  ordinary.wall_time = 0.01;
  ordinary.cpu_time = 0.002;
  ordinary.blocking_ratio = 0.8;
  ordinary.timestamp = 12.5;
  out.push_back(ordinary);
  out.push_back(TaskMetrics{});
  for (double d : edge_doubles()) {
    TaskMetrics m;
    m.task_id = std::numeric_limits<uint64_t>::max();
    m.wall_time = m.cpu_time = m.lock_wait_time = m.blocking_ratio = m.timestamp = d;
    out.push_back(m);
  }
  for (const std::string& s : edge_strings()) {
    TaskMetrics m = ordinary;
    m.success = false;
    m.error_message = s;
    out.push_back(m);
  }
  return out;
}

std::vector<ExperimentLogEntry> edge_tick_records() {
  std::vector<ExperimentLogEntry> out;
  ExperimentLogEntry ordinary;
  ordinary.timestamp = 12.5;
  ordinary.active_threads = 6;
  ordinary.blocking_ratio = 0.7;
  ordinary.cpu_percent = 45.0;
  ordinary.throughput = 1200.0;
  ordinary.p50_latency = 0.01;
  ordinary.p95_latency = 0.02;
  ordinary.p99_latency = 0.03;
  ordinary.queue_depth = 3;
  out.push_back(ordinary);
  out.push_back(ExperimentLogEntry{});
  for (double d : edge_doubles()) {
    ExperimentLogEntry e;
    e.timestamp = e.blocking_ratio = e.cpu_percent = e.throughput = d;
    e.p50_latency = e.p95_latency = e.p99_latency = d;
    e.active_threads = std::numeric_limits<int>::max();
    e.queue_depth = std::numeric_limits<long>::max();
    out.push_back(e);
  }
  ExperimentLogEntry negative = ordinary;
  negative.active_threads = std::numeric_limits<int>::min();
  negative.queue_depth = std::numeric_limits<long>::min();
  out.push_back(negative);
  return out;
}

std::vector<DecisionRecord> edge_decision_records() {
  std::vector<DecisionRecord> out;
  DecisionRecord ordinary;
  ordinary.timestamp = 12.5;
  ordinary.threads_before = 4;
  ordinary.requested = 6;
  ordinary.threads_after = 6;
  ordinary.decision = "scale_up";
  ordinary.reason = "high beta, CPU headroom";
  ordinary.blocking_ratio = 0.8;
  ordinary.cpu_percent = 40.0;
  ordinary.policy = "beta_veto";
  ordinary.tasks_completed = 100;
  out.push_back(ordinary);
  out.push_back(DecisionRecord{});
  for (double d : edge_doubles()) {
    DecisionRecord r = ordinary;
    r.timestamp = r.blocking_ratio = r.lock_wait_ratio = r.cpu_percent = d;
    r.process_cpu_percent = r.throughput = r.pressure_some_percent = d;
    r.throttled_percent = r.effective_cpus = d;
    r.threads_before = r.requested = r.threads_after = std::numeric_limits<int>::max();
    r.queue_depth = std::numeric_limits<long>::max();
    r.tasks_completed = std::numeric_limits<int64_t>::max();
    out.push_back(r);
  }
  for (const std::string& s : edge_strings()) {
    DecisionRecord r = ordinary;
    r.decision = r.reason = r.policy = s;
    out.push_back(r);
  }
  DecisionRecord negative = ordinary;
  negative.requested = std::numeric_limits<int>::min();
  negative.queue_depth = std::numeric_limits<long>::min();
  negative.tasks_completed = std::numeric_limits<int64_t>::min();
  out.push_back(negative);
  return out;
}

::testing::AssertionResult feed_edge_records(MetricsSink& sink) {
  const std::vector<TaskMetrics> tasks = edge_task_records();
  for (size_t i = 0; i < tasks.size(); ++i) {
    ::testing::AssertionResult r = without_throwing(
        "on_task(edge record " + std::to_string(i) + ")", [&] { sink.on_task(tasks[i]); });
    if (!r) return r;
  }
  if (auto r = without_throwing("flush() after tasks", [&] { sink.flush(); }); !r) return r;
  const std::vector<ExperimentLogEntry> ticks = edge_tick_records();
  for (size_t i = 0; i < ticks.size(); ++i) {
    ::testing::AssertionResult r = without_throwing(
        "on_tick(edge record " + std::to_string(i) + ")", [&] { sink.on_tick(ticks[i]); });
    if (!r) return r;
  }
  if (auto r = without_throwing("flush() after ticks", [&] { sink.flush(); }); !r) return r;
  const std::vector<DecisionRecord> decisions = edge_decision_records();
  for (size_t i = 0; i < decisions.size(); ++i) {
    ::testing::AssertionResult r =
        without_throwing("on_decision(edge record " + std::to_string(i) + ")",
                         [&] { sink.on_decision(decisions[i]); });
    if (!r) return r;
  }
  return without_throwing("flush() after decisions", [&] { sink.flush(); });
}

::testing::AssertionResult check_flush_idempotent(
    MetricsSink& sink, const std::function<std::string()>& observe) {
  if (auto r = without_throwing("flush() of a fresh sink", [&] { sink.flush(); }); !r) return r;
  const std::string fresh = observe();
  if (auto r = without_throwing("a second flush()", [&] { sink.flush(); }); !r) return r;
  if (observe() != fresh) {
    return ::testing::AssertionFailure()
           << "a second flush of a fresh sink changed its output from\n"
           << fresh << "\nto\n" << observe();
  }
  if (auto r = without_throwing("one record of each kind", [&] {
        sink.on_task(edge_task_records()[0]);
        sink.on_tick(edge_tick_records()[0]);
        sink.on_decision(edge_decision_records()[0]);
        sink.flush();
      });
      !r) {
    return r;
  }
  const std::string once = observe();
  for (int i = 2; i <= 4; ++i) {
    if (auto r = without_throwing("a repeated flush()", [&] { sink.flush(); }); !r) return r;
    if (observe() != once) {
      return ::testing::AssertionFailure()
             << "flush " << i << " with no record in between changed the output from\n"
             << once << "\nto\n" << observe();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace betapool::testing

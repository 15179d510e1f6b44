// File: testing/scaling_policy_contract.cc
//
// The snapshot generator behind the ScalingPolicy contract and the two
// checks it runs (declared in testing/scaling_policy_contract.h).
#include "testing/scaling_policy_contract.h"

#include <algorithm>
#include <exception>
#include <limits>
#include <random>

#include "absl/time/time.h"
#include "core/controller_snapshot.h"
#include "core/scaling_decision.h"

namespace betapool::testing {
namespace {

// Generates a sequence of valid but hostile snapshots. The pool size follows
// the policy's previous answer (clamped, as the controller applies it), with
// occasional outside resizes and bound changes.
class ContractSnapshots {
 public:
  explicit ContractSnapshots(uint64_t seed) : rng_(seed) {}

  ControllerSnapshot next(int previous_target) {
    ControllerSnapshot s;
    now_ += absl::Milliseconds(pick(0, 4) == 0 ? 0 : pick(1, 1500));
    s.now = now_;
    if (first_ || pick(0, 49) == 0) {  // bounds change now and then
      min_ = pick(1, 16);
      max_ = min_ + (pick(0, 9) == 0 ? 0 : pick(1, 250));
    }
    s.min_workers = min_;
    s.max_workers = max_;
    int current = first_ ? pick(min_, max_) : previous_target;
    if (pick(0, 19) == 0) current = pick(min_, max_);  // someone else resized
    s.current_workers = std::clamp(current, min_, max_);
    first_ = false;
    s.busy_workers = pick(0, s.current_workers);
    s.queue_depth = pick(0, 3) == 0 ? 0 : pick(0, 5000);

    IntervalMetrics& in = s.interval;
    in.length = pick(0, 9) == 0 ? absl::ZeroDuration()
                                : absl::Milliseconds(pick(1, 2000));
    in.completed = pick(0, 5) == 0 ? 0 : pick(0, 20000);
    in.failed = pick(0, 9) == 0 ? pick(0, static_cast<int>(in.completed)) : 0;
    in.busy_wall_time = maybe_nan(uniform(0, 500));
    in.cpu_time = maybe_nan(uniform(0, 500));
    in.lock_wait_time = maybe_nan(uniform(0, 600));  // may exceed busy time
    total_ += in.completed;
    s.total_completed = total_;

    AggregatedMetrics& w = s.window;
    if (pick(0, 4) != 0) {  // otherwise: empty window, no evidence
      w.task_count = pick(1, 100);
      w.window_end = absl::ToDoubleSeconds(now_);
      w.window_start = w.window_end - uniform(0, 2);
      w.avg_blocking_ratio = maybe_nan(uniform(0, 1));
      w.std_blocking_ratio = maybe_nan(uniform(0, 0.5));
      w.avg_wall_time = maybe_nan(uniform(0, 5));
      w.avg_cpu_time = maybe_nan(uniform(0, 5));
      w.avg_lock_wait_ratio = maybe_nan(uniform(0, 1));
      w.throughput = maybe_nan(uniform(0, 50000));
      w.p50_latency = uniform(0, 1);
      w.p95_latency = w.p50_latency + uniform(0, 1);
      w.p99_latency = w.p95_latency + uniform(0, 1);
      w.error_count = pick(0, static_cast<int>(w.task_count));
    }

    CpuReading& cpu = s.cpu;
    if (pick(0, 4) == 0) {
      cpu.status = "unavailable (contract test)";
    } else {
      cpu.system_percent = maybe_nan(uniform(0, 100));
      if (pick(0, 3) != 0) cpu.process_percent = maybe_nan(uniform(0, 100));
      if (pick(0, 3) == 0) cpu.pressure_some_percent = uniform(0, 100);
      if (pick(0, 3) == 0) cpu.throttled_percent = uniform(0, 100);
      if (pick(0, 1) == 0) cpu.effective_cpus = maybe_nan(uniform(0.5, 64));
    }
    return s;
  }

 private:
  int pick(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, std::max(lo, hi))(rng_);
  }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }
  double maybe_nan(double v) {
    return pick(0, 19) == 0 ? std::numeric_limits<double>::quiet_NaN() : v;
  }

  std::mt19937_64 rng_;
  absl::Duration now_ = absl::ZeroDuration();
  bool first_ = true;
  int min_ = 1;
  int max_ = 1;
  int64_t total_ = 0;
};

}  // namespace


// Targets within bounds, kinds agreeing with targets, no exceptions.
::testing::AssertionResult check_bounds_and_kinds(const PolicyFactory& make,
                                                         uint64_t seed) {
  std::unique_ptr<ScalingPolicy> policy = make();
  if (!policy) return ::testing::AssertionFailure() << "factory returned null";
  ContractSnapshots gen(seed);
  int target = 0;
  for (int i = 0; i < kContractTicks; ++i) {
    const ControllerSnapshot s = gen.next(target);
    ScalingDecision d;
    try {
      d = policy->decide(s);
    } catch (const std::exception& e) {
      return ::testing::AssertionFailure()
             << "tick " << i << ": decide() threw: " << e.what();
    } catch (...) {
      return ::testing::AssertionFailure() << "tick " << i << ": decide() threw";
    }
    if (d.target < s.min_workers || d.target > s.max_workers) {
      return ::testing::AssertionFailure()
             << "tick " << i << ": target " << d.target << " outside ["
             << s.min_workers << ", " << s.max_workers << "] (current "
             << s.current_workers << ", reason '" << d.reason << "')";
    }
    const DecisionKind want = d.target > s.current_workers   ? DecisionKind::kScaleUp
                              : d.target < s.current_workers ? DecisionKind::kScaleDown
                                                             : DecisionKind::kHold;
    if (d.kind != want) {
      return ::testing::AssertionFailure()
             << "tick " << i << ": kind " << to_string(d.kind) << " but target "
             << d.target << " vs current " << s.current_workers;
    }
    target = d.target;
  }
  return ::testing::AssertionSuccess();
}

// Two fresh instances, the same snapshots: the same answers.
::testing::AssertionResult check_deterministic(const PolicyFactory& make,
                                                      uint64_t seed) {
  std::unique_ptr<ScalingPolicy> a = make();
  std::unique_ptr<ScalingPolicy> b = make();
  if (!a || !b) return ::testing::AssertionFailure() << "factory returned null";
  ContractSnapshots gen(seed);
  int target = 0;
  for (int i = 0; i < kContractTicks; ++i) {
    const ControllerSnapshot s = gen.next(target);
    ScalingDecision da;
    ScalingDecision db;
    try {
      da = a->decide(s);
      db = b->decide(s);
    } catch (...) {
      return ::testing::AssertionFailure() << "tick " << i << ": decide() threw";
    }
    if (da.target != db.target || da.kind != db.kind || da.reason != db.reason) {
      return ::testing::AssertionFailure()
             << "tick " << i << ": " << da.target << " '" << da.reason << "' vs "
             << db.target << " '" << db.reason << "'";
    }
    target = std::clamp(da.target, s.min_workers, s.max_workers);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace betapool::testing

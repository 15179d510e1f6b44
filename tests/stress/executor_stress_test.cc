// Stress: many tiny tasks from several producers while a resizer thread
// changes the pool size at random, the policy is random, and a shutdown
// (waiting or cancelling) races the producers. Checks, for every round:
//  - every accepted task ran exactly once, or was cancelled (its future
//    throws CancelledError; shutdown_now's count matches);
//  - every rejected submission was reported (RejectedError) and never ran.
// Every other round uses a small bounded queue (capacity 1-64) with a random
// rejection policy (block with or without a timeout, reject, caller runs,
// discard oldest): there an accepted task ran (possibly in the caller), was
// cancelled by shutdown_now, or was discarded by the full queue (counted in
// ExecutorMetrics::tasks_discarded; its future throws CancelledError).
// Time-bounded: BETAPOOL_STRESS_SECONDS (default 5) so the CI run, also
// under ThreadSanitizer, stays short; run longer on demand:
//   BETAPOOL_STRESS_SECONDS=600 ./build/tests/stress/executor_stress_test
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "betapool/builtins.h"
#include "betapool/executor_builder.h"
#include "core/component_registry.h"
#include "core/errors.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

double stress_seconds() {
  const char* s = std::getenv("BETAPOOL_STRESS_SECONDS");
  return s != nullptr ? std::atof(s) : 5.0;
}

struct Slot {
  std::atomic<int> runs{0};
};

struct RoundResult {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t ran = 0;
  int64_t cancelled_futures = 0;
  int64_t discarded = 0;
  int64_t rejected_full = 0;
};

RoundResult run_round(std::mt19937_64& rng, bool bounded) {
  const std::vector<std::string> policies =
      builtin_registry().policy_names();
  std::uniform_int_distribution<std::size_t> pick(0, policies.size() - 1);
  const int max_workers = std::uniform_int_distribution<int>(1, 24)(rng);
  ControllerConfig config;
  config.monitor_interval = absl::Milliseconds(1);
  config.stabilization_window = absl::ZeroDuration();
  config.warmup_task_count = 0;
  ExecutorBuilder builder;
  builder.policy(policies[pick(rng)])
      .config(config)
      .min_workers(1)
      .max_workers(max_workers);
  if (bounded) {
    const RejectionPolicy kPolicies[] = {
        RejectionPolicy::kBlock, RejectionPolicy::kReject,
        RejectionPolicy::kCallerRuns, RejectionPolicy::kDiscardOldest};
    const RejectionPolicy rejection = kPolicies[rng() % 4];
    const absl::Duration timeout =
        rng() % 2 == 0 ? absl::InfiniteDuration()
                       : absl::Microseconds(static_cast<int64_t>(rng() % 200));
    builder.queue_capacity(static_cast<int64_t>(1 + rng() % 64), rejection,
                           timeout);
  }
  auto built = builder.build();
  EXPECT_TRUE(built.ok()) << built.status();
  std::unique_ptr<Executor> ex = *std::move(built);

  constexpr int kProducers = 3;
  constexpr int kPerProducer = 20000;
  std::vector<Slot> slots(kProducers * kPerProducer);
  std::vector<std::vector<Future<int>>> futures(kProducers);
  std::vector<std::vector<int>> future_slot(kProducers);
  std::atomic<int64_t> accepted{0}, rejected{0};
  std::atomic<bool> stop_resizing{false};

  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p, seed = rng()] {
      std::mt19937_64 local(seed);
      for (int i = 0; i < kPerProducer; ++i) {
        const int id = p * kPerProducer + i;
        Slot* slot = &slots[id];
        try {
          if (local() % 2 == 0) {
            futures[p].push_back(ex->submit([slot, id] {
              slot->runs.fetch_add(1, std::memory_order_relaxed);
              return id;
            }));
            future_slot[p].push_back(id);
          } else {
            ex->post([slot] { slot->runs.fetch_add(1, std::memory_order_relaxed); });
          }
          accepted.fetch_add(1);
        } catch (const RejectedError&) {
          rejected.fetch_add(1);
        }
      }
    });
  }
  std::thread resizer([&, seed = rng()] {
    std::mt19937_64 local(seed);
    while (!stop_resizing.load()) {
      ex->resize(static_cast<int>(local() % (max_workers + 2)));
      std::this_thread::yield();
    }
  });
  // Shut down while producers are still submitting (most rounds).
  const bool cancel = rng() % 2 == 0;
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
  std::size_t cancelled = 0;
  if (cancel) {
    cancelled = ex->shutdown_now();
  } else {
    ex->shutdown(true);
  }
  for (auto& t : producers) t.join();
  stop_resizing.store(true);
  resizer.join();
  const ExecutorMetrics metrics = ex->metrics();
  ex.reset();  // joins everything

  RoundResult r;
  r.discarded = metrics.tasks_discarded;
  r.rejected_full = metrics.tasks_rejected;
  r.accepted = accepted.load();
  r.rejected = rejected.load();
  for (const Slot& s : slots) {
    EXPECT_LE(s.runs.load(), 1) << "a task ran twice";
    r.ran += s.runs.load();
  }
  for (int p = 0; p < kProducers; ++p) {
    for (std::size_t k = 0; k < futures[p].size(); ++k) {
      const int id = future_slot[p][k];
      try {
        EXPECT_EQ(futures[p][k].get(), id);
        EXPECT_EQ(slots[id].runs.load(), 1);
      } catch (const CancelledError&) {
        ++r.cancelled_futures;
        EXPECT_EQ(slots[id].runs.load(), 0) << "cancelled task ran";
      }
    }
  }
  // Every accepted task either ran, was counted as cancelled, or was
  // discarded by the full queue; every full-queue refusal was reported.
  EXPECT_EQ(r.accepted,
            r.ran + static_cast<int64_t>(cancelled) + r.discarded);
  EXPECT_LE(r.rejected_full, r.rejected);
  EXPECT_EQ(r.accepted + r.rejected, kProducers * kPerProducer);
  if (!cancel && r.discarded == 0) {
    EXPECT_EQ(r.cancelled_futures, 0);
  }
  return r;
}

TEST(ExecutorStressTest, NothingLostNothingDuplicated) {
  std::mt19937_64 rng(20261126);
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration<double>(stress_seconds());
  int rounds = 0;
  int64_t accepted = 0, rejected = 0, ran = 0, discarded = 0, full = 0;
  do {
    const RoundResult r = run_round(rng, /*bounded=*/rounds % 2 == 1);
    ++rounds;
    accepted += r.accepted;
    rejected += r.rejected;
    ran += r.ran;
    discarded += r.discarded;
    full += r.rejected_full;
    if (HasFailure()) break;
  } while (std::chrono::steady_clock::now() < end);
  std::printf(
      "stress: %d rounds (half bounded), %lld accepted, %lld ran, %lld "
      "rejected (%lld by a full queue), %lld discarded by a full queue\n",
      rounds, static_cast<long long>(accepted), static_cast<long long>(ran),
      static_cast<long long>(rejected), static_cast<long long>(full),
      static_cast<long long>(discarded));
}

}  // namespace
}  // namespace betapool

// File: testing/task_clock_contract.cc
//
// The checks behind the TaskClock contract (testing/task_clock_contract.h)
// and the CPU burner they share.
#include "testing/task_clock_contract.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "core/sync.h"

namespace betapool::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int64_t kBurnNs = 10'000'000;  // 10 ms of CPU
// A real-time clock that never shows the burn is broken, not slow; on a
// loaded machine 10 ms of CPU still takes far less than this.
constexpr auto kBurnTimeout = std::chrono::seconds(10);

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// Work the optimiser cannot remove.
void spin_a_little() {
  static volatile uint64_t sink = 0;
  uint64_t x = sink;
  for (int i = 0; i < 2000; ++i) x = x * 6364136223846793005u + 1442695040888963407u;
  sink = x;
}

// Burns kBurnNs of CPU: as measured by `clock` for a real-time clock, else by
// the steady clock (a manual clock would never get there). Calls `each`
// with the clock's CPU reading after every slice.
template <class Each>
::testing::AssertionResult burn(TaskClock& clock, bool real_time, Each each) {
  const int64_t cpu0 = clock.thread_cpu_now_ns();
  const auto start = SteadyClock::now();
  for (;;) {
    spin_a_little();
    const int64_t cpu = clock.thread_cpu_now_ns();
    if (!each(cpu)) return ::testing::AssertionFailure();
    if (real_time ? cpu - cpu0 >= kBurnNs
                  : SteadyClock::now() - start >= std::chrono::nanoseconds(kBurnNs)) {
      return ::testing::AssertionSuccess();
    }
    if (SteadyClock::now() - start > kBurnTimeout) {
      return ::testing::AssertionFailure()
             << clock.name() << ": a busy thread's CPU time moved only "
             << (cpu - cpu0) << " ns in 10 s (wanted " << kBurnNs << ")";
    }
  }
}

// CPU time may run ahead of wall time only by what two clock sources ticking
// apart can explain.
int64_t slack_ns(int64_t span_ns) { return span_ns / 100 + 500'000; }

}  // namespace

::testing::AssertionResult check_wall_monotonic(TaskClock& clock, int reads) {
  int64_t previous = clock.wall_now_ns();
  for (int i = 0; i < reads; ++i) {
    const int64_t now = clock.wall_now_ns();
    if (now < previous) {
      return ::testing::AssertionFailure() << clock.name() << ": wall time went from "
                                           << previous << " to " << now;
    }
    previous = now;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult check_cpu_non_decreasing(TaskClock& clock, bool real_time) {
  int64_t previous = clock.thread_cpu_now_ns();
  std::string failure;
  ::testing::AssertionResult burnt = burn(clock, real_time, [&](int64_t cpu) {
    if (cpu < previous) {
      failure = std::to_string(previous) + " to " + std::to_string(cpu);
      return false;
    }
    previous = cpu;
    return true;
  });
  if (!failure.empty()) {
    return ::testing::AssertionFailure()
           << clock.name() << ": the thread's CPU time went from " << failure;
  }
  return burnt;
}

::testing::AssertionResult check_one_origin_across_threads(TaskClock& clock) {
  const int64_t before = clock.wall_now_ns();
  int64_t other = 0;
  std::thread([&] { other = clock.wall_now_ns(); }).join();
  const int64_t after = clock.wall_now_ns();
  if (other < before || after < other) {
    return ::testing::AssertionFailure()
           << clock.name() << ": wall readings in happens-before order " << before
           << ", " << other << " (another thread), " << after
           << " are not monotonic: the threads do not share one origin";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult check_concurrent_calls(TaskClock& clock, int threads) {
  std::vector<std::string> failures(threads);
  std::vector<std::thread> pool;
  Notification go;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      go.WaitForNotification();
      int64_t wall = clock.wall_now_ns();
      int64_t cpu = clock.thread_cpu_now_ns();
      for (int i = 0; i < 20000; ++i) {
        const int64_t w = clock.wall_now_ns();
        const int64_t c = clock.thread_cpu_now_ns();
        if (w < wall || c < cpu) {
          failures[t] = "wall " + std::to_string(wall) + " -> " + std::to_string(w) +
                        ", cpu " + std::to_string(cpu) + " -> " + std::to_string(c);
          return;
        }
        wall = w;
        cpu = c;
      }
    });
  }
  go.Notify();
  for (std::thread& t : pool) t.join();
  for (int t = 0; t < threads; ++t) {
    if (!failures[t].empty()) {
      return ::testing::AssertionFailure()
             << clock.name() << ": thread " << t << " saw " << failures[t];
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult check_busy_thread(TaskClock& clock, bool real_time) {
  const int64_t steady0 = steady_ns();
  const int64_t wall0 = clock.wall_now_ns();
  const int64_t steady1 = steady_ns();
  const int64_t cpu0 = clock.thread_cpu_now_ns();
  ::testing::AssertionResult burnt = burn(clock, real_time, [](int64_t) { return true; });
  if (!burnt) return burnt;
  const int64_t cpu1 = clock.thread_cpu_now_ns();
  const int64_t steady2 = steady_ns();
  const int64_t wall1 = clock.wall_now_ns();
  const int64_t steady3 = steady_ns();
  const int64_t cpu = cpu1 - cpu0;
  const int64_t wall = wall1 - wall0;
  if (cpu > wall + slack_ns(wall)) {
    return ::testing::AssertionFailure()
           << clock.name() << ": a busy thread used " << cpu << " ns of CPU in "
           << wall << " ns of wall time";
  }
  if (real_time) {
    // The wall span lies between the inner and the outer steady spans.
    const int64_t inner = steady2 - steady1;
    const int64_t outer = steady3 - steady0;
    if (wall < inner - slack_ns(inner) || wall > outer + slack_ns(outer)) {
      return ::testing::AssertionFailure()
             << clock.name() << ": wall time moved " << wall
             << " ns while the steady clock moved " << inner << ".." << outer
             << " ns (wrong unit or rate?)";
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult check_cpu_is_per_thread(TaskClock& clock, bool real_time) {
  Notification started;
  Notification done;
  int64_t blocked_cpu = 0;
  std::thread blocked([&] {
    const int64_t cpu0 = clock.thread_cpu_now_ns();
    started.Notify();
    done.WaitForNotification();
    blocked_cpu = clock.thread_cpu_now_ns() - cpu0;
  });
  started.WaitForNotification();
  const int64_t cpu0 = clock.thread_cpu_now_ns();
  ::testing::AssertionResult burnt = burn(clock, real_time, [](int64_t) { return true; });
  const int64_t busy_cpu = clock.thread_cpu_now_ns() - cpu0;
  done.Notify();
  blocked.join();
  if (!burnt) return burnt;
  if (blocked_cpu > busy_cpu / 2) {
    return ::testing::AssertionFailure()
           << clock.name() << ": a blocked thread's CPU time moved " << blocked_cpu
           << " ns while another thread burnt " << busy_cpu
           << " ns: it counts more than the calling thread";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace betapool::testing

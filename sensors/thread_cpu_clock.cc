#include "sensors/thread_cpu_clock.h"

#include <time.h>

#include <chrono>
#include <memory>

#include "core/component_registry.h"

namespace betapool {

int64_t ThreadCpuClock::wall_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t ThreadCpuClock::thread_cpu_now_ns() noexcept {
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void register_thread_cpu_clock(ComponentRegistryBuilder& builder) {
  builder.add_clock("thread_cpu", [](const ComponentContext&) {
    return std::make_unique<ThreadCpuClock>();
  });
}

}  // namespace betapool

// File: sensors/thread_cpu_clock.h
//
// ThreadCpuClock: the real TaskClock. Wall time from std::chrono's steady
// clock (~30 ns here); the calling thread's CPU time from
// clock_gettime(CLOCK_THREAD_CPUTIME_ID) (~1.5 us on a virtual machine, which
// is why the executor reads it only at checkpoints and for recorded tasks).
//
// Example:
//   betapool::ThreadCpuClock clock;
//   int64_t cpu0 = clock.thread_cpu_now_ns();
//
// Thread safety: stateless; safe from any thread.
#ifndef BETAPOOL_SENSORS_THREAD_CPU_CLOCK_H_
#define BETAPOOL_SENSORS_THREAD_CPU_CLOCK_H_

#include "core/task_clock.h"

namespace betapool {

class ComponentRegistryBuilder;

class ThreadCpuClock : public TaskClock {
 public:
  int64_t wall_now_ns() noexcept override;
  int64_t thread_cpu_now_ns() noexcept override;
  std::string_view name() const noexcept override { return "thread_cpu"; }
};

// Registers "thread_cpu" (see core/component_registry.h).
void register_thread_cpu_clock(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_SENSORS_THREAD_CPU_CLOCK_H_

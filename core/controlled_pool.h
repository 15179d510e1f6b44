// File: core/controlled_pool.h
//
// ControlledPool: what the control step (core/control_step.h) needs from a
// pool of workers, and PoolDrain, the totals a pool hands over at a tick.
// The live executor's WorkerPool is one (through WorkerPoolAdapter); the
// lab's virtual-time simulator is another, so both run the same step.
//
// Example:
//   class MyPool : public betapool::ControlledPool { ... };
//   betapool::ControlStep step(my_pool, collector, policy, &sensor, {},
//                              {1, 8}, /*now=*/0.0);
#ifndef BETAPOOL_CORE_CONTROLLED_POOL_H_
#define BETAPOOL_CORE_CONTROLLED_POOL_H_

#include <cstdint>
#include <vector>

#include "core/task_metrics.h"

namespace betapool {

// Exact totals and recorded tasks since the previous drain.
struct PoolDrain {
  int64_t completed = 0;
  int64_t failed = 0;
  int64_t busy_wall_ns = 0;
  int64_t cpu_ns = 0;
  int64_t lock_wait_ns = 0;
  std::vector<TaskMetrics> records;  // sorted by completion timestamp
  int64_t dropped_records = 0;       // per-worker buffers overflowed
};

// Called by one control step at a time (the caller serializes); an
// implementation need not be thread-safe beyond what its own pool needs.
class ControlledPool {
 public:
  virtual ~ControlledPool() = default;

  virtual int target() const = 0;        // thread count being moved to
  virtual int busy_workers() const = 0;  // workers inside a task now
  virtual int64_t queue_depth() const = 0;  // submitted, not started
  virtual int live_threads() const = 0;  // workers whose thread has not ended
  // Moves toward `target` (already clamped by the step); returns the size
  // in force afterwards, lower than asked if threads could not start, or 0
  // if the pool no longer resizes (shut down).
  virtual int resize(int target) = 0;
  // Totals and records since the previous drain.
  virtual PoolDrain drain() = 0;
  // First thing in every tick, before drain(): housekeeping a pool does once
  // per tick (the WorkerPool joins retired threads here).
  virtual void begin_tick() {}
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_CONTROLLED_POOL_H_

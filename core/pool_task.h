// File: core/pool_task.h
//
// The unit of work the WorkerPool queues (`PoolTask`) and what a running task
// reports back for the metrics (`TaskOutcome`). Split from worker_pool.h so
// the queue (core/task_queue.h) can hold tasks without knowing the pool.
//
// Example:
//   betapool::PoolTask t = [](betapool::TaskOutcome& out) { out.ok = true; };
#ifndef BETAPOOL_CORE_POOL_TASK_H_
#define BETAPOOL_CORE_POOL_TASK_H_

#include <string>

#include "absl/functional/any_invocable.h"

namespace betapool {

// What a running task tells the pool about itself, for the metrics.
struct TaskOutcome {
  bool ok = true;
  std::string error;  // what() of the exception, when !ok
};

// A queued unit of work. It must not throw: the executor's wrappers catch
// the callable's exception, store it in the future and report it here.
// Callables up to 16 bytes that are nothrow-movable are stored inline (no
// allocation); Executor::submit queues a single pointer (core/task_wrapper.h).
using PoolTask = absl::AnyInvocable<void(TaskOutcome&)>;

}  // namespace betapool

#endif  // BETAPOOL_CORE_POOL_TASK_H_

// File: betapool/thread_pool_executors.h
//
// The seed's two executors, as ready-made assemblies of Executor:
//  - AdaptiveThreadPoolExecutor(min_workers, max_workers, config):
//    BetaVetoPolicy + ProcStatSensor + ThreadCpuClock;
//  - StaticThreadPoolExecutor(workers): StaticPolicy, a fixed size.
// Both have the full Executor API (submit, post, map, thread_count,
// metrics, experiment_log, decision_history, shutdown).
//
// Example:
//   betapool::AdaptiveThreadPoolExecutor executor(4, 64);
//   auto f = executor.submit([] { return 1; });
//
// Errors: constructors throw std::invalid_argument with the message
// ExecutorBuilder::build() would return (e.g. "min_workers = 0: must be at
// least 1"), and betapool::StartError (core/errors.h) where build() returns
// ResourceExhausted: the OS refused every worker thread or the controller
// thread (the check is the Executor constructor's, shared by both
// spellings). Use ExecutorBuilder for a Status instead of an exception.
#ifndef BETAPOOL_BETAPOOL_THREAD_POOL_EXECUTORS_H_
#define BETAPOOL_BETAPOOL_THREAD_POOL_EXECUTORS_H_

#include "core/controller_config.h"
#include "core/executor.h"

namespace betapool {

class AdaptiveThreadPoolExecutor : public Executor {
 public:
  explicit AdaptiveThreadPoolExecutor(int min_workers = 4,
                                      int max_workers = 64,
                                      const ControllerConfig& config = {});
};

class StaticThreadPoolExecutor : public Executor {
 public:
  explicit StaticThreadPoolExecutor(int workers);
};

}  // namespace betapool

#endif  // BETAPOOL_BETAPOOL_THREAD_POOL_EXECUTORS_H_

// File: betapool/betapool.h
//
// One include for the common case: the executor, its builder, the seed's
// convenience executors and the built-in components.
//
// Example:
//   #include "betapool/betapool.h"
//   betapool::AdaptiveThreadPoolExecutor executor(4, 64);
#ifndef BETAPOOL_BETAPOOL_BETAPOOL_H_
#define BETAPOOL_BETAPOOL_BETAPOOL_H_

#include "betapool/builtins.h"
#include "betapool/executor_builder.h"
#include "betapool/thread_pool_executors.h"
#include "core/component_registry.h"
#include "core/executor.h"
#include "core/in_memory_sink.h"
#include "core/metrics_collector.h"
#include "core/wait_accounting.h"
#include "policies/beta_veto_policy.h"
#include "policies/static_policy.h"
#include "sensors/proc_stat_sensor.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace betapool

#endif  // BETAPOOL_BETAPOOL_BETAPOOL_H_

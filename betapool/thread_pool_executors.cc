#include "betapool/thread_pool_executors.h"

#include <stdexcept>
#include <string>

#include "betapool/executor_builder.h"
#include "policies/beta_veto_policy.h"
#include "policies/static_policy.h"
#include "sensors/proc_stat_sensor.h"

namespace betapool {
namespace {

ExecutorParts parts_or_throw(ExecutorBuilder& builder) {
  absl::StatusOr<ExecutorParts> parts = builder.build_parts();
  if (!parts.ok()) {
    throw std::invalid_argument(std::string(parts.status().message()));
  }
  return *std::move(parts);
}

ExecutorParts adaptive_parts(int min_workers, int max_workers,
                             const ControllerConfig& config) {
  ExecutorBuilder b;
  b.policy<BetaVetoPolicy>()
      .sensor<ProcStatSensor>()
      .min_workers(min_workers)
      .max_workers(max_workers)
      .config(config);
  return parts_or_throw(b);
}

ExecutorParts static_parts(int workers) {
  ExecutorBuilder b;
  b.policy<StaticPolicy>(workers)
      .min_workers(workers)
      .max_workers(workers);
  return parts_or_throw(b);
}

}  // namespace

AdaptiveThreadPoolExecutor::AdaptiveThreadPoolExecutor(
    int min_workers, int max_workers, const ControllerConfig& config)
    : Executor(adaptive_parts(min_workers, max_workers, config)) {}

StaticThreadPoolExecutor::StaticThreadPoolExecutor(int workers)
    : Executor(static_parts(workers)) {}

}  // namespace betapool

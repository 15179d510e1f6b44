// File: core/worker_pool_adapter.h
//
// internal::WorkerPoolAdapter: the executor's WorkerPool seen as the
// ControlledPool the control step drives. Forwarding only, called once per
// tick: nothing here is on the per-task path.
#ifndef BETAPOOL_CORE_WORKER_POOL_ADAPTER_H_
#define BETAPOOL_CORE_WORKER_POOL_ADAPTER_H_

#include <cstdint>

#include "core/controlled_pool.h"
#include "core/worker_pool.h"

namespace betapool::internal {

class WorkerPoolAdapter final : public ControlledPool {
 public:
  explicit WorkerPoolAdapter(WorkerPool& pool) : pool_(pool) {}

  int target() const override { return pool_.target(); }
  int busy_workers() const override { return pool_.busy_workers(); }
  int64_t queue_depth() const override { return pool_.queue_depth(); }
  int live_threads() const override { return pool_.live_threads(); }
  int resize(int target) override { return pool_.resize(target); }
  PoolDrain drain() override { return pool_.drain(); }
  // Joins retired threads so their final totals are in this tick's drain.
  void begin_tick() override { pool_.reap(); }

 private:
  WorkerPool& pool_;
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_WORKER_POOL_ADAPTER_H_

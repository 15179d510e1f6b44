// File: core/worker_pool_self_wait.cc
//
// WorkerPool::SelfWait: a worker about to sleep on a future of its own
// pool's task is counted, so that the pool does not retire a worker while
// one waits (retire_if_surplus() reads self_waiting_), and so that the
// wait that would leave no worker free to run any of the awaited tasks
// throws DeadlockError instead of sleeping forever.
//
// Touches: self_waits_ under self_wait_mu_ (a leaf lock), self_waiting_;
// reads live_threads() and is_worker_thread().
#include "core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "core/errors.h"
#include "core/future.h"

namespace betapool {

WorkerPool::SelfWait::SelfWait(WorkerPool* pool,
                               const internal::SharedStateBase* state)
    : state_(state) {
  // Only a worker of `pool` counts; it reaches here from inside one of the
  // pool's tasks, so the pool is alive.
  if (pool == nullptr || !pool->is_worker_thread()) return;
  MutexLock lock(&pool->self_wait_mu_);
  const auto& waits = pool->self_waits_;
  const bool all_stuck =
      !state->is_ready() &&
      std::none_of(waits.begin(), waits.end(),
                   [](const internal::SharedStateBase* s) { return s->is_ready(); });
  if (all_stuck &&
      static_cast<int>(waits.size()) + 1 >= pool->live_threads()) {
    throw DeadlockError(
        "betapool: a task waited on a task of its own pool while every "
        "other worker of that pool waits the same way; nobody is left to "
        "run it (wait_for with a timeout, or a larger pool, avoids this)");
  }
  pool->self_waits_.push_back(state);
  pool->self_waiting_.fetch_add(1, std::memory_order_acq_rel);
  pool_ = pool;
}

WorkerPool::SelfWait::~SelfWait() {
  if (pool_ == nullptr) return;
  MutexLock lock(&pool_->self_wait_mu_);
  auto& waits = pool_->self_waits_;
  waits.erase(std::find(waits.begin(), waits.end(), state_));
  pool_->self_waiting_.fetch_sub(1, std::memory_order_acq_rel);
}

}  // namespace betapool

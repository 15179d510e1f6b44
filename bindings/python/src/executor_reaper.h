// File: bindings/python/src/executor_reaper.h
//
// ExecutorReaper: destroys Executors that Python dropped, on a background
// thread, so that dropping the last reference never blocks the thread that
// dropped it.
//
// Why: an executor's destruction joins its workers, which may need the GIL
// (or any Python lock) to finish their tasks. Python may drop the last
// reference anywhere — in the cyclic garbage collector at an arbitrary
// allocation while the dropping thread holds other locks, or on one of the
// executor's own workers (a task that held the last reference). Joining
// there could deadlock or join the calling thread itself. Handing the
// executor to the reaper gives the semantics of
// concurrent.futures.ThreadPoolExecutor: queued tasks still run, threads
// end afterwards. At interpreter exit, `drain()` waits for every pending
// destruction before finalization begins.
//
// Example:
//   ExecutorReaper::instance().adopt(std::move(executor));  // returns at once
//   ExecutorReaper::instance().drain();                     // at exit
//
// Thread safety: all methods are safe from any thread; call them without
// the GIL (drain() blocks).
#ifndef BETAPOOL_BINDINGS_PYTHON_SRC_EXECUTOR_REAPER_H_
#define BETAPOOL_BINDINGS_PYTHON_SRC_EXECUTOR_REAPER_H_

#include <deque>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "core/executor.h"
#include "core/sync.h"

namespace betapool::python {

class ExecutorReaper {
 public:
  // The process-wide reaper (never destroyed).
  static ExecutorReaper& instance();

  // Stops the executor's intake and queues it for destruction (which runs
  // its queued tasks and joins its threads). Returns at once.
  void adopt(std::unique_ptr<Executor> executor);

  // Blocks until every adopted executor has been destroyed.
  void drain();

 private:
  ExecutorReaper() = default;
  void run();

  Mutex mu_;
  CondVar changed_;
  std::deque<std::unique_ptr<Executor>> pending_ ABSL_GUARDED_BY(mu_);
  int destroying_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace betapool::python

#endif  // BETAPOOL_BINDINGS_PYTHON_SRC_EXECUTOR_REAPER_H_

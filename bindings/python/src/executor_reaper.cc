#include "bindings/python/src/executor_reaper.h"

#include <utility>

namespace betapool::python {

ExecutorReaper& ExecutorReaper::instance() {
  // Never destroyed: its thread lives as long as the process.
  static ExecutorReaper* reaper = new ExecutorReaper();
  return *reaper;
}

void ExecutorReaper::adopt(std::unique_ptr<Executor> executor) {
  executor->shutdown(false);  // stops intake now; queued tasks still run
  MutexLock lock(&mu_);
  pending_.push_back(std::move(executor));
  if (!started_) {
    started_ = true;
    std::thread([this] { run(); }).detach();
  }
  changed_.SignalAll();
}

void ExecutorReaper::drain() {
  MutexLock lock(&mu_);
  while (!pending_.empty() || destroying_ > 0) changed_.Wait(&mu_);
}

void ExecutorReaper::run() {
  MutexLock lock(&mu_);
  while (true) {
    while (pending_.empty()) changed_.Wait(&mu_);
    std::unique_ptr<Executor> executor = std::move(pending_.front());
    pending_.pop_front();
    ++destroying_;
    mu_.Unlock();
    executor.reset();  // joins the workers once the queue has drained
    mu_.Lock();
    --destroying_;
    changed_.SignalAll();
  }
}

}  // namespace betapool::python

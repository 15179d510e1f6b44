// File: core/errors.h
//
// The exception types betapool throws. One style, documented:
//  - creating an executor returns absl::StatusOr (ExecutorBuilder::build);
//    the seed-style constructors throw std::invalid_argument with the same
//    message for a bad configuration, and both spellings refuse an executor
//    the OS would not give threads with the same message
//    (ResourceExhausted / StartError);
//  - submitting to an executor that no longer accepts work throws
//    RejectedError;
//  - a task discarded before it ran (shutdown_now) completes its future with
//    CancelledError;
//  - a task's own exception reaches its future unchanged;
//  - a worker that would wait forever on a task of its own pool (every
//    live worker of the pool waiting, nobody left to run it) gets
//    DeadlockError from Future::get/wait instead.
#ifndef BETAPOOL_CORE_ERRORS_H_
#define BETAPOOL_CORE_ERRORS_H_

#include <stdexcept>

namespace betapool {

// Thrown by submit/post/map when the executor does not accept the task.
class RejectedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by the Executor constructor when the OS refused the controller
// thread or every worker thread (an executor with no worker would queue
// forever). ExecutorBuilder::build() returns it as ResourceExhausted.
class StartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stored in the future of a task that was discarded before it started.
class CancelledError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown by Future::get() / wait() when the caller is a worker of the pool
// that will run the awaited task and every live worker of that pool is
// already waiting on such tasks: nobody is left to run it, so waiting would
// never end. The future stays valid (the task still runs once a worker is
// free). See docs/semantics.md, "Reentrancy".
class DeadlockError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_ERRORS_H_

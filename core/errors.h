// File: core/errors.h
//
// The exception types betapool throws. One style, documented:
//  - creating an executor returns absl::StatusOr (ExecutorBuilder::build);
//    the seed-style constructors throw std::invalid_argument with the same
//    message;
//  - submitting to an executor that no longer accepts work throws
//    RejectedError;
//  - a task discarded before it ran (shutdown_now) completes its future with
//    CancelledError;
//  - a task's own exception reaches its future unchanged.
#ifndef BETAPOOL_CORE_ERRORS_H_
#define BETAPOOL_CORE_ERRORS_H_

#include <stdexcept>

namespace betapool {

// Thrown by submit/post/map when the executor does not accept the task.
class RejectedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stored in the future of a task that was discarded before it started.
class CancelledError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace betapool

#endif  // BETAPOOL_CORE_ERRORS_H_

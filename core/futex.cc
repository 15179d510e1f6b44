#include "core/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

#include "absl/time/clock.h"

namespace betapool::internal {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t),
              "futex needs a plain 32-bit word");

namespace {

void wait_with(std::atomic<uint32_t>* word, uint32_t expected,
               const timespec* timeout) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE,
          expected, timeout, nullptr, 0);
}

}  // namespace

void futex_wait(std::atomic<uint32_t>* word, uint32_t expected,
                absl::Time deadline) {
  if (deadline == absl::InfiniteFuture()) {
    wait_with(word, expected, nullptr);
    return;
  }
  const absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return;
  const timespec ts = absl::ToTimespec(left);
  wait_with(word, expected, &ts);
}

void futex_wait_for_ns(std::atomic<uint32_t>* word, uint32_t expected,
                       int64_t timeout_ns) {
  if (timeout_ns <= 0) return;
  timespec ts;
  ts.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(timeout_ns % 1'000'000'000);
  wait_with(word, expected, &ts);
}

void futex_wake(std::atomic<uint32_t>* word, int count) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE,
          count, nullptr, nullptr, 0);
}

void futex_wake_all(std::atomic<uint32_t>* word) { futex_wake(word, INT_MAX); }

}  // namespace betapool::internal

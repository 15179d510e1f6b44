// File: core/futex.h
//
// Minimal wrappers over Linux futex(2) on a 32-bit atomic, used by
// betapool::Future so that completing a result nobody waits for costs no
// system call (libstdc++'s std::promise makes one on every set_value).
#ifndef BETAPOOL_CORE_FUTEX_H_
#define BETAPOOL_CORE_FUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace betapool::internal {

// Blocks while `*word == expected`, until woken or `deadline` passes.
// Spurious returns are allowed; callers re-check their condition.
void futex_wait(std::atomic<uint32_t>* word, uint32_t expected,
                absl::Time deadline = absl::InfiniteFuture());

// Wakes every thread blocked in futex_wait on `word`.
void futex_wake_all(std::atomic<uint32_t>* word);

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_FUTEX_H_

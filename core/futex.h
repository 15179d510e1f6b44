// File: core/futex.h
//
// Minimal wrappers over Linux futex(2) on a 32-bit atomic, and the pause
// instruction for spin loops. Used by betapool::Future (completing a result
// nobody waits for costs no system call; libstdc++'s std::promise makes one
// on every set_value), by the task queue's consumer lock and by idle
// workers, which all spin briefly and then sleep here.
//
// Example:
//   std::atomic<uint32_t> word{0};
//   while (word.load() == 0) betapool::internal::futex_wait(&word, 0);
//   // elsewhere: word.store(1); betapool::internal::futex_wake(&word, 1);
//
// Thread safety: all functions are safe from any thread. futex_wake may be
// called on a word whose owner has already been destroyed: the kernel uses
// the address only as a key (private futex), so the worst effect is a
// spurious wake-up of a later waiter on the same address, which every
// caller here tolerates by re-checking its condition.
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

// As futex_wait with a relative timeout in nanoseconds (<= 0: no wait).
void futex_wait_for_ns(std::atomic<uint32_t>* word, uint32_t expected,
                       int64_t timeout_ns);

// Wakes up to `count` threads blocked in futex_wait on `word`.
void futex_wake(std::atomic<uint32_t>* word, int count);

// Wakes every thread blocked in futex_wait on `word`.
void futex_wake_all(std::atomic<uint32_t>* word);

// One spin-loop pause: tells the CPU (and a hypervisor that watches for
// pause-loop exits) that this thread is waiting.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_FUTEX_H_

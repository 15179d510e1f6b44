// File: lab/simulated_gil.h
//
// SimulatedGil: an interpreter lock with CPython 3's switching behaviour
// (the "new GIL" of Python 3.2+, Python/ceval_gil.c), so that "Python" CPU
// sections can be emulated in C++ and the convoy and saturation-cliff
// effects appear for the reasons they do in CPython:
//
//  - A thread that wants the lock while another holds it waits on a
//    condition variable for at most the switch interval (5 ms by default,
//    like sys.getswitchinterval()). If the interval passes with no switch,
//    it sets a drop request and waits again. Every waiter does this on its
//    own timer, as in CPython: N waiters wake N times per interval.
//  - The holder does not notice the request until its next check() — the
//    emulated eval loop's "eval breaker", which workload CPU loops call
//    every few microseconds. It then drops the lock and, if nobody has taken
//    it yet, waits until another thread has (CPython's FORCE_SWITCHING), so
//    it cannot immediately take it back.
//  - Releasing signals one waiter (glibc wakes waiters of the older group
//    first: FIFO-ish). Nothing stops a thread that arrives while the lock is
//    free from taking it before the woken waiter runs (barging, as with
//    CPython's mutex + condvar), and a thread coming back from I/O must queue
//    behind the holder: that is the convoy.
//
// It is built, like CPython's, on a pthread mutex and condition variables
// (std::mutex, std::condition_variable), not on absl::Mutex/CondVar: the
// cost of the waiters' timed wake-ups is part of what is emulated, and
// absl::CondVar removes a timed-out waiter by walking its whole wait list —
// quadratic work with thousands of waiters that CPython does not pay.
//
// Time a thread spends waiting for the lock (in acquire() and in a forced
// switch) is reported through core/wait_accounting.h, so an executor records
// it as lock-wait time per task and can tell GIL waiting from I/O waiting.
// With set_track_held_cpu(true) each thread also sums the CPU time it ran
// while holding the lock (thread_held_cpu_ns()), which the trace recorder
// (lab/trace_recorder.h) reads around a task. Off by default: it reads the
// thread's CPU clock (~1.5 us on a VM) at every take and release, inside
// the serialized section.
//
// Example:
//   betapool::SimulatedGil& gil = betapool::SimulatedGil::process_wide();
//   {
//     betapool::GilScope python(&gil);      // "enter Python"
//     for (int i = 0; i < n; ++i) {
//       work(i);
//       if (i % 64 == 0) gil.check();       // eval-breaker check
//     }
//     {
//       betapool::GilRelease io(&gil);       // Py_BEGIN_ALLOW_THREADS
//       std::this_thread::sleep_for(std::chrono::milliseconds(1));
//     }
//   }
//
// Thread safety: every method is safe from any thread. acquire() must not
// be called by the holder (the lock is not recursive) and release() only by
// the holder: either misuse aborts the process with a message, as CPython
// does. check() returns false for a thread that does not hold the lock.
#ifndef BETAPOOL_LAB_SIMULATED_GIL_H_
#define BETAPOOL_LAB_SIMULATED_GIL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace betapool {

// Counters since construction (or reset_stats()).
struct SimulatedGilStats {
  int64_t acquisitions = 0;            // successful takes, any path
  int64_t contended_acquisitions = 0;  // takes that had to wait
  int64_t drop_requests = 0;           // waiter timed out and asked
  int64_t forced_switches = 0;         // holder yielded at check()
  int64_t total_wait_ns = 0;           // waiting reported to the hook
  int64_t held_ns = 0;                 // time the lock was held (released spans)
};

class SimulatedGil {
 public:
  static constexpr absl::Duration kDefaultSwitchInterval = absl::Milliseconds(5);

  // A lock with the given switch interval (clamped to at least 1 us).
  explicit SimulatedGil(absl::Duration switch_interval = kDefaultSwitchInterval);
  SimulatedGil(const SimulatedGil&) = delete;
  SimulatedGil& operator=(const SimulatedGil&) = delete;

  // The process-wide lock the lab command uses (never destroyed).
  static SimulatedGil& process_wide();

  // Takes the lock, waiting as CPython's take_gil does. Reports the time
  // spent waiting (0 when uncontended) through report_lock_wait().
  void acquire();

  // Gives the lock up voluntarily (I/O, end of a Python section): signals
  // one waiter and returns at once.
  void release();

  // The eval-breaker check: if another thread asked for the lock, drops it,
  // waits until someone else has taken it, takes it back, and returns true
  // (the wait is reported as lock waiting). Otherwise returns false after a
  // single relaxed atomic load. Call only while holding the lock.
  bool check() {
    if (!drop_request_.load(std::memory_order_relaxed)) return false;
    return yield_for_waiter();
  }

  // True when the calling thread holds the lock.
  bool held_by_current_thread() const;

  // sys.setswitchinterval: InvalidArgument unless `interval` is positive.
  absl::Status set_switch_interval(absl::Duration interval);
  absl::Duration switch_interval() const;

  SimulatedGilStats stats() const;
  void reset_stats();

  // Turns on (or off) the per-thread held-CPU sum below. Takes effect from
  // the next take of the lock.
  void set_track_held_cpu(bool on) {
    track_held_cpu_.store(on, std::memory_order_relaxed);
  }
  // CPU time the calling thread has run while holding a SimulatedGil that
  // tracks it, in nanoseconds since the thread started; monotonic, so take
  // differences around a task (as with thread_lock_wait_ns()).
  static int64_t thread_held_cpu_ns();

 private:
  // Waits until the lock is free and takes it. Returns true if it waited.
  // Requires `lock` to hold mu_.
  bool take_locked(std::unique_lock<std::mutex>& lock, const void* me);
  // Marks the lock free, accounts the hold time and wakes one waiter.
  // Requires mu_.
  void drop_locked();
  bool yield_for_waiter();
  // The held-CPU sum's two ends, on the holder's thread, outside mu_.
  void note_taken();
  void note_dropping();

  // mu_ guards every member below except the two atomics.
  mutable std::mutex mu_;
  std::condition_variable lock_released_;  // CPython's gil->cond
  std::condition_variable switched_;       // CPython's gil->switch_cond
  bool locked_ = false;
  const void* last_holder_ = nullptr;
  uint64_t switch_number_ = 0;
  int64_t taken_at_ns_ = 0;
  int waiters_ = 0;
  std::chrono::nanoseconds interval_;
  SimulatedGilStats stats_;
  // Read without the mutex by check() and held_by_current_thread().
  std::atomic<bool> drop_request_{false};
  std::atomic<const void*> holder_{nullptr};
  std::atomic<bool> track_held_cpu_{false};
};

// Holds `gil` for its lifetime ("running Python"); no-op when gil is null.
class GilScope {
 public:
  explicit GilScope(SimulatedGil* gil) : gil_(gil) {
    if (gil_ != nullptr) gil_->acquire();
  }
  GilScope(const GilScope&) = delete;
  GilScope& operator=(const GilScope&) = delete;
  ~GilScope() {
    if (gil_ != nullptr) gil_->release();
  }

 private:
  SimulatedGil* gil_;
};

// Releases a held `gil` for its lifetime and takes it back at the end
// (Py_BEGIN/END_ALLOW_THREADS around I/O or native code); no-op when null.
class GilRelease {
 public:
  explicit GilRelease(SimulatedGil* gil) : gil_(gil) {
    if (gil_ != nullptr) gil_->release();
  }
  GilRelease(const GilRelease&) = delete;
  GilRelease& operator=(const GilRelease&) = delete;
  ~GilRelease() {
    if (gil_ != nullptr) gil_->acquire();
  }

 private:
  SimulatedGil* gil_;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_SIMULATED_GIL_H_

#include "lab/simulated_gil.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/wait_accounting.h"

namespace betapool {
namespace {

// A per-thread address identifies the holder (CPython uses the tstate).
thread_local char tls_identity;

const void* self() { return &tls_identity; }

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The calling thread's held-CPU sum, and its CPU clock when it last took a
// tracking lock (-1: it holds none).
thread_local int64_t tls_held_cpu_ns = 0;
thread_local int64_t tls_taken_cpu_ns = -1;

constexpr absl::Duration kMinInterval = absl::Microseconds(1);

std::chrono::nanoseconds to_interval(absl::Duration d) {
  return absl::ToChronoNanoseconds(std::max(d, kMinInterval));
}

// Misuse would deadlock or corrupt the lock; CPython aborts too
// ("drop_gil: GIL is not locked").
[[noreturn]] void misuse(const char* what) {
  std::fprintf(stderr, "betapool::SimulatedGil: %s\n", what);
  std::abort();
}

}  // namespace

SimulatedGil::SimulatedGil(absl::Duration switch_interval)
    : interval_(to_interval(switch_interval)) {}

SimulatedGil& SimulatedGil::process_wide() {
  static SimulatedGil* const gil = new SimulatedGil();
  return *gil;
}

bool SimulatedGil::take_locked(std::unique_lock<std::mutex>& lock, const void* me) {
  if (locked_ && last_holder_ == me) misuse("acquire() by the thread that holds it");
  bool waited = false;
  if (locked_) {
    waited = true;
    ++waiters_;
    while (locked_) {
      const uint64_t saved = switch_number_;
      const bool timed_out =
          lock_released_.wait_for(lock, interval_) == std::cv_status::timeout;
      // A whole interval without any switch: ask the holder to drop it.
      if (timed_out && locked_ && switch_number_ == saved) {
        if (!drop_request_.load(std::memory_order_relaxed)) {
          ++stats_.drop_requests;
        }
        drop_request_.store(true, std::memory_order_relaxed);
      }
    }
    --waiters_;
  }
  locked_ = true;
  taken_at_ns_ = steady_ns();
  holder_.store(me, std::memory_order_relaxed);
  last_holder_ = me;
  ++switch_number_;
  switched_.notify_all();
  // The request was addressed to the previous holder (CPython resets it).
  drop_request_.store(false, std::memory_order_relaxed);
  ++stats_.acquisitions;
  if (waited) ++stats_.contended_acquisitions;
  return waited;
}

void SimulatedGil::drop_locked() {
  stats_.held_ns += steady_ns() - taken_at_ns_;
  locked_ = false;
  holder_.store(nullptr, std::memory_order_relaxed);
  lock_released_.notify_one();
}

void SimulatedGil::acquire() {
  const void* me = self();
  const int64_t start = steady_ns();
  int64_t waited_ns = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (take_locked(lock, me)) {
      waited_ns = steady_ns() - start;
      stats_.total_wait_ns += waited_ns;
    }
  }
  report_lock_wait(waited_ns);
  note_taken();
}

void SimulatedGil::note_taken() {
  if (track_held_cpu_.load(std::memory_order_relaxed)) {
    tls_taken_cpu_ns = thread_cpu_ns();
  }
}

void SimulatedGil::note_dropping() {
  if (tls_taken_cpu_ns >= 0) {
    tls_held_cpu_ns += thread_cpu_ns() - tls_taken_cpu_ns;
    tls_taken_cpu_ns = -1;
  }
}

int64_t SimulatedGil::thread_held_cpu_ns() { return tls_held_cpu_ns; }

void SimulatedGil::release() {
  note_dropping();
  const void* me = self();
  const int64_t start = steady_ns();
  int64_t waited_ns = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!locked_ || last_holder_ != me) {
      misuse("release() by a thread that does not hold the lock");
    }
    drop_locked();
    // FORCE_SWITCHING: a pending request means a waiter has starved for a
    // whole interval; do not return (and possibly re-take the lock) before
    // it, or another thread, has had it.
    if (drop_request_.load(std::memory_order_relaxed) && waiters_ > 0) {
      drop_request_.store(false, std::memory_order_relaxed);
      switched_.wait(lock, [&] { return last_holder_ != me; });
      waited_ns = steady_ns() - start;
      stats_.total_wait_ns += waited_ns;
    }
  }
  report_lock_wait(waited_ns);
}

bool SimulatedGil::yield_for_waiter() {
  // Ends the held span here and starts a new one on every return: whether
  // or not the lock changed hands, the time in between is spent waiting.
  note_dropping();
  struct Retaken {
    SimulatedGil* gil;
    ~Retaken() { gil->note_taken(); }
  } retaken{this};
  const void* me = self();
  const int64_t start = steady_ns();
  int64_t waited_ns = 0;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!drop_request_.load(std::memory_order_relaxed) || !locked_ ||
        last_holder_ != me) {
      return false;  // the request was already served, or we are not holder
    }
    ++stats_.forced_switches;
    drop_locked();
    if (waiters_ > 0) {
      drop_request_.store(false, std::memory_order_relaxed);
      switched_.wait(lock, [&] { return last_holder_ != me; });
    }
    take_locked(lock, me);
    waited_ns = steady_ns() - start;
    stats_.total_wait_ns += waited_ns;
  }
  report_lock_wait(waited_ns);
  return true;
}

bool SimulatedGil::held_by_current_thread() const {
  return holder_.load(std::memory_order_relaxed) == self();
}

absl::Status SimulatedGil::set_switch_interval(absl::Duration interval) {
  if (interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("switch_interval = ", absl::FormatDuration(interval),
                     ": must be positive"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  interval_ = to_interval(interval);
  return absl::OkStatus();
}

absl::Duration SimulatedGil::switch_interval() const {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::FromChrono(interval_);
}

SimulatedGilStats SimulatedGil::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void SimulatedGil::reset_stats() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_ = SimulatedGilStats{};
}

}  // namespace betapool

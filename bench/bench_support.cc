#include "bench/bench_support.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "betapool/executor_builder.h"
#include "policies/beta_veto_policy.h"
#include "sensors/proc_stat_sensor.h"
#include "sensors/thread_cpu_clock.h"

namespace betapool::bench {
namespace {

struct alignas(64) Slot {
  std::atomic<int64_t> count{0};
};

std::mutex& registry_mu() {
  static std::mutex mu;
  return mu;
}

// Slots are never freed: threads of finished pools keep their counts.
std::deque<Slot>& registry() {
  static std::deque<Slot> slots;
  return slots;
}

Slot* register_slot() {
  std::lock_guard<std::mutex> lock(registry_mu());
  return &registry().emplace_back();
}

thread_local Slot* tls_slot = nullptr;

}  // namespace

void Completions::add() noexcept {
  Slot* s = tls_slot;
  if (s == nullptr) s = tls_slot = register_slot();
  // Only this thread writes the slot: a plain load + store, no lock prefix.
  s->count.store(s->count.load(std::memory_order_relaxed) + 1,
                 std::memory_order_release);
}

int64_t Completions::total() noexcept {
  std::lock_guard<std::mutex> lock(registry_mu());
  int64_t sum = 0;
  for (const Slot& s : registry()) sum += s.count.load(std::memory_order_acquire);
  return sum;
}

void Completions::wait_until(int64_t target) {
  while (total() < target) {
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

void RoundTripSamples::report(benchmark::State& state) {
  if (samples_.empty()) return;
  std::sort(samples_.begin(), samples_.end());
  state.counters["p50_ns"] = static_cast<double>(samples_[samples_.size() / 2]);
  state.counters["p99_ns"] =
      static_cast<double>(samples_[samples_.size() * 99 / 100]);
}

void burn(int64_t iterations) noexcept {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int64_t i = 0; i < iterations; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
}

int64_t calibrated_iterations(absl::Duration target) {
  // Thread CPU time, not wall time: on a shared machine the calibrating
  // thread may be descheduled, which must not shrink the work.
  auto cpu_ns = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
  };
  constexpr int64_t kProbe = 2'000'000;
  std::vector<double> ns_per_iter;
  for (int run = 0; run < 7; ++run) {
    const double t0 = cpu_ns();
    burn(kProbe);
    ns_per_iter.push_back((cpu_ns() - t0) / kProbe);
  }
  std::nth_element(ns_per_iter.begin(),
                   ns_per_iter.begin() + ns_per_iter.size() / 2,
                   ns_per_iter.end());
  const double per = ns_per_iter[ns_per_iter.size() / 2];
  return std::max<int64_t>(
      1, static_cast<int64_t>(absl::ToDoubleNanoseconds(target) / per));
}

std::unique_ptr<Executor> make_betapool(const BetapoolSetup& setup) {
  ControllerConfig config;
  config.monitor_interval = setup.monitor_interval;
  ExecutorBuilder builder;
  builder.policy<BetaVetoPolicy>()
      .sensor<ProcStatSensor>()
      .clock<ThreadCpuClock>()
      .config(config)
      .min_workers(setup.workers)
      .max_workers(setup.workers)
      .initial_workers(setup.workers);
  if (setup.manual_control) builder.manual_control();
  auto built = builder.build();
  if (!built.ok()) {
    std::fprintf(stderr, "make_betapool: %s\n",
                 std::string(built.status().message()).c_str());
    std::abort();
  }
  return *std::move(built);
}

namespace {
// Field `index` (0: size, 1: resident) of /proc/self/statm, in bytes.
int64_t read_statm_bytes(int index) {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long size = 0, resident = 0;
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (n != 2) return -1;
  return static_cast<int64_t>(index == 0 ? size : resident) *
         sysconf(_SC_PAGESIZE);
}
}  // namespace

int64_t read_rss_bytes() { return read_statm_bytes(1); }
int64_t read_vm_bytes() { return read_statm_bytes(0); }

int os_thread_count() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

}  // namespace betapool::bench

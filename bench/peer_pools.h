// File: bench/peer_pools.h
//
// The peers betapool is compared with, each behind the same two calls so the
// benchmarks are one template:
//   post(fn)    fire and forget;
//   submit(fn)  returns a std::future of fn's result.
//
//  - MutexDequePool: the plain pool (std::mutex + std::condition_variable +
//    std::deque<std::function<void()>>), as people write it.
//  - MoodycamelPool: moodycamel::BlockingConcurrentQueue<std::function<void()>>
//    (libconcurrentqueue-dev) drained by N threads with wait_dequeue.
//  - AsioPool: boost::asio::thread_pool (libboost1.81-dev), boost::asio::post.
//  - TbbArenaPool: oneTBB task_arena(N, 0)::enqueue (libtbb-dev).
//  - TbbTaskGroupPool: oneTBB task_group::run; the producer runs inside a
//    task_arena(N + 1, 1) and, as task_group is meant to be used, helps in
//    wait() (see wait_idle()).
// BS::thread_pool is not packaged in Debian 12 and is not compared.
//
// std::future for peers whose queue holds copyable std::function: the
// std::packaged_task is held by a shared_ptr (what BS::thread_pool and most
// hand-written pools do), one allocation more than a move-only queue.
//
// Example:
//   betapool::bench::AsioPool pool(2);
//   std::future<int> f = pool.submit([] { return 1; });
#ifndef BETAPOOL_BENCH_PEER_POOLS_H_
#define BETAPOOL_BENCH_PEER_POOLS_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "boost/asio/post.hpp"
#include "boost/asio/thread_pool.hpp"
#include "concurrentqueue/blockingconcurrentqueue.h"
#include "oneapi/tbb/global_control.h"
#include "oneapi/tbb/task_arena.h"
#include "oneapi/tbb/task_group.h"

namespace betapool::bench {

// Wraps fn into a copyable callable that completes a std::future.
template <class F>
auto packaged(F&& fn) {
  using R = std::invoke_result_t<std::decay_t<F>&>;
  auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(fn));
  std::future<R> future = task->get_future();
  return std::make_pair(std::function<void()>([task] { (*task)(); }),
                        std::move(future));
}

class MutexDequePool {
 public:
  explicit MutexDequePool(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~MutexDequePool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  template <class F>
  void post(F&& fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back(std::forward<F>(fn));
    }
    cv_.notify_one();
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    post(std::move(task));
    return std::move(future);
  }
  static constexpr const char* kName = "mutex_deque";

 private:
  void loop() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class MoodycamelPool {
 public:
  explicit MoodycamelPool(int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        std::function<void()> task;
        while (true) {
          queue_.wait_dequeue(task);
          if (!task) return;  // an empty function is the stop signal
          task();
          task = nullptr;
        }
      });
    }
  }
  ~MoodycamelPool() {
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      queue_.enqueue(std::function<void()>());
    }
    for (auto& t : threads_) t.join();
  }
  template <class F>
  void post(F&& fn) {
    queue_.enqueue(std::function<void()>(std::forward<F>(fn)));
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    queue_.enqueue(std::move(task));
    return std::move(future);
  }
  static constexpr const char* kName = "moodycamel";

 private:
  moodycamel::BlockingConcurrentQueue<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
};

class AsioPool {
 public:
  explicit AsioPool(int threads) : pool_(threads) {}
  ~AsioPool() { pool_.join(); }
  template <class F>
  void post(F&& fn) {
    boost::asio::post(pool_, std::forward<F>(fn));
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    boost::asio::post(pool_, std::move(task));
    return std::move(future);
  }
  static constexpr const char* kName = "asio_thread_pool";

 private:
  boost::asio::thread_pool pool_;
};

// oneTBB starts (cores - 1) worker threads unless told otherwise: allow
// `threads` workers besides the producer so the arena really has them.
class TbbArenaPool {
 public:
  explicit TbbArenaPool(int threads)
      : control_(oneapi::tbb::global_control::max_allowed_parallelism,
                 threads + 1),
        arena_(threads, /*reserved_for_masters=*/0) {}
  template <class F>
  void post(F&& fn) {
    arena_.enqueue(std::forward<F>(fn));
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    arena_.enqueue(std::move(task));
    return std::move(future);
  }
  static constexpr const char* kName = "tbb_arena_enqueue";

 private:
  oneapi::tbb::global_control control_;
  oneapi::tbb::task_arena arena_;
};

// task_group: run() spawns into the calling thread's deque; workers steal.
// Used inside arena().execute(...) by the benchmark, with wait() at the end.
class TbbTaskGroupPool {
 public:
  explicit TbbTaskGroupPool(int threads)
      : control_(oneapi::tbb::global_control::max_allowed_parallelism,
                 threads + 1),
        arena_(threads + 1, /*reserved_for_masters=*/1) {}
  ~TbbTaskGroupPool() {
    arena_.execute([this] { group_.wait(); });
  }
  template <class F>
  void post(F&& fn) {
    group_.run(std::forward<F>(fn));
  }
  template <class F>
  auto submit(F&& fn) {
    auto [task, future] = packaged(std::forward<F>(fn));
    group_.run(std::move(task));
    return std::move(future);
  }
  // The producer must call post/submit/wait inside this arena.
  oneapi::tbb::task_arena& arena() { return arena_; }
  void wait() { group_.wait(); }
  static constexpr const char* kName = "tbb_task_group";

 private:
  oneapi::tbb::global_control control_;
  oneapi::tbb::task_arena arena_;
  oneapi::tbb::task_group group_;
};

}  // namespace betapool::bench

#endif  // BETAPOOL_BENCH_PEER_POOLS_H_

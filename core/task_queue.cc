#include "core/task_queue.h"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <utility>

namespace betapool::internal {
namespace {

constexpr uint64_t kOpen = std::numeric_limits<uint64_t>::max();

}  // namespace

TaskQueue::Segment* TaskQueue::new_segment() {
  Segment* s = nullptr;
  {
    QueueLockGuard lock(&spare_lock_);
    if (!spares_.empty()) {
      s = spares_.back();
      spares_.pop_back();
    }
  }
  if (s == nullptr) {
    s = new Segment;
    if ((reinterpret_cast<uintptr_t>(s) & ~kAddressMask) != 0) {
      // User-space addresses fit in 48 bits on x86-64 and AArch64 unless a
      // program maps memory above 2^47 on purpose.
      std::fprintf(stderr, "betapool: segment address %p exceeds 48 bits\n",
                   static_cast<void*>(s));
      std::abort();
    }
  }
  s->next.store(nullptr, std::memory_order_relaxed);
  return s;
}

TaskQueue::TaskQueue() : close_position_(kOpen) {
  Segment* first = new_segment();
  first->base = 0;
  head_segment_ = first;
  tail_.store(pack(first, 0), std::memory_order_release);
  head_word_.store(pack(first, 0), std::memory_order_release);
}

TaskQueue::~TaskQueue() {
  {
    QueueLockGuard lock(&head_lock_);
    PoolTask task;
    uint64_t position;
    while (pop_locked(&task, &position) == Pop::kTask) task = nullptr;
  }
  Segment* s = head_segment_;
  while (s != nullptr) {
    Segment* next = s->next.load(std::memory_order_acquire);
    delete s;
    s = next;
  }
  QueueLockGuard lock(&spare_lock_);
  for (Segment* spare : spares_) delete spare;
  spares_.clear();
}

bool TaskQueue::grow() {
  QueueLockGuard lock(&grow_mu_);
  const uint64_t word = tail_.load(std::memory_order_acquire);
  if (word & kClosedBit) return false;
  if (index_of(word) < kSegmentSlots) return true;  // another producer grew it
  // The tail segment is full, and it stays allocated until its `next` is
  // set (consumers recycle a segment only after moving past it).
  Segment* full = segment_of(word);
  Segment* next = new_segment();
  next->base = full->base + kSegmentSlots;
  full->next.store(next, std::memory_order_release);
  // Producers that claimed past the end meanwhile lose their increments
  // here, which is harmless: each of them comes back through grow().
  tail_.store(pack(next, 0), std::memory_order_seq_cst);
  return true;
}

void TaskQueue::recycle(Segment* drained) {
  QueueLockGuard lock(&spare_lock_);
  spares_.push_back(drained);
}

void TaskQueue::trim_spares() {
  constexpr std::size_t kKeep = 4;
  std::vector<Segment*> freed;
  {
    QueueLockGuard lock(&spare_lock_);
    if (spares_.size() <= kKeep) return;
    const std::size_t keep = std::max(kKeep, spares_.size() / 2);
    freed.assign(spares_.begin() + static_cast<std::ptrdiff_t>(keep),
                 spares_.end());
    spares_.resize(keep);
  }
  for (Segment* s : freed) delete s;
}

std::size_t TaskQueue::spare_segments() const {
  QueueLockGuard lock(&spare_lock_);
  return spares_.size();
}

TaskQueue::Pop TaskQueue::pop(PoolTask* out, uint64_t* position) {
  QueueLockGuard lock(&head_lock_);
  if (discarding_) return Pop::kClosed;
  return pop_locked(out, position);
}

TaskQueue::Pop TaskQueue::pop_locked(PoolTask* out, uint64_t* position) {
  while (true) {
    Segment* segment = head_segment_;
    const uint32_t index = head_index_;
    const uint64_t at = segment->base + index;
    if (index == kSegmentSlots) {
      Segment* next = segment->next.load(std::memory_order_acquire);
      if (next == nullptr) {
        return close_position_.load(std::memory_order_acquire) <= at
                   ? Pop::kClosed
                   : Pop::kEmpty;
      }
      head_segment_ = next;
      head_index_ = 0;
      head_word_.store(pack(next, 0), std::memory_order_release);
      // Every slot of `segment` was published and taken, and its producers
      // are done with it; no consumer can hold it (we hold the lock).
      recycle(segment);
      continue;
    }
    TaskQueueSlot& slot = segment->slots[index];
    if (segment->sequence[index].load(std::memory_order_seq_cst) != at + 1) {
      // Not published: nothing queued, or a producer is mid-push.
      return close_position_.load(std::memory_order_acquire) <= at
                 ? Pop::kClosed
                 : Pop::kEmpty;
    }
    PoolTask* task = slot.task();
    *out = std::move(*task);
    task->~PoolTask();
    head_index_ = index + 1;
    head_word_.store(pack(segment, index + 1), std::memory_order_release);
    popped_.store(at + 1, std::memory_order_relaxed);
    *position = at;
    return Pop::kTask;
  }
}

bool TaskQueue::maybe_nonempty() const noexcept {
  const uint64_t tail = tail_.load(std::memory_order_seq_cst) & ~kClosedBit;
  const uint64_t head = head_word_.load(std::memory_order_seq_cst);
  return normalized(tail) != normalized(head);
}

void TaskQueue::close() {
  QueueLockGuard lock(&grow_mu_);
  const uint64_t word = tail_.fetch_or(kClosedBit, std::memory_order_seq_cst);
  if (word & kClosedBit) return;
  // Under grow_mu_ the tail segment cannot be recycled (it has no next).
  const uint64_t end =
      segment_of(word)->base + std::min<uint32_t>(index_of(word), kSegmentSlots);
  close_position_.store(end, std::memory_order_release);
}

bool TaskQueue::closed() const noexcept {
  return (tail_.load(std::memory_order_acquire) & kClosedBit) != 0;
}

std::vector<PoolTask> TaskQueue::discard_all() {
  std::vector<PoolTask> out;
  QueueLockGuard lock(&head_lock_);
  discarding_ = true;
  while (true) {
    PoolTask task;
    uint64_t position;
    const Pop r = pop_locked(&task, &position);
    if (r == Pop::kTask) {
      out.push_back(std::move(task));
    } else if (r == Pop::kClosed) {
      return out;
    } else {
      // A producer accepted before close() is still publishing (or close()
      // has not been called: then this never ends; the pool always closes
      // first).
      sched_yield();
    }
  }
}

uint64_t TaskQueue::pushed() const {
  const uint64_t closed_at = close_position_.load(std::memory_order_acquire);
  if (closed_at != kOpen) return closed_at;
  QueueLockGuard lock(&grow_mu_);  // keeps the tail segment from being recycled
  const uint64_t word = tail_.load(std::memory_order_acquire);
  if (word & kClosedBit) return close_position_.load(std::memory_order_acquire);
  return segment_of(word)->base +
         std::min<uint32_t>(index_of(word), kSegmentSlots);
}

uint64_t TaskQueue::popped() const noexcept {
  return popped_.load(std::memory_order_relaxed);
}

}  // namespace betapool::internal

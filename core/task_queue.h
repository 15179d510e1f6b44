// File: core/task_queue.h
//
// internal::TaskQueue: the WorkerPool's unbounded multi-producer,
// multi-consumer FIFO of PoolTasks.
//
// Shape: a linked list of segments of kSegmentSlots slots, one cache line
// per slot. Every accepted task gets a position (0, 1, 2, ... in acceptance
// order); tasks are taken in position order, so one producer's tasks start
// in the order it queued them.
//  - Producers never lock. One fetch_add on `tail_`, a word that packs the
//    tail segment's address with its next free index, claims a slot; the
//    producer builds the task there and publishes it with a store of its
//    position. Only the producer that finds the segment full takes
//    `grow_mu_` to link the next one (once per kSegmentSlots tasks).
//  - Consumers take `head_lock_`, a futex lock held for one slot check and
//    one move. Serializing consumers is what makes recycling a drained
//    segment safe without hazard pointers or epochs (no consumer can hold a
//    stale segment), and it is where a bounded queue's discard-oldest
//    policy can take the oldest task.
//  - close() sets a bit in `tail_` with the same fetch_add-able word, so a
//    task is either accepted before the close (and later taken or
//    discarded) or rejected: never lost.
//  - maybe_nonempty() compares the packed tail and head words without
//    touching a segment: idle workers spin on it.
//
// Memory order: push() publishes a slot with a sequentially consistent
// store, and an idle worker checks a slot with a sequentially consistent
// load after announcing itself (see WorkerPool's idle protocol): one of the
// two always sees the other, so a task is never left with every worker
// asleep.
//
// Capacity bounds (for rejection policies) fit on top: pushed() - popped()
// is the depth; a producer can refuse before push(), and discard-oldest is
// a pop() by the producer.
//
// Example:
//   betapool::internal::TaskQueue q;
//   betapool::PoolTask t = [](betapool::TaskOutcome&) {};
//   q.push(t);
//   betapool::PoolTask out;
//   uint64_t position;
//   if (q.pop(&out, &position) == TaskQueue::Pop::kTask) out(outcome);
//
// Thread safety: every method is safe from any thread.
#ifndef BETAPOOL_CORE_TASK_QUEUE_H_
#define BETAPOOL_CORE_TASK_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "core/pool_task.h"
#include "core/queue_lock.h"

namespace betapool::internal {

// A slot's PoolTask storage (32 bytes: two per cache line). Its publication
// word lives in a separate array of the segment (eight per cache line).
struct TaskQueueSlot {
  alignas(PoolTask) unsigned char storage[sizeof(PoolTask)];

  PoolTask* task() noexcept {
    return std::launder(reinterpret_cast<PoolTask*>(storage));
  }
};

class TaskQueue {
 public:
  static constexpr uint32_t kSegmentSlots = 256;

  enum class Pop {
    kTask,    // *out holds the oldest task
    kEmpty,   // nothing published at the head right now
    kClosed,  // closed and every accepted task was taken (or discard began)
  };

  TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;
  // Destroys tasks still queued (a submitted task's future then completes
  // with CancelledError). No thread may use the queue any more.
  ~TaskQueue();

  // Appends `task` (moved from) and returns true; after close() returns
  // false and leaves `task` as it was.
  bool push(PoolTask& task) { return emplace(std::move(task)); }

  // Builds the task from `fn` directly in its slot (no intermediate
  // PoolTask). Returns false after close() without touching `fn`. If
  // building it throws (an allocation for a large callable), a no-op task
  // takes the slot — a claimed slot must always be published — and the
  // exception propagates.
  template <class F>
  bool emplace(F&& fn) {
    Segment* segment;
    uint32_t index;
    if (!claim(&segment, &index)) return false;
    TaskQueueSlot* slot = &segment->slots[index];
    try {
      ::new (static_cast<void*>(slot->storage)) PoolTask(std::forward<F>(fn));
    } catch (...) {
      ::new (static_cast<void*>(slot->storage)) PoolTask([](TaskOutcome&) {});
      publish(segment, index);
      throw;
    }
    publish(segment, index);
    return true;
  }

  // Takes the oldest task into *out and its position into *position.
  Pop pop(PoolTask* out, uint64_t* position);

  // Lock-free hint: true if some task was accepted but not yet taken (or a
  // producer is between claiming and publishing a slot, or after close()).
  // Never dereferences a segment. A false answer can be stale at once.
  bool maybe_nonempty() const noexcept;

  // Stops intake. Idempotent.
  void close();
  bool closed() const noexcept;

  // After close(): takes every task not yet taken (waiting for producers
  // that were accepted before the close to finish publishing) and makes
  // every later pop() return kClosed. Returns them oldest first.
  std::vector<PoolTask> discard_all();

  // Tasks accepted since construction (excluding rejected ones).
  uint64_t pushed() const;
  // Tasks taken by pop() or discard_all().
  uint64_t popped() const noexcept;

  // Frees half of the drained segments kept for reuse, beyond a few. The
  // pool calls it at every controller tick, so a burst's memory is reused
  // by the next burst and given back within seconds once the load is gone.
  void trim_spares();
  std::size_t spare_segments() const;

  struct Segment {
    uint64_t base = 0;  // position of slots[0]
    std::atomic<Segment*> next{nullptr};
    // Position + 1 once slot i's task is published; else not (yet).
    alignas(64) std::atomic<uint64_t> sequence[kSegmentSlots] = {};
    alignas(64) TaskQueueSlot slots[kSegmentSlots];
  };

 private:
  // Packed tail/head words: segment address (bits 0-47), index in that
  // segment (bits 48-62), closed flag (bit 63, tail only).
  static constexpr uint64_t kAddressMask = (uint64_t{1} << 48) - 1;
  static constexpr int kIndexShift = 48;
  static constexpr uint64_t kIndexOne = uint64_t{1} << kIndexShift;
  static constexpr uint64_t kIndexMask = (uint64_t{1} << 15) - 1;
  static constexpr uint64_t kClosedBit = uint64_t{1} << 63;

  static uint32_t index_of(uint64_t word) noexcept {
    return static_cast<uint32_t>((word >> kIndexShift) & kIndexMask);
  }
  static Segment* segment_of(uint64_t word) noexcept {
    return reinterpret_cast<Segment*>(
        static_cast<uintptr_t>(word & kAddressMask));
  }
  static uint64_t pack(Segment* segment, uint32_t index) noexcept {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(segment)) |
           (static_cast<uint64_t>(index) << kIndexShift);
  }
  // The word with the index capped at the segment end, so that "past the
  // end, next segment not linked yet" equals "at the end".
  static uint64_t normalized(uint64_t word) noexcept {
    const uint64_t index =
        index_of(word) < kSegmentSlots ? index_of(word) : kSegmentSlots;
    return (word & kAddressMask) | (index << kIndexShift);
  }

  // Claims the next slot: one fetch_add, no lock (grow() once a segment is
  // full). Returns false if the queue is closed.
  bool claim(Segment** out_segment, uint32_t* out_index) {
    if (tail_.load(std::memory_order_relaxed) & kClosedBit) return false;
    while (true) {
      const uint64_t word =
          tail_.fetch_add(kIndexOne, std::memory_order_seq_cst);
      if (word & kClosedBit) return false;
      const uint32_t index = index_of(word);
      if (index < kSegmentSlots) [[likely]] {
        *out_segment = segment_of(word);
        *out_index = index;
        return true;
      }
      if (!grow()) return false;
    }
  }
  static void publish(Segment* segment, uint32_t index) noexcept {
    // seq_cst: pairs with the idle worker's check (see the file comment).
    segment->sequence[index].store(segment->base + index + 1,
                                   std::memory_order_seq_cst);
  }

  // The producer that claimed an index past the end links a new segment.
  // Returns false if the queue was closed meanwhile.
  bool grow();
  Pop pop_locked(PoolTask* out, uint64_t* position)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(head_lock_);
  void recycle(Segment* drained);
  Segment* new_segment();

  // Producer side: the packed tail word.
  alignas(64) std::atomic<uint64_t> tail_;
  // Segment linking, close() and pushed(): a futex lock, not an absl::Mutex,
  // so that it may be taken under any caller's lock without Abseil's
  // deadlock detector (uninstrumented, it trips ThreadSanitizer).
  mutable QueueLock grow_mu_;

  // Consumer side.
  alignas(64) QueueLock head_lock_;
  Segment* head_segment_ ABSL_GUARDED_BY(head_lock_);
  uint32_t head_index_ ABSL_GUARDED_BY(head_lock_) = 0;
  bool discarding_ ABSL_GUARDED_BY(head_lock_) = false;
  // Mirror of the head position, packed like tail_, for maybe_nonempty().
  std::atomic<uint64_t> head_word_;
  std::atomic<uint64_t> popped_{0};

  // Rarely written.
  alignas(64) std::atomic<uint64_t> close_position_;  // UINT64_MAX: open
  // Drained segments kept for reuse (taken once per kSegmentSlots tasks).
  mutable QueueLock spare_lock_;
  std::vector<Segment*> spares_ ABSL_GUARDED_BY(spare_lock_);
};

}  // namespace betapool::internal

#endif  // BETAPOOL_CORE_TASK_QUEUE_H_

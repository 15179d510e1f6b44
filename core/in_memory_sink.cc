#include "core/in_memory_sink.h"

#include <algorithm>

namespace betapool {

InMemorySink::InMemorySink(std::size_t experiment_log_limit,
                           std::size_t decision_history_limit)
    : log_limit_(std::max<std::size_t>(experiment_log_limit, 1)),
      decision_limit_(std::max<std::size_t>(decision_history_limit, 1)) {}

void InMemorySink::on_tick(const ExperimentLogEntry& entry) noexcept {
  MutexLock lock(&mu_);
  if (log_.size() >= log_limit_) {
    log_.pop_front();
    ++dropped_;
  }
  log_.push_back(entry);
}

void InMemorySink::on_decision(const DecisionRecord& record) noexcept {
  MutexLock lock(&mu_);
  if (decisions_.size() >= decision_limit_) {
    decisions_.pop_front();
    ++dropped_;
  }
  decisions_.push_back(record);
}

std::vector<ExperimentLogEntry> InMemorySink::experiment_log() const {
  MutexLock lock(&mu_);
  return {log_.begin(), log_.end()};
}

std::vector<DecisionRecord> InMemorySink::decisions() const {
  MutexLock lock(&mu_);
  return {decisions_.begin(), decisions_.end()};
}

std::size_t InMemorySink::dropped() const {
  MutexLock lock(&mu_);
  return dropped_;
}

}  // namespace betapool

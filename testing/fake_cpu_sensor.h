// File: testing/fake_cpu_sensor.h
//
// FakeCpuSensor: a CpuSensor that returns whatever reading a test sets.
// Shares its state through a handle so a test can change the reading after
// the sensor was moved into an executor.
//
// Example:
//   auto sensor = std::make_unique<betapool::FakeCpuSensor>();
//   auto reading = sensor->handle();
//   reading->set_system_percent(95);
//   builder.sensor(std::move(sensor));
//
// Thread safety: set/read are safe from any thread.
#ifndef BETAPOOL_TESTING_FAKE_CPU_SENSOR_H_
#define BETAPOOL_TESTING_FAKE_CPU_SENSOR_H_

#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "core/cpu_sensor.h"
#include "core/sync.h"

namespace betapool {

class FakeCpuSensor : public CpuSensor {
 public:
  class Handle {
   public:
    void set(CpuReading r) {
      MutexLock lock(&mu_);
      reading_ = std::move(r);
    }
    void set_system_percent(std::optional<double> p) {
      MutexLock lock(&mu_);
      reading_.system_percent = p;
      reading_.process_percent = p;
    }
    CpuReading get() const {
      MutexLock lock(&mu_);
      return reading_;
    }
    int reads() const {
      MutexLock lock(&mu_);
      return reads_;
    }

   private:
    friend class FakeCpuSensor;
    mutable Mutex mu_;
    CpuReading reading_ ABSL_GUARDED_BY(mu_);
    int reads_ ABSL_GUARDED_BY(mu_) = 0;
  };

  explicit FakeCpuSensor(std::optional<double> system_percent = 10.0)
      : handle_(std::make_shared<Handle>()) {
    handle_->set_system_percent(system_percent);
  }

  std::shared_ptr<Handle> handle() const { return handle_; }

  CpuReading read() override {
    MutexLock lock(&handle_->mu_);
    ++handle_->reads_;
    return handle_->reading_;
  }
  std::string_view name() const noexcept override { return "fake"; }

 private:
  std::shared_ptr<Handle> handle_;
};

}  // namespace betapool

#endif  // BETAPOOL_TESTING_FAKE_CPU_SENSOR_H_

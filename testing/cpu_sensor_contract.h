// File: testing/cpu_sensor_contract.h
//
// The CpuSensor contract (core/cpu_sensor.h) as a typed GoogleTest suite
// that every sensor — betapool's and yours — can run. A sensor must:
//   - never throw from read(), on any source;
//   - fill a field only with a number in range (the percentages finite in
//     [0, 100], effective_cpus finite and > 0), never a made-up one;
//   - say why in `status` whenever it has nothing to report (a reading with
//     every field empty and no status is a silent failure);
//   - keep that over many reads in a row;
//   - on a healthy source that moves on between reads, report numbers with
//     an empty status on every read after the first;
//   - on an unreadable source, report "unavailable" with a status on every
//     read;
//   - have a non-empty name().
//
// Example (your test .cc; link betapool::testing and GTest::gtest_main):
//   #include "testing/cpu_sensor_contract.h"
//   struct MakeMine {
//     std::unique_ptr<betapool::CpuSensor> make() {
//       return std::make_unique<MySensor>(fixture_.path());
//     }
//     // Optional: move the source on (write the next counters); with it the
//     // suite also checks that readings carry numbers.
//     void advance() { fixture_.bump(); }
//     // Optional: a sensor on a source it cannot read (a missing file).
//     std::unique_ptr<betapool::CpuSensor> make_unreadable() {
//       return std::make_unique<MySensor>("/does/not/exist");
//     }
//     MyFixture fixture_;
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Mine, CpuSensorContract,
//                                  ::testing::Types<MakeMine>);
//
// A maker is default-constructible; the suite makes one per test. Tests that
// need an optional member the maker lacks are skipped, saying which.
#ifndef BETAPOOL_TESTING_CPU_SENSOR_CONTRACT_H_
#define BETAPOOL_TESTING_CPU_SENSOR_CONTRACT_H_

#include <concepts>
#include <memory>

#include "core/cpu_sensor.h"
#include "gtest/gtest.h"

namespace betapool::testing {

// Reads once; fails (instead of propagating) if read() throws.
::testing::AssertionResult read_without_throwing(CpuSensor& sensor,
                                                 CpuReading* reading);

// Filled fields in range; a reading with nothing in it carries a status.
::testing::AssertionResult check_reading(const CpuReading& reading);

// True if any field of the reading is filled.
bool has_any_number(const CpuReading& reading);

// Reads that each test takes in a row.
inline constexpr int kSensorReads = 50;

}  // namespace betapool::testing

template <class Maker>
class CpuSensorContract : public ::testing::Test {
 protected:
  static constexpr bool kCanAdvance = requires(Maker& m) { m.advance(); };
  static constexpr bool kHasUnreadableSource = requires(Maker& m) {
    { m.make_unreadable() } -> std::convertible_to<std::unique_ptr<betapool::CpuSensor>>;
  };

  Maker maker_;
};

TYPED_TEST_SUITE_P(CpuSensorContract);

TYPED_TEST_P(CpuSensorContract, NameIsNonEmpty) {
  std::unique_ptr<betapool::CpuSensor> sensor = this->maker_.make();
  ASSERT_NE(sensor, nullptr);
  EXPECT_FALSE(sensor->name().empty());
}

TYPED_TEST_P(CpuSensorContract, RepeatedReadsAreInRangeOrUnavailableWithAStatus) {
  std::unique_ptr<betapool::CpuSensor> sensor = this->maker_.make();
  ASSERT_NE(sensor, nullptr);
  for (int i = 0; i < betapool::testing::kSensorReads; ++i) {
    if constexpr (TestFixture::kCanAdvance) {
      if (i % 2 == 1) this->maker_.advance();  // also reads a still source
    }
    betapool::CpuReading r;
    ASSERT_TRUE(betapool::testing::read_without_throwing(*sensor, &r)) << "read " << i;
    ASSERT_TRUE(betapool::testing::check_reading(r)) << "read " << i;
  }
}

TYPED_TEST_P(CpuSensorContract, AnAdvancingSourceGivesNumbersAfterTheFirstRead) {
  if constexpr (!TestFixture::kCanAdvance) {
    GTEST_SKIP() << "the maker has no advance(): the source cannot be moved on";
  } else {
    std::unique_ptr<betapool::CpuSensor> sensor = this->maker_.make();
    ASSERT_NE(sensor, nullptr);
    betapool::CpuReading r;
    ASSERT_TRUE(betapool::testing::read_without_throwing(*sensor, &r));
    for (int i = 1; i < betapool::testing::kSensorReads; ++i) {
      this->maker_.advance();
      ASSERT_TRUE(betapool::testing::read_without_throwing(*sensor, &r)) << "read " << i;
      ASSERT_TRUE(betapool::testing::check_reading(r)) << "read " << i;
      EXPECT_TRUE(betapool::testing::has_any_number(r)) << "read " << i;
      EXPECT_EQ(r.status, "") << "read " << i << " of a healthy source";
    }
  }
}

TYPED_TEST_P(CpuSensorContract, AnUnreadableSourceIsUnavailableWithAStatus) {
  if constexpr (!TestFixture::kHasUnreadableSource) {
    GTEST_SKIP() << "the maker has no make_unreadable()";
  } else {
    std::unique_ptr<betapool::CpuSensor> sensor = this->maker_.make_unreadable();
    ASSERT_NE(sensor, nullptr);
    for (int i = 0; i < 5; ++i) {
      betapool::CpuReading r;
      ASSERT_TRUE(betapool::testing::read_without_throwing(*sensor, &r)) << "read " << i;
      ASSERT_TRUE(betapool::testing::check_reading(r)) << "read " << i;
      EXPECT_NE(r.status, "") << "read " << i << " of an unreadable source";
    }
  }
}

REGISTER_TYPED_TEST_SUITE_P(CpuSensorContract, NameIsNonEmpty,
                            RepeatedReadsAreInRangeOrUnavailableWithAStatus,
                            AnAdvancingSourceGivesNumbersAfterTheFirstRead,
                            AnUnreadableSourceIsUnavailableWithAStatus);

#endif  // BETAPOOL_TESTING_CPU_SENSOR_CONTRACT_H_

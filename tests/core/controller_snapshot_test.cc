// ControllerSnapshot::bounded: the bounds rule policies share with the
// controller.
#include "core/controller_snapshot.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(ControllerSnapshotTest, BoundedClampsIntoTheWorkerBounds) {
  ControllerSnapshot s;
  s.min_workers = 2;
  s.max_workers = 16;
  EXPECT_EQ(s.bounded(8), 8);
  EXPECT_EQ(s.bounded(1), 2);
  EXPECT_EQ(s.bounded(17), 16);
  EXPECT_EQ(s.bounded(-5), 2);
  // current + step computed in 64 bits: no overflow, no wrap to negative.
  EXPECT_EQ(s.bounded(int64_t{std::numeric_limits<int>::max()} + 8), 16);
  EXPECT_EQ(s.bounded(int64_t{std::numeric_limits<int>::min()} - 8), 2);
}

TEST(ControllerSnapshotTest, AMaxBelowTheMinCountsAsTheMin) {
  ControllerSnapshot s;
  s.min_workers = 4;
  s.max_workers = 1;
  EXPECT_EQ(s.bounded(10), 4);
  EXPECT_EQ(s.bounded(0), 4);
}

}  // namespace
}  // namespace betapool

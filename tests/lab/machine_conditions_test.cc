// MachineConditions from /proc/stat text and made-up samples.
#include "lab/machine_conditions.h"

#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(MachineConditionsTest, ParsesTheAggregateCpuLine) {
  // user nice system idle iowait irq softirq steal guest guest_nice
  const std::string stat =
      "cpu  100 20 30 400 50 5 5 40 0 0\n"
      "cpu0 50 10 15 200 25 2 3 20 0 0\n"
      "intr 12345\n";
  absl::StatusOr<MachineSample> s = parse_machine_times(stat, 100.0);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->busy_s, 2.0);   // 100+20+30+5+5+40 ticks
  EXPECT_DOUBLE_EQ(s->steal_s, 0.4);
  EXPECT_DOUBLE_EQ(s->total_s, 6.5);  // busy + idle 400 + iowait 50
}

TEST(MachineConditionsTest, OldKernelsWithoutStealReadZero) {
  absl::StatusOr<MachineSample> s = parse_machine_times("cpu 1 2 3 4\n", 1.0);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_DOUBLE_EQ(s->steal_s, 0.0);
  EXPECT_DOUBLE_EQ(s->total_s, 10.0);
}

TEST(MachineConditionsTest, MalformedTextIsAnError) {
  EXPECT_THAT(std::string(parse_machine_times("cpu0 1 2 3 4\n", 100).status().message()),
              ::testing::HasSubstr("no aggregate 'cpu' line"));
  EXPECT_THAT(std::string(parse_machine_times("cpu 1 x 3 4\n", 100).status().message()),
              ::testing::HasSubstr("field 2 is not a number"));
}

TEST(MachineConditionsTest, SharesOverASpan) {
  MachineSample from{10.0, 1.0, 20.0, 3.0, 1.5};
  MachineSample to{16.0, 2.0, 30.0, 5.0, 2.5};
  const MachineConditions m = machine_conditions(from, to);
  EXPECT_DOUBLE_EQ(m.steal_percent, 10.0);      // 1 of 10 s
  EXPECT_DOUBLE_EQ(m.other_cpu_percent, 30.0);  // 6 busy - 1 steal - 2 this process
  EXPECT_DOUBLE_EQ(m.load_average, 2.5);        // at the end
}

TEST(MachineConditionsTest, OtherCpuIsClampedAndAnEmptySpanIsNaN) {
  // This process's clock read a little later than /proc/stat's.
  const MachineConditions m =
      machine_conditions({0, 0, 0, 0, 1}, {1.0, 0.0, 2.0, 1.2, 1});
  EXPECT_DOUBLE_EQ(m.other_cpu_percent, 0.0);
  const MachineConditions none = machine_conditions({1, 0, 5, 0, 1}, {1, 0, 5, 0, 1});
  EXPECT_TRUE(std::isnan(none.steal_percent));
  EXPECT_TRUE(std::isnan(none.other_cpu_percent));
}

}  // namespace
}  // namespace betapool

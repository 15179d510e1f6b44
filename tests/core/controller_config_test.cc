// Tests of ControllerConfig / MetricsOptions: their field tables match the
// structs, the defaults are the seed's, and validation names field and value.
#include "core/controller_config.h"

#include <boost/pfr.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <variant>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

// Row i of the table is the struct's i-th field (PFR's order): a table that
// swaps two rows of the same type would otherwise go unnoticed.
template <class C>
void expect_rows_in_declaration_order() {
  C c{};
  const auto& fields = config_fields<C>();
  boost::pfr::for_each_field(c, [&](auto& value, std::size_t i) {
    const void* row = std::visit(
        [&](auto member) -> const void* { return &(c.*member); },
        fields[i].member);
    EXPECT_EQ(row, static_cast<const void*>(&value))
        << ConfigFields<C>::kName << " row " << i << " (" << fields[i].name
        << ")";
  });
}

TEST(ControllerConfigTest, TablesListEveryFieldInOrder) {
  expect_rows_in_declaration_order<ControllerConfig>();
  expect_rows_in_declaration_order<MetricsOptions>();
}

TEST(ControllerConfigTest, DefaultsAreTheSeedsAndValid) {
  const ControllerConfig c;
  EXPECT_EQ(c.monitor_interval, absl::Milliseconds(500));
  EXPECT_EQ(c.beta_high_threshold, 0.7);
  EXPECT_EQ(c.beta_low_threshold, 0.3);
  EXPECT_EQ(c.scale_up_step, 2);
  EXPECT_EQ(c.scale_down_step, 1);
  EXPECT_EQ(c.cpu_upper_threshold, 85.0);
  EXPECT_EQ(c.cpu_lower_threshold, 50.0);
  EXPECT_EQ(c.stabilization_window, absl::Seconds(2));
  EXPECT_EQ(c.warmup_task_count, 10);
  EXPECT_TRUE(validate(c).ok());
  EXPECT_TRUE(validate(MetricsOptions{}).ok());
  EXPECT_EQ(field_default(*find_config_field<ControllerConfig>("monitor_interval")),
            0.5);
}

std::string error_of(const ControllerConfig& c) {
  const absl::Status s = validate(c);
  EXPECT_FALSE(s.ok());
  return std::string(s.message());
}

TEST(ControllerConfigTest, StepsAreBoundedSoPoolArithmeticCannotOverflow) {
  ControllerConfig c;
  c.scale_up_step = std::numeric_limits<int>::max();
  EXPECT_THAT(error_of(c),
              HasSubstr("ControllerConfig.scale_up_step = 2147483647: must be "
                        "within [1, 65536]"));
  c = ControllerConfig{};
  c.scale_down_step = kMaxWorkerCount + 1;
  EXPECT_THAT(error_of(c), HasSubstr("scale_down_step = 65537"));
  c.scale_down_step = kMaxWorkerCount;
  EXPECT_TRUE(validate(c).ok());
}

TEST(ControllerConfigTest, MonitorIntervalIsAtLeastOneMillisecond) {
  ControllerConfig c;
  c.monitor_interval = absl::Nanoseconds(1);
  EXPECT_THAT(error_of(c), HasSubstr("monitor_interval = 1ns: must be within "
                                     "[0.001, 3600] seconds"));
  c.monitor_interval = absl::Milliseconds(1);
  EXPECT_TRUE(validate(c).ok());
  c.monitor_interval = absl::InfiniteDuration();
  EXPECT_THAT(error_of(c), HasSubstr("monitor_interval = inf"));
}

TEST(ControllerConfigTest, NanIsReportedAsNan) {
  ControllerConfig c;
  c.beta_high_threshold = std::nan("");
  EXPECT_THAT(error_of(c), HasSubstr("beta_high_threshold = nan"));
  c = ControllerConfig{};
  const auto* interval = find_config_field<ControllerConfig>("monitor_interval");
  const absl::Status s = set_field(c, *interval, std::nan(""));
  EXPECT_THAT(std::string(s.message()), HasSubstr("monitor_interval = nan"));
  EXPECT_EQ(c.monitor_interval, absl::Milliseconds(500));  // unchanged
}

TEST(ControllerConfigTest, CrossFieldRulesNameBothFields) {
  ControllerConfig c;
  c.cpu_lower_threshold = 90;
  EXPECT_THAT(error_of(c), HasSubstr("cpu_lower_threshold = 90: must be at "
                                     "most cpu_upper_threshold (85)"));
}

TEST(ControllerConfigTest, SetFieldChecksRangeAndIntegrality) {
  ControllerConfig c;
  const auto* step = find_config_field<ControllerConfig>("scale_up_step");
  ASSERT_NE(step, nullptr);
  EXPECT_THAT(std::string(set_field(c, *step, 2.5).message()),
              HasSubstr("scale_up_step = 2.5: must be an integer"));
  EXPECT_THAT(std::string(set_field(c, *step, 1e300).message()),
              HasSubstr("must be within [1, 65536]"));
  ASSERT_TRUE(set_field(c, *step, 7).ok());
  EXPECT_EQ(c.scale_up_step, 7);
  EXPECT_EQ(find_config_field<ControllerConfig>("scale_up_stpe"), nullptr);
}

TEST(ControllerConfigTest, MetricsOptionsUseTheirTable) {
  MetricsOptions o;
  o.window_size = 0;
  EXPECT_THAT(std::string(validate(o).message()),
              HasSubstr("MetricsOptions.window_size = 0"));
  o = MetricsOptions{};
  o.max_history = 50;
  EXPECT_THAT(std::string(validate(o).message()),
              HasSubstr("max_history = 50: must be at least window_size (100)"));
  o = MetricsOptions{};
  o.record_spacing = absl::Seconds(-1);
  EXPECT_THAT(std::string(validate(o).message()),
              HasSubstr("record_spacing = -1s"));
}

}  // namespace
}  // namespace betapool

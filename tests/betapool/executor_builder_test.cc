#include "betapool/executor_builder.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/beta_veto_policy.h"
#include "policies/static_policy.h"
#include "sensors/effective_cpus.h"
#include "sensors/proc_stat_sensor.h"
#include "testing/fake_cpu_sensor.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

std::string error_of(ExecutorBuilder& b) {
  auto built = b.build();
  EXPECT_FALSE(built.ok());
  return std::string(built.status().message());
}

TEST(ExecutorBuilderTest, TheCardsLineCompilesAndBuilds) {
  auto executor =
      ExecutorBuilder().policy<BetaVetoPolicy>().sensor<ProcStatSensor>().build();
  ASSERT_TRUE(executor.ok()) << executor.status();
  EXPECT_EQ((*executor)->metrics().policy, "beta_veto");
  EXPECT_EQ((*executor)->thread_count(), default_min_workers());
}

TEST(ExecutorBuilderTest, TypedComponentsGetArgumentsAndTheConfig) {
  auto fixed = ExecutorBuilder()
                   .policy<StaticPolicy>(3)
                   .sensor<FakeCpuSensor>(50.0)
                   .min_workers(1)
                   .max_workers(8)
                   .initial_workers(3)
                   .manual_control()
                   .build();
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ((*fixed)->metrics().policy, "static");
  EXPECT_EQ((*fixed)->controller().tick().threads_after, 3);
}

TEST(ExecutorBuilderTest, ByRegisteredName) {
  ExecutorBuilder b;
  b.policy("static").sensor("proc_stat").clock("thread_cpu").min_workers(2).max_workers(2);
  auto ex = b.build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ((*ex)->metrics().policy, "static");
}

TEST(ExecutorBuilderTest, UnknownNamesListTheKnownOnes) {
  ExecutorBuilder b;
  b.policy("beta_vet0");
  const std::string e = error_of(b);
  EXPECT_THAT(e, HasSubstr("unknown policy 'beta_vet0'"));
  EXPECT_THAT(e, HasSubstr("beta_veto"));
  EXPECT_THAT(e, HasSubstr("static"));
  ExecutorBuilder s;
  s.sensor("nope");
  EXPECT_THAT(error_of(s), HasSubstr("known sensors: "));
}

TEST(ExecutorBuilderTest, InvalidConfigurationNamesTheFieldAndValue) {
  {
    ExecutorBuilder b;
    b.min_workers(0);
    EXPECT_THAT(error_of(b), HasSubstr("min_workers = 0"));
  }
  {
    ExecutorBuilder b;
    b.min_workers(8).max_workers(4);
    EXPECT_THAT(error_of(b), HasSubstr("max_workers = 4"));
  }
  {
    ExecutorBuilder b;
    b.min_workers(2).max_workers(4).initial_workers(9);
    EXPECT_THAT(error_of(b), HasSubstr("initial_workers = 9"));
  }
  struct Case {
    void (*mutate)(ControllerConfig&);
    const char* expected;
  };
  const Case cases[] = {
      {[](ControllerConfig& c) { c.beta_high_threshold = 1.5; },
       "beta_high_threshold = 1.5"},
      {[](ControllerConfig& c) { c.beta_low_threshold = -0.1; },
       "beta_low_threshold = -0.1"},
      {[](ControllerConfig& c) { c.beta_low_threshold = 0.8; },
       "beta_low_threshold = 0.8: must be below beta_high_threshold (0.7)"},
      {[](ControllerConfig& c) { c.monitor_interval = absl::ZeroDuration(); },
       "monitor_interval = 0"},
      {[](ControllerConfig& c) { c.monitor_interval = absl::Seconds(-1); },
       "monitor_interval = -1s"},
      {[](ControllerConfig& c) { c.scale_up_step = 0; }, "scale_up_step = 0"},
      {[](ControllerConfig& c) { c.scale_down_step = -2; },
       "scale_down_step = -2"},
      {[](ControllerConfig& c) { c.cpu_upper_threshold = 120; },
       "cpu_upper_threshold = 120"},
      {[](ControllerConfig& c) { c.cpu_lower_threshold = 90; },
       "cpu_lower_threshold = 90"},
      {[](ControllerConfig& c) { c.warmup_task_count = -1; },
       "warmup_task_count = -1"},
      {[](ControllerConfig& c) { c.stabilization_window = absl::Seconds(-2); },
       "stabilization_window = -2s"},
  };
  for (const Case& c : cases) {
    ControllerConfig config;
    c.mutate(config);
    ExecutorBuilder b;
    b.config(config);
    EXPECT_THAT(error_of(b), HasSubstr(c.expected));
  }
  MetricsOptions bad;
  bad.window_size = 0;
  ExecutorBuilder b;
  b.metrics_options(bad);
  EXPECT_THAT(error_of(b), HasSubstr("window_size = 0"));
}

TEST(ExecutorBuilderTest, ApplySpecSetsFieldsAndRejectsBadOnesWhole) {
  ExecutorBuilder b;
  ASSERT_TRUE(b.apply_spec("policy=static, min_workers=2,max_workers=6,"
                           "initial_workers=3,monitor_interval=0.25,"
                           "beta_high_threshold=0.8,sensor=none")
                  .ok());
  auto ex = b.manual_control().build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ((*ex)->thread_count(), 3);
  EXPECT_EQ((*ex)->metrics().policy, "static");

  ExecutorBuilder c;
  absl::Status s = c.apply_spec("min_workers=2,max_workers=many");
  EXPECT_THAT(std::string(s.message()), HasSubstr("max_workers='many'"));
  s = c.apply_spec("colour=blue");
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown key 'colour'"));
  s = c.apply_spec("policy");
  EXPECT_THAT(std::string(s.message()), HasSubstr("not key=value"));
  // Nothing of the failed specs was applied: min_workers is the default.
  auto d = c.build();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->thread_count(), default_min_workers());
}

TEST(ExecutorBuilderTest, AnInstanceCanBeUsedOnce) {
  ExecutorBuilder b;
  b.policy(std::make_unique<StaticPolicy>(2)).min_workers(1).max_workers(4);
  ASSERT_TRUE(b.build().ok());
  EXPECT_THAT(error_of(b), HasSubstr("already used"));
}

TEST(ExecutorBuilderTest, ApplySpecRejectsARepeatedKeyNamingIt) {
  ExecutorBuilder b;
  const absl::Status s = b.apply_spec("min_workers=4,min_workers=5");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("'min_workers'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("more than once"));
  EXPECT_THAT(
      std::string(b.apply_spec("scale_up_step=3, scale_up_step=3").message()),
      HasSubstr("'scale_up_step'"));
  // Sinks accumulate, so "sink" may repeat.
  EXPECT_TRUE(b.apply_spec("sink=json_lines,sink=json_lines").ok())
      << b.apply_spec("sink=json_lines,sink=json_lines");
}

TEST(ExecutorBuilderTest, ApplySpecRejectsAnUnknownComponentAtOnce) {
  ExecutorBuilder b;
  const absl::Status s = b.apply_spec("policy=nope");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown policy 'nope'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("beta_veto"));
  EXPECT_THAT(std::string(b.apply_spec("sensor=nope").message()),
              HasSubstr("known sensors: "));
  EXPECT_THAT(std::string(b.apply_spec("clock=nope").message()),
              HasSubstr("known clocks: "));
  EXPECT_THAT(std::string(b.apply_spec("sink=nope").message()),
              HasSubstr("known sinks: "));
  EXPECT_TRUE(b.build().ok());  // nothing of the failed specs was applied
}

TEST(ExecutorBuilderTest, ApplySpecEchoesOnlyPartOfAHugeValue) {
  const std::string huge(1 << 20, '7');
  for (const std::string& spec :
       {"policy=" + huge, "min_workers=" + huge, "scale_up_step=" + huge,
        "beta_high_threshold=x" + huge, huge + "=1", huge}) {
    ExecutorBuilder b;
    const absl::Status s = b.apply_spec(spec);
    EXPECT_FALSE(s.ok());
    EXPECT_LT(s.message().size(), 1000u) << s.message().substr(0, 100);
  }
}

// True if `s` is well-formed UTF-8 (what Python needs to show a message).
bool is_utf8(absl::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80          ? 1
                          : (c >> 5) == 0x06 ? 2
                          : (c >> 4) == 0x0E ? 3
                          : (c >> 3) == 0x1E ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(ExecutorBuilderTest, AHugeComponentNameIsEchoedOnlyInPartAtBuild) {
  const std::string huge(1 << 20, 'p');
  ExecutorBuilder b;
  b.policy(huge);
  const std::string e = error_of(b);
  EXPECT_THAT(e, HasSubstr("unknown policy 'ppp"));
  EXPECT_THAT(e, HasSubstr("(1048576 bytes)"));
  EXPECT_LT(e.size(), 1000u);
  ExecutorBuilder s;
  s.sensor(huge);
  EXPECT_LT(error_of(s).size(), 1000u);
}

TEST(ExecutorBuilderTest, AnEchoedValueIsCutBetweenCharacters) {
  // "x" then two-byte characters: a cut after 64 bytes would split one.
  std::string wide = "x";
  for (int i = 0; i < 100; ++i) wide += "\xc3\xa9";
  ExecutorBuilder b;
  for (const std::string& spec : {"policy=" + wide, "min_workers=" + wide,
                                  "scale_up_step=" + wide, wide + "=1"}) {
    const absl::Status s = b.apply_spec(spec);
    EXPECT_FALSE(s.ok());
    EXPECT_THAT(std::string(s.message()), HasSubstr("bytes)"));
    EXPECT_TRUE(is_utf8(s.message())) << spec.substr(0, 20);
  }
}

TEST(ExecutorBuilderTest, ApplySpecNamesKnownPoliciesInPlural) {
  ExecutorBuilder b;
  EXPECT_THAT(std::string(b.apply_spec("policy=nope").message()),
              HasSubstr("known policies: "));
}

// An integer too large for an int is out of range, not "not an integer".
TEST(ExecutorBuilderTest, ApplySpecSaysAHugeWorkerCountIsOutOfRange) {
  ExecutorBuilder b;
  for (const char* spec : {"max_workers=4294967297", "min_workers=-4294967297",
                           "initial_workers=99999999999999999999"}) {
    const std::string e(b.apply_spec(spec).message());
    EXPECT_THAT(e, HasSubstr("must be within [1, 65536]")) << spec;
    EXPECT_THAT(e, ::testing::Not(HasSubstr("not an integer"))) << spec;
  }
  EXPECT_THAT(std::string(b.apply_spec("max_workers=4.5").message()),
              HasSubstr("max_workers='4.5' is not an integer"));
}

TEST(ExecutorBuilderTest, ApplySpecChecksConfigRangesAndNan) {
  ExecutorBuilder b;
  EXPECT_THAT(std::string(b.apply_spec("monitor_interval=nan").message()),
              HasSubstr("monitor_interval = nan"));
  EXPECT_THAT(std::string(b.apply_spec("monitor_interval=1e-9").message()),
              HasSubstr("must be within [0.001, 3600] seconds"));
  EXPECT_THAT(std::string(b.apply_spec("scale_up_step=2147483647").message()),
              HasSubstr("scale_up_step = 2147483647"));
  EXPECT_THAT(std::string(b.apply_spec("warmup_task_count=1.5").message()),
              HasSubstr("warmup_task_count='1.5' is not an integer"));
}

TEST(ExecutorBuilderTest, KnownKeysComeFromTheTables) {
  const std::vector<std::string> keys = ExecutorBuilder::spec_key_names();
  for (const auto& f : config_fields<ControllerConfig>()) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), std::string(f.name)),
              keys.end())
        << f.name;
  }
  ExecutorBuilder b;
  const std::string e(b.apply_spec("colour=blue").message());
  for (const std::string& k : keys) EXPECT_THAT(e, HasSubstr(k));
}

TEST(ExecutorBuilderTest, WorkerBoundsAndQueueCapacityHaveCeilings) {
  ExecutorBuilder b;
  b.min_workers(1).max_workers(kMaxWorkerCount + 1);
  EXPECT_THAT(error_of(b), HasSubstr("max_workers = 65537: must be at most"));
  ExecutorBuilder q;
  q.queue_capacity(kMaxQueueCapacity + 1);
  EXPECT_THAT(error_of(q), HasSubstr("queue_capacity = 1099511627777"));
}

}  // namespace
}  // namespace betapool

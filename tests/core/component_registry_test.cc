#include "core/component_registry.h"

#include <memory>
#include <string>

#include "betapool/builtins.h"
#include "betapool/executor_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policies/static_policy.h"

namespace betapool {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST(ComponentRegistryTest, BuiltinsAreRegisteredWithoutStaticInitialisers) {
  const ComponentRegistry& r = builtin_registry();
  EXPECT_THAT(r.policy_names(), Contains("beta_veto"));
  EXPECT_THAT(r.policy_names(), Contains("static"));
  EXPECT_THAT(r.sensor_names(), Contains("proc_stat"));
  EXPECT_THAT(r.clock_names(), Contains("thread_cpu"));
  const ComponentContext ctx;
  auto policy = r.create_policy("beta_veto", ctx);
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ((*policy)->name(), "beta_veto");
}

TEST(ComponentRegistryTest, DuplicateNamesAreRejected) {
  ComponentRegistryBuilder b;
  register_builtins(b);
  b.add_policy("static", [](const ComponentContext&) {
    return std::make_unique<StaticPolicy>(1);
  });
  auto r = std::move(b).build();
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("duplicate policy name 'static'"));
}

TEST(ComponentRegistryTest, EmptyNamesAndFactoriesAreRejected) {
  ComponentRegistryBuilder a;
  a.add_sensor("", [](const ComponentContext&) -> std::unique_ptr<CpuSensor> {
    return nullptr;
  });
  EXPECT_FALSE(std::move(a).build().ok());
  ComponentRegistryBuilder b;
  b.add_clock("x", nullptr);
  EXPECT_FALSE(std::move(b).build().ok());
}

TEST(ComponentRegistryTest, AUsersPolicyRegistersLikeOurs) {
  ComponentRegistryBuilder b;
  register_builtins(b);
  b.add_policy("always_three", [](const ComponentContext&) {
    return std::make_unique<StaticPolicy>(3);
  });
  auto registry = std::move(b).build();
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_THAT(registry->policy_names(), Contains("always_three"));
  ExecutorBuilder builder(*registry);
  builder.policy("always_three").min_workers(1).max_workers(8).manual_control();
  auto ex = builder.build();
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ((*ex)->controller().tick().threads_after, 3);
}

TEST(ComponentRegistryTest, AFactoryReturningNullIsAnError) {
  ComponentRegistryBuilder b;
  b.add_policy("null", [](const ComponentContext&) {
    return std::unique_ptr<ScalingPolicy>();
  });
  auto r = std::move(b).build();
  ASSERT_TRUE(r.ok());
  auto p = r->create_policy("null", ComponentContext{});
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("returned null"));
}

}  // namespace
}  // namespace betapool

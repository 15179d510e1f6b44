// Writing your own ScalingPolicy and registering it beside the built-ins, so
// it can be chosen by name (from a config string or flags) or by type.
#include <cstdio>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "betapool/betapool.h"
#include "queue_depth_policy.h"  // beside this file: examples also build alone

// The same shape as betapool's own register_xxx functions.
void register_queue_depth_policy(betapool::ComponentRegistryBuilder& b) {
  b.add_policy("queue_depth", [](const betapool::ComponentContext&) {
    return std::make_unique<QueueDepthPolicy>();
  });
}

int main() {
  betapool::ComponentRegistryBuilder registry_builder;
  betapool::register_builtins(registry_builder);
  register_queue_depth_policy(registry_builder);
  absl::StatusOr<betapool::ComponentRegistry> registry =
      std::move(registry_builder).build();
  if (!registry.ok()) {
    std::fprintf(stderr, "%s\n", std::string(registry.status().message()).c_str());
    return 1;
  }

  // By name, as a config file or a flag would say it.
  betapool::ExecutorBuilder by_name(*registry);
  if (absl::Status s = by_name.apply_spec("policy=queue_depth,min_workers=1,"
                                          "max_workers=8,monitor_interval=0.05");
      !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  auto executor = by_name.build();
  if (!executor.ok()) {
    std::fprintf(stderr, "%s\n", std::string(executor.status().message()).c_str());
    return 1;
  }
  std::vector<betapool::Future<void>> futures;
  for (int i = 0; i < 200; ++i) {
    futures.push_back((*executor)->submit(
        [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }));
  }
  for (auto& f : futures) f.get();
  std::printf("policy %s grew the pool to %d threads\n",
              (*executor)->metrics().policy.c_str(),
              (*executor)->target_thread_count());

  // By type, with a constructor argument.
  auto typed = betapool::ExecutorBuilder()
                   .policy<QueueDepthPolicy>(2)
                   .min_workers(1)
                   .max_workers(8)
                   .build();
  if (!typed.ok()) return 1;
  std::printf("typed: %s\n", (*typed)->metrics().policy.c_str());

  // An unknown name fails with the list of known ones.
  betapool::ExecutorBuilder wrong(*registry);
  wrong.policy("queue_dept");
  std::printf("typo: %s\n", std::string(wrong.build().status().message()).c_str());
  return 0;
}

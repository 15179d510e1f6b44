#include "policies/static_policy.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "core/component_registry.h"

namespace betapool {

ScalingDecision StaticPolicy::decide(const ControllerSnapshot& s) {
  ScalingDecision d{size_, DecisionKind::kHold,
                    absl::StrCat("static size ", size_)};
  if (size_ > s.current_workers) d.kind = DecisionKind::kScaleUp;
  if (size_ < s.current_workers) d.kind = DecisionKind::kScaleDown;
  return d;
}

void register_static_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy("static", [](const ComponentContext& ctx) {
    return std::make_unique<StaticPolicy>(ctx.initial_workers);
  });
}

}  // namespace betapool

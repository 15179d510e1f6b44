#include "policies/static_policy.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "core/component_registry.h"

namespace betapool {

ScalingDecision StaticPolicy::decide(const ControllerSnapshot& s) {
  // Within the bounds, so the kind and reason say what will happen (see
  // core/scaling_policy.h).
  const int target = s.bounded(size_);
  ScalingDecision d{target, DecisionKind::kHold,
                    target == size_ ? absl::StrCat("static size ", size_)
                                    : absl::StrCat("static size ", size_,
                                                   " clamped to ", target)};
  if (target > s.current_workers) d.kind = DecisionKind::kScaleUp;
  if (target < s.current_workers) d.kind = DecisionKind::kScaleDown;
  return d;
}

void register_static_policy(ComponentRegistryBuilder& builder) {
  builder.add_policy("static", [](const ComponentContext& ctx) {
    return std::make_unique<StaticPolicy>(ctx.initial_workers);
  });
}

}  // namespace betapool

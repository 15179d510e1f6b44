#include "policies/static_policy.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/component_registry.h"

namespace betapool {

ScalingDecision StaticPolicy::decide(const ControllerSnapshot& s) {
  // Answer within the bounds, as every policy must (the contract suite).
  const int target =
      std::clamp(size_, s.min_workers, std::max(s.min_workers, s.max_workers));
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

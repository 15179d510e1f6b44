// Validation of ControllerConfig and MetricsOptions: the per-field ranges
// come from their field tables (core/controller_config.h); only the rules
// that relate two fields are written here.
#include "core/controller_config.h"

#include "absl/strings/str_cat.h"

namespace betapool {
namespace {

template <class C>
absl::Status must_be(const C& c, absl::string_view field, absl::string_view rule,
                     absl::string_view other) {
  const ConfigField<C>* f = find_config_field<C>(field);
  const ConfigField<C>* o = find_config_field<C>(other);
  return absl::InvalidArgumentError(absl::StrCat(
      ConfigFields<C>::kName, ".", field, " = ", field_text(c, *f), ": must be ",
      rule, " ", other, " (", field_text(c, *o), ")"));
}

}  // namespace

absl::Status validate(const ControllerConfig& c) {
  if (absl::Status s = check_field_ranges(c); !s.ok()) return s;
  if (c.beta_low_threshold >= c.beta_high_threshold) {
    return must_be(c, "beta_low_threshold", "below", "beta_high_threshold");
  }
  if (c.cpu_lower_threshold > c.cpu_upper_threshold) {
    return must_be(c, "cpu_lower_threshold", "at most", "cpu_upper_threshold");
  }
  return absl::OkStatus();
}

absl::Status validate(const MetricsOptions& o) {
  if (absl::Status s = check_field_ranges(o); !s.ok()) return s;
  if (o.max_history < o.window_size) {
    return must_be(o, "max_history", "at least", "window_size");
  }
  return absl::OkStatus();
}

}  // namespace betapool

// libFuzzer target: ExecutorBuilder::apply_spec, the parser behind
// configuration strings and flags. Any input must yield OK or a clear
// InvalidArgument (NotFound for an unknown component name) — never a
// crash, a hang or undefined behaviour — and a
// spec that applies must still fail or succeed cleanly at build_parts().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "betapool/executor_builder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  betapool::ExecutorBuilder builder;
  builder.manual_control().no_sensor();
  if (builder.apply_spec(spec).ok()) {
    // Validation must catch whatever the spec set; building parts creates
    // components but starts no thread.
    (void)builder.build_parts();
  }
  return 0;
}

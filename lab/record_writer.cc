#include "lab/record_writer.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace betapool {

const char* file_extension(RecordFormat format) {
  return format == RecordFormat::kCsv ? "csv" : "jsonl";
}

namespace internal {

absl::Status write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    return absl::UnavailableError(
        absl::StrCat("cannot open '", path, "' for writing: ", std::strerror(errno)));
  }
  f << text;
  f.close();
  if (!f) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace betapool

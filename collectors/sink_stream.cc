#include "collectors/sink_stream.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace betapool::internal {

void report_sink_error_to_stderr(const absl::Status& status) {
  const std::string line =
      absl::StrCat("betapool: ", std::string(status.message()), "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

SinkStream SinkStream::open_file(const std::string& path, std::string label) {
  SinkStream s;
  s.label_ = std::move(label);
  errno = 0;
  auto file = std::make_unique<std::ofstream>(
      path, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!file->is_open()) {
    const int err = errno;
    s.status_ = absl::UnavailableError(absl::StrCat(
        s.label_, ": cannot open ", path, err != 0 ? ": " : "",
        err != 0 ? std::strerror(err) : ""));
    return s;
  }
  s.stream_ = file.get();
  s.owned_ = std::move(file);
  return s;
}

SinkStream SinkStream::borrow(std::ostream& stream, std::string label) {
  SinkStream s;
  s.stream_ = &stream;
  s.label_ = std::move(label);
  return s;
}

void SinkStream::fail(std::string_view what) {
  const int err = errno;
  status_ = absl::UnavailableError(absl::StrCat(
      label_, ": ", std::string(what), " failed",
      err != 0 ? absl::StrCat(": ", std::strerror(err)) : std::string(),
      "; further rows are dropped"));
}

bool SinkStream::write(std::string_view bytes) {
  if (failed() || stream_ == nullptr) return false;
  errno = 0;
  stream_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!stream_->good()) {
    fail("write");
    return false;
  }
  return true;
}

bool SinkStream::flush() {
  if (failed() || stream_ == nullptr) return false;
  errno = 0;
  stream_->flush();
  if (!stream_->good()) {
    fail("flush");
    return false;
  }
  return true;
}

}  // namespace betapool::internal

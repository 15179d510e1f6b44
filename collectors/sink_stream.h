// File: collectors/sink_stream.h
//
// internal::SinkStream: the output end shared by CsvSink and JsonLinesSink.
// It owns a file or borrows any std::ostream, writes whole rows, and turns
// the first failure (a file that cannot be opened, a full disk, a closed
// pipe) into one absl::Status that is reported once — to the sink's
// `on_error` callback, by default one line on stderr — and kept for the
// caller to query. After a failure it writes nothing more: a stream that
// failed mid-row cannot be trusted to stay aligned, and the executor must
// not pay for retries on its controller thread.
//
// Example:
//   internal::SinkStream out = internal::SinkStream::open_file("/tmp/d.csv", "csv sink");
//   out.write("a,b\n");
//   out.flush();
//   if (!out.status().ok()) ...;
//
// Thread safety: none; the owning sink serialises calls with its mutex.
#ifndef BETAPOOL_COLLECTORS_SINK_STREAM_H_
#define BETAPOOL_COLLECTORS_SINK_STREAM_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace betapool {

// Called once with the first error of a sink. Runs on the thread that hit
// the error (the controller's); it must not throw.
using SinkErrorCallback = std::function<void(const absl::Status&)>;

namespace internal {

// Writes "betapool: <message>" as one line on stderr.
void report_sink_error_to_stderr(const absl::Status& status);

class SinkStream {
 public:
  // Opens (truncates) `path`. A failure to open is kept as the first error
  // (reported at the first write or flush, so a constructor need not fail).
  static SinkStream open_file(const std::string& path, std::string label);
  // Borrows `stream`, which must outlive this object.
  static SinkStream borrow(std::ostream& stream, std::string label);
  SinkStream() = default;
  SinkStream(SinkStream&&) = default;
  SinkStream& operator=(SinkStream&&) = default;

  // Writes all of `bytes`. Returns false (writing nothing) once failed.
  bool write(std::string_view bytes);
  // Flushes the stream. Returns false once failed.
  bool flush();

  // False for a default-constructed (disabled) stream.
  bool enabled() const { return stream_ != nullptr || failed(); }
  bool failed() const { return !status_.ok(); }
  const absl::Status& status() const { return status_; }
  const std::string& label() const { return label_; }

 private:
  void fail(std::string_view what);

  std::unique_ptr<std::ostream> owned_;
  std::ostream* stream_ = nullptr;
  std::string label_;
  absl::Status status_;
};

}  // namespace internal
}  // namespace betapool

#endif  // BETAPOOL_COLLECTORS_SINK_STREAM_H_

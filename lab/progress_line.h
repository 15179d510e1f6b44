// File: lab/progress_line.h
//
// ProgressLine: the lab's progress report on stderr. On a terminal it
// rewrites one line in place ("\r"); otherwise (a log file, a pipe, ctest)
// it prints only the finished lines, so logs stay readable.
//
// Example:
//   betapool::ProgressLine progress(std::cerr, betapool::stderr_is_terminal());
//   progress.update("[sweep mixed] 256 threads 1.2/2.5 s");
//   progress.finish("[sweep mixed] 256 threads: 23,101 tasks/s");
//
// Thread safety: one thread.
#ifndef BETAPOOL_LAB_PROGRESS_LINE_H_
#define BETAPOOL_LAB_PROGRESS_LINE_H_

#include <ostream>
#include <string>

namespace betapool {

bool stderr_is_terminal();

class ProgressLine {
 public:
  ProgressLine(std::ostream& err, bool terminal) : err_(err), terminal_(terminal) {}

  // Replaces the current line (terminal only).
  void update(const std::string& text);
  // Prints `text` as a finished line.
  void finish(const std::string& text);

 private:
  std::ostream& err_;
  bool terminal_;
  bool dirty_ = false;
};

}  // namespace betapool

#endif  // BETAPOOL_LAB_PROGRESS_LINE_H_

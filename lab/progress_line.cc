#include "lab/progress_line.h"

#include <unistd.h>

namespace betapool {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressLine::update(const std::string& text) {
  if (!terminal_) return;
  err_ << "\r" << text << "\x1b[K" << std::flush;
  dirty_ = true;
}

void ProgressLine::finish(const std::string& text) {
  if (terminal_ && dirty_) err_ << "\r\x1b[K";
  err_ << text << "\n" << std::flush;
  dirty_ = false;
}

}  // namespace betapool

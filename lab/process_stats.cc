#include "lab/process_stats.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace betapool {
namespace {

// Value in kB of a "Key:   123 kB" line of /proc/self/status, or -1.
double status_kb(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string prefix = absl::StrCat(key, ":");
  while (std::getline(f, line)) {
    absl::string_view rest(line);
    if (!absl::ConsumePrefix(&rest, prefix)) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    double kb = 0;
    if (absl::SimpleAtod(rest, &kb)) return kb;
  }
  return -1.0;
}

double kb_to_mb(double kb) { return kb < 0 ? 0.0 : kb / 1024.0; }

}  // namespace

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

double current_rss_mb() { return kb_to_mb(status_kb("VmRSS")); }
double peak_rss_mb() { return kb_to_mb(status_kb("VmHWM")); }

absl::Status pin_to_cpus(int cpus) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
    return absl::InternalError(
        absl::StrCat("sched_getaffinity: ", std::strerror(errno)));
  }
  const int available = CPU_COUNT(&allowed);
  if (cpus < 1 || cpus > available) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cpus = ", cpus, ": must be within [1, ", available,
        "] (the CPUs this process may use)"));
  }
  cpu_set_t chosen;
  CPU_ZERO(&chosen);
  int taken = 0;
  for (int c = 0; c < CPU_SETSIZE && taken < cpus; ++c) {
    if (CPU_ISSET(c, &allowed)) {
      CPU_SET(c, &chosen);
      ++taken;
    }
  }
  // pid 0 is only the calling thread; the lab pins before starting threads,
  // and threads inherit the mask.
  if (sched_setaffinity(0, sizeof(chosen), &chosen) != 0) {
    return absl::InternalError(
        absl::StrCat("sched_setaffinity: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

PeakRssTracker::PeakRssTracker() {
  std::ofstream f("/proc/self/clear_refs");
  if (f) {
    f << "5";
    f.close();
    reset_ok_ = static_cast<bool>(f);
  }
  start_mb_ = current_rss_mb();
  sample();
}

void PeakRssTracker::sample() { sampled_max_ = std::max(sampled_max_, current_rss_mb()); }

double PeakRssTracker::peak_mb() {
  sample();
  return reset_ok_ ? std::max(peak_rss_mb(), sampled_max_) : sampled_max_;
}

}  // namespace betapool

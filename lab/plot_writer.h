// File: lab/plot_writer.h
//
// Draws the lab's picture with gnuplot (Debian's gnuplot-nox): throughput
// against static pool size on a log2 axis with the adaptive result marked,
// and, after a comparison, the adaptive executor's thread count (and
// throughput) over time. Writes the data files and a gnuplot script next to
// the SVG, so the picture can be redrawn or restyled by hand.
//
// Example:
//   betapool::PlotInputs in{.out_dir = "lab-results", .prefix = "mixed",
//                           .title = "mixed, simulated GIL", .sweep = points};
//   absl::StatusOr<std::string> svg = betapool::write_plot(in);
//
// Errors: Unavailable when gnuplot is missing or fails (the script and data
// are still written, and the message says how to run it); the file error
// when the directory is not writable.
// Thread safety: stateless.
#ifndef BETAPOOL_LAB_PLOT_WRITER_H_
#define BETAPOOL_LAB_PLOT_WRITER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lab/lab_records.h"
#include "lab/lab_runner.h"

namespace betapool {

struct PlotInputs {
  std::string out_dir;
  std::string prefix;  // file names: <prefix>.svg, <prefix>.gp, <prefix>_plot_*.dat
  std::string title;
  std::vector<SweepPoint> sweep;
  // After a comparison, one per policy: its median steady throughput and
  // mean thread count, and its first run's timeline.
  struct Adaptive {
    std::string policy;  // the label ("beta_veto", "beta_veto:process")
    double throughput = 0.0;
    double mean_threads = 0.0;
    std::vector<TimelineRow> timeline;
  };
  std::vector<Adaptive> adaptive;
};

// Writes the data, the script and <prefix>.svg; returns the SVG's path.
absl::StatusOr<std::string> write_plot(const PlotInputs& in);

}  // namespace betapool

#endif  // BETAPOOL_LAB_PLOT_WRITER_H_

#include "lab/plot_writer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "lab/record_writer.h"

namespace betapool {
namespace {

// Single-quoted for gnuplot and for the shell.
std::string quoted(const std::string& s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

std::string gp_string(const std::string& s) {
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}}),
                      "\"");
}

// Thread count and throughput (smoothed over the trailing second; samples
// are 0.25 s apart) of a policy's first run.
std::string timeline_data(const std::vector<TimelineRow>& rows) {
  std::string tl = "# t threads target tps_1s\n";
  std::deque<std::pair<double, int64_t>> window;
  for (const TimelineRow& r : rows) {
    if (r.repetition != 1) continue;
    window.push_back({r.t, r.completed});
    while (window.size() > 1 && r.t - window.front().first > 1.0) window.pop_front();
    double tps = r.throughput;
    if (window.size() > 1) {
      const double dt = window.back().first - window.front().first;
      if (dt > 0) tps = (window.back().second - window.front().second) / dt;
    }
    absl::StrAppendFormat(&tl, "%.3f %d %d %.3f\n", r.t, r.threads, r.target, tps);
  }
  return tl;
}

}  // namespace

absl::StatusOr<std::string> write_plot(const PlotInputs& in) {
  namespace fs = std::filesystem;
  const std::string sweep_dat = in.prefix + "_plot_sweep.dat";
  const std::string script = in.prefix + ".gp";
  const std::string svg = in.prefix + ".svg";
  auto path = [&in](const std::string& name) {
    return (fs::path(in.out_dir) / name).string();
  };
  auto file_safe = [](std::string s) {
    for (char& ch : s) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') ch = '_';
    }
    return s;
  };
  auto adaptive_dat = [&](const PlotInputs::Adaptive& a) {
    return absl::StrCat(in.prefix, "_plot_adaptive_", file_safe(a.policy), ".dat");
  };
  auto timeline_dat = [&](const PlotInputs::Adaptive& a) {
    return absl::StrCat(in.prefix, "_plot_timeline_", file_safe(a.policy), ".dat");
  };

  std::string data = "# threads median_tps min_tps max_tps steady\n";
  bool any_unsteady = false;
  for (const SweepPoint& p : in.sweep) {
    absl::StrAppendFormat(&data, "%d %.3f %.3f %.3f %d\n", p.threads, p.throughput,
                          p.throughput_min, p.throughput_max, p.steady ? 1 : 0);
    any_unsteady = any_unsteady || !p.steady;
  }
  if (absl::Status s = internal::write_text_file(path(sweep_dat), data); !s.ok()) return s;

  const bool compare = !in.adaptive.empty();
  // Several policies: the key goes beside the plots, not over the curve.
  const bool key_outside = in.adaptive.size() > 1;
  int max_threads = 1;
  double top = 0.0;
  for (const SweepPoint& p : in.sweep) top = std::max(top, p.throughput_max);
  for (const PlotInputs::Adaptive& a : in.adaptive) {
    top = std::max(top, a.throughput);
    for (const TimelineRow& r : a.timeline) max_threads = std::max(max_threads, r.threads);
    if (absl::Status s = internal::write_text_file(
            path(adaptive_dat(a)),
            absl::StrFormat("# mean_threads steady_tps\n%.3f %.3f\n", a.mean_threads,
                            a.throughput));
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            internal::write_text_file(path(timeline_dat(a)), timeline_data(a.timeline));
        !s.ok()) {
      return s;
    }
  }

  std::string gp;
  absl::StrAppend(&gp, "# Drawn by betapool-lab; run `gnuplot ", script,
                  "` in this directory to redraw.\n");
  absl::StrAppendFormat(&gp,
                        "set terminal svg size %d,%d dynamic noenhanced background "
                        "rgb 'white' font 'sans,12'\n",
                        key_outside ? 1280 : 960, compare ? 820 : 480);
  absl::StrAppend(&gp, "set output ", quoted(svg), "\n");
  if (compare) {
    absl::StrAppend(&gp, "set multiplot layout 2,1 title ", gp_string(in.title), "\n");
  } else {
    absl::StrAppend(&gp, "set title ", gp_string(in.title), "\n");
  }
  // With the key outside, both panels end at the same x so their time and
  // size axes line up.
  if (key_outside) absl::StrAppend(&gp, "set rmargin at screen 0.66\n");
  absl::StrAppend(&gp, "set grid\n",
                  key_outside ? "set key outside right top box\n"
                              : "set key inside left top opaque box\n",
                  "set logscale x 2\nset xlabel 'threads in the pool'\n"
                  "set ylabel 'tasks/s'\nset format y '%.0s%c'\n");
  // Headroom above the curve for a key inside.
  absl::StrAppendFormat(&gp, "set yrange [0:%g]\n",
                        top > 0 ? top * (key_outside ? 1.1 : 1.45) : 1.0);
  if (!in.sweep.empty()) {
    absl::StrAppendFormat(&gp, "set xrange [%g:%g]\n", in.sweep.front().threads / 1.4,
                          in.sweep.back().threads * 1.4);
  }
  std::string plot = absl::StrCat(
      "plot ", quoted(sweep_dat),
      " using 1:2:3:4 with yerrorlines lw 2 pt 7 lc 1 title 'static pools (median, "
      "min..max)'");
  if (any_unsteady) {
    absl::StrAppend(&plot, ", \\\n  ", quoted(sweep_dat),
                    " using 1:($5 == 0 ? $2 : 1/0) with points pt 6 ps 2.5 lc rgb 'black' "
                    "title 'not steady (window capped at --max_window)'");
  }
  int color = 2;
  for (const PlotInputs::Adaptive& a : in.adaptive) {
    absl::StrAppend(&plot, ", \\\n  ", a.throughput, " with lines dt 2 lw 2 lc ", color,
                    " title ", gp_string(absl::StrCat(a.policy, ": steady state")),
                    ", \\\n  ", quoted(adaptive_dat(a)),
                    " using 1:2 with points pt 9 ps 2.5 lc ", color, " title ",
                    gp_string(absl::StrCat(a.policy, " at its mean thread count")));
    ++color;
  }
  absl::StrAppend(&gp, plot, "\n");
  if (compare) {
    const bool single = in.adaptive.size() == 1;
    absl::StrAppend(
        &gp,
        "unset logscale x\nset format y '%g'\nset xlabel 'seconds since the load "
        "started'\nset ylabel 'threads'\n",
        key_outside ? "set key outside right top box\n"
                    : "set key inside right bottom opaque box\n",
        absl::StrFormat("set yrange [0:%d]\n", max_threads + max_threads / 5 + 1),
        "set xrange [0:*]\nset title ",
        gp_string("adaptive thread count over time (first run)"), "\n");
    if (single) {
      absl::StrAppend(&gp,
                      "set y2label 'tasks/s (1 s average)'\nset y2tics\n"
                      "set ytics nomirror\nset y2range [0:*]\nset format y2 '%.0s%c'\n");
    }
    std::string tplot = "plot ";
    color = 2;
    // Earlier policies drawn wider, so policies at the same thread count
    // show as nested bands instead of hiding one another.
    const int n = static_cast<int>(in.adaptive.size());
    for (const PlotInputs::Adaptive& a : in.adaptive) {
      if (color > 2) tplot += ", \\\n  ";
      const double width = 2.0 + 2.5 * (n - 1 - (color - 2));
      absl::StrAppend(&tplot, quoted(timeline_dat(a)), " using 1:2 with steps lw ", width,
                      " lc ", color, " title ", gp_string(absl::StrCat(a.policy, " threads")));
      if (single) {
        absl::StrAppend(&tplot, ", \\\n  ", quoted(timeline_dat(a)),
                        " using 1:4 axes x1y2 with lines lw 1 lc rgb 'gray50' "
                        "title 'tasks/s'");
      }
      ++color;
    }
    absl::StrAppend(&gp, tplot, "\nunset multiplot\n");
  }
  if (absl::Status s = internal::write_text_file(path(script), gp); !s.ok()) return s;

  const std::string command =
      absl::StrCat("cd ", quoted(in.out_dir), " && gnuplot ", quoted(script),
                   " 2>/dev/null");
  const int rc = std::system(command.c_str());
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat(
        "gnuplot failed or is not installed (exit status ", rc,
        "); install gnuplot-nox and run `gnuplot ", script, "` in ", in.out_dir));
  }
  return path(svg);
}

}  // namespace betapool

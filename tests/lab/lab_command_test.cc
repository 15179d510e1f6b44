// Runs the built betapool-lab binary: its command-line errors, and one short
// end-to-end run of each command (a few seconds in all).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/sim/trace_scenario.h"

#ifndef BETAPOOL_LAB_BINARY
#error "BETAPOOL_LAB_BINARY must name the betapool-lab executable"
#endif

namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

struct LabRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Every scratch directory this process made, removed when the tests end (the
// per-process names would otherwise pile up in /tmp).
std::vector<std::filesystem::path>& scratch_dirs() {
  static std::vector<std::filesystem::path> dirs;
  return dirs;
}

class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& dir : scratch_dirs()) std::filesystem::remove_all(dir);
  }
};

[[maybe_unused]] ::testing::Environment* const kScratchCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

// Per process: TempDir() is /tmp for everyone, and two checkouts running
// this test at once must not delete each other's files.
std::string scratch_dir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("betapool_lab_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scratch_dirs().push_back(dir);
  return dir.string();
}

LabRun run_lab(const std::string& args, const std::string& dir) {
  const std::string out = dir + "/stdout.txt";
  const std::string err = dir + "/stderr.txt";
  const std::string cmd = std::string(BETAPOOL_LAB_BINARY) + " " + args + " > " + out +
                          " 2> " + err;
  const int status = std::system(cmd.c_str());
  LabRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

int count_lines(const std::string& path) {
  std::ifstream f(path);
  int n = 0;
  for (std::string l; std::getline(f, l);) ++n;
  return n;
}

bool gnuplot_installed() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

TEST(LabCommandTest, UnknownFlagListsAcceptedFlags) {
  const std::string dir = scratch_dir("badflag");
  const LabRun r = run_lab("sweep --thread=4", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown flag --thread"));
  EXPECT_THAT(r.err, HasSubstr("accepted flags"));
  EXPECT_THAT(r.err, HasSubstr("--threads"));
}

TEST(LabCommandTest, HelpListsTheLabFlags) {
  const std::string dir = scratch_dir("help");
  const LabRun r = run_lab("--help", dir);
  // Abseil prints the usage on stdout and exits (status 1 for --help).
  EXPECT_THAT(r.out, HasSubstr("betapool-lab [sweep|compare|record]"));
  EXPECT_THAT(r.out, HasSubstr("--workload"));
  EXPECT_THAT(r.out, HasSubstr("--threads"));
  EXPECT_THAT(r.out, HasSubstr("--policy"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("No flags matched")));
  // The defining file is named from the repository root, not as an absolute
  // path on the machine that built the binary.
  EXPECT_THAT(r.out, HasSubstr("Flags from lab/main.cc:"));
  EXPECT_THAT(r.out, ::testing::Not(::testing::ContainsRegex("Flags from /")));
}

TEST(LabCommandTest, BadValuesSayWhatIsAccepted) {
  const std::string dir = scratch_dir("badvalues");
  LabRun r = run_lab("sweep --workload=nope", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown workload 'nope'; known workloads: mixed"));
  r = run_lab("sweep --threads=0,8", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("[1, 4096]"));
  r = run_lab("sweep --threads=1,99999", dir);
  EXPECT_EQ(r.exit_code, 2);
  r = run_lab("sweep --duration=-2s", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--duration=-2s: must be a positive"));
  r = run_lab("frobnicate", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("accepted commands"));
  r = run_lab("compare --policy=nope", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("beta_veto"));
}

TEST(LabCommandTest, ShortCompareRunWritesTablesFilesAndPlot) {
  const std::string dir = scratch_dir("compare");
  const LabRun r = run_lab(
      "compare --workload=mixed --threads=1,4 --warmup=100ms --duration=300ms "
      "--adaptive_duration=1s --repeat=2 --out=" + dir + "/out",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("workload mixed"));
  EXPECT_THAT(r.out, HasSubstr("Peak:"));
  EXPECT_THAT(r.out, HasSubstr("Adaptive executor: policy beta_veto"));
  EXPECT_THAT(r.out, HasSubstr("% of the best static pool"));
  EXPECT_THAT(r.err, HasSubstr("[sweep mixed] 2/2: 4 threads"));  // progress
  const std::string out = dir + "/out/";
  EXPECT_EQ(count_lines(out + "mixed_sweep.csv"), 3);  // header + 2 sizes
  EXPECT_EQ(count_lines(out + "mixed_adaptive.csv"), 3);  // header + 2 rounds
  EXPECT_GT(count_lines(out + "mixed_timeline.csv"), 1);
  // Every tick of both rounds: the run's tags, then every DecisionRecord field.
  const std::string decisions = slurp(out + "mixed_decisions.csv");
  EXPECT_EQ(decisions.rfind("workload,repetition,t,candidate,timestamp,threads_before,", 0),
            0u) << decisions.substr(0, 200);
  EXPECT_THAT(decisions, HasSubstr(",tasks_completed,pressure_some_percent,throttled_percent,"
                                   "effective_cpus,busy_workers,interval_completed\n"));
  EXPECT_THAT(decisions, ContainsRegex("\nmixed,1,[0-9.e-]+,beta_veto,"));
  EXPECT_THAT(decisions, ContainsRegex("\nmixed,2,[0-9.e-]+,beta_veto,"));
  EXPECT_TRUE(std::filesystem::exists(out + "mixed.gp"));
  // The paired protocol: its table, every window in order, the summary.
  EXPECT_THAT(r.out, HasSubstr("Paired protocol: 2 round(s)"));
  EXPECT_THAT(r.out, ContainsRegex("beta_veto +2 +[0-9.]+ %"));
  EXPECT_THAT(r.out, ContainsRegex("range too wide to conclude|faster than the best|"
                                   "slower than the best|no difference"));
  EXPECT_THAT(r.out, HasSubstr("beta_veto round 2:"));
  EXPECT_THAT(r.err, ContainsRegex("\\[compare mixed\\] [34]/[0-9]+: beta_veto round 1/2"));
  const std::string windows = slurp(out + "mixed_protocol.csv");
  EXPECT_THAT(windows, HasSubstr("workload,position,kind,policy,round,threads,"));
  EXPECT_THAT(windows, ContainsRegex("\nmixed,1,static,,0,"));
  EXPECT_THAT(windows, ContainsRegex("\nmixed,[0-9]+,adaptive,beta_veto,2,"));
  EXPECT_EQ(count_lines(out + "mixed_comparison.csv"), 2);
  EXPECT_THAT(slurp(out + "mixed_comparison.csv"),
              ContainsRegex("\nmixed,beta_veto,2,[0-9/]+,"));
  EXPECT_THAT(slurp(out + "mixed_adaptive.csv"), HasSubstr("pair_other_cpu_percent"));
  // The conclusion, after the list of files.
  EXPECT_THAT(r.out, ContainsRegex("Files:(.|\n)*In short:\n  beta_veto: [0-9.]+ % of the "
                                   "best static size \\(median of 2 paired runs, "
                                   "range [0-9.]+\\.\\.[0-9.]+\\): "));
  if (gnuplot_installed()) {
    EXPECT_THAT(slurp(out + "mixed.svg"), HasSubstr("<svg"));
  }
}

TEST(LabCommandTest, DemonstrationRunsThePapersPolicyAndTheKneeModel) {
  const std::string dir = scratch_dir("demo");
  const LabRun r = run_lab(
      "demo --threads=1,4 --warmup=100ms --duration=300ms --adaptive_duration=1s "
      "--repeat=2 --out=" + dir + "/out",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Adaptive executor: policy beta_veto"));
  EXPECT_THAT(r.out, HasSubstr("Adaptive executor: policy bottleneck"));
  EXPECT_THAT(r.out, ContainsRegex("In short:\n  beta_veto: [0-9.]+ % (.|\n)*\n  "
                                   "bottleneck: [0-9.]+ % of the best static size"));
  // One timeline for both, each row tagged with its policy.
  const std::string timeline = slurp(dir + "/out/mixed_timeline.csv");
  EXPECT_THAT(timeline, HasSubstr(",beta_veto,"));
  EXPECT_THAT(timeline, HasSubstr(",bottleneck,"));
  if (gnuplot_installed()) {
    const std::string svg = slurp(dir + "/out/mixed.svg");
    EXPECT_THAT(svg, HasSubstr("beta_veto"));
    EXPECT_THAT(svg, HasSubstr("bottleneck"));
  }
}

TEST(LabCommandTest, CpuHogShowsInTheTimelineFromItsStart) {
  const std::string dir = scratch_dir("hog");
  const LabRun r = run_lab(
      "compare --workload=io --nogil --threads=2 --warmup=100ms --duration=300ms "
      "--adaptive_duration=2s --cpu_hog=1 --cpu_hog_at=500ms --repeat=1 --noplot "
      "--out=" + dir + "/out",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string timeline = slurp(dir + "/out/io_nogil_timeline.csv");
  EXPECT_EQ(timeline.rfind("workload,policy,repetition,t,threads,target,throughput,"
                           "completed,cpu_hog\n", 0), 0u) << timeline.substr(0, 120);
  // Samples every 250 ms over 2 s: before 0.5 s without the hog, after with it.
  EXPECT_THAT(timeline, ContainsRegex("\nio,beta_veto,1,0\\.[0-4][0-9]*,[^\n]*,0\n"));
  EXPECT_THAT(timeline, ContainsRegex("\nio,beta_veto,1,1\\.[0-9]+,[^\n]*,1\n"));
}

TEST(LabCommandTest, ShortSweepWithoutGilWritesJsonLines) {
  const std::string dir = scratch_dir("sweep");
  const LabRun r = run_lab(
      "sweep --workload=io --nogil --threads=2 --warmup=0s --duration=200ms --noplot "
      "--format=jsonl --out=" + dir + "/out",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no GIL"));
  const std::string rows = slurp(dir + "/out/io_nogil_sweep.jsonl");
  EXPECT_THAT(rows, HasSubstr("{\"workload\":\"io\",\"load\":\"closed\",\"gil\":false,"
                              "\"threads\":2,"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/io_nogil.svg"));
}

TEST(LabCommandTest, RecordWritesATraceTheSimulatorReads) {
  const std::string dir = scratch_dir("record");
  const LabRun r = run_lab(
      "record --workload=rag_orchestration --threads=4 --duration=1s --out=" + dir +
          "/out",
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("a static pool of 4"));
  const std::string path = dir + "/out/rag_orchestration_trace.csv";  // the default
  EXPECT_THAT(r.out, HasSubstr("Trace: " + path));
  const std::string text = slurp(path);
  EXPECT_THAT(text, ContainsRegex("^# cpus=[0-9]+\n# profile=rag_orchestration\n"
                                  "# clients=64\n"  // record's closed loop: max(64, 2 x 4)
                                  "# recorded by betapool-lab record: workload "
                                  "rag_orchestration [^\n]*a static pool of 4[^\n]*\n"
                                  "arrival_s,cpu_s,lock_held_s,lock_wait_s,other_wait_s\n"
                                  "[0-9.]+,[0-9.]+,"));
  std::ifstream in(path);
  absl::StatusOr<betapool::Scenario> s = betapool::scenario_from_trace(in);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "trace:rag_orchestration");
  EXPECT_GE(s->machine.cores, 1.0);
  // The profile is 12 ms of Python CPU (all of it holding the GIL), then
  // 42 ms of I/O; bounds loose enough for a loaded 2-core machine.
  const betapool::TaskProfile& p = s->profile_at(0.0);
  EXPECT_GT(p.mean_cpu_seconds(), 0.004);
  EXPECT_LT(p.mean_cpu_seconds(), 0.1);
  EXPECT_TRUE(s->gil.enabled);
  EXPECT_GT(p.mean_gil_seconds(), 0.8 * p.mean_cpu_seconds());
  EXPECT_GT(p.mean_wait_seconds(), 0.03);
  EXPECT_EQ(s->arrivals.kind, betapool::ArrivalSpec::Kind::kClosedLoop);
  EXPECT_EQ(s->arrivals.population, 64);
}

TEST(LabCommandTest, RecordRejectsSeveralPoolSizes) {
  const std::string dir = scratch_dir("record_bad");
  LabRun r = run_lab("record --threads=1,2", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--threads=1,2: record runs one pool"));
  r = run_lab("sweep --trace_out=x.csv", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--trace_out=x.csv: applies to the record command only"));
}

}  // namespace

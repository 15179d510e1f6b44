#include "lab/lab_config.h"

#include <string>
#include <vector>

#include <boost/pfr.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lab/workload_catalog.h"

namespace betapool {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::vector<std::string>& positional, const RawLabFlags& raw) {
  absl::StatusOr<LabConfig> c = make_lab_config(positional, raw);
  EXPECT_FALSE(c.ok());
  return c.ok() ? "" : std::string(c.status().message());
}

TEST(LabConfigTest, DefaultsAreTheDemonstration) {
  absl::StatusOr<LabConfig> c = make_lab_config({}, RawLabFlags{});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->command, LabCommand::kDemo);
  EXPECT_EQ(c->workload, "mixed");
  EXPECT_EQ(c->threads.front(), 1);
  EXPECT_EQ(c->threads.back(), 2048);
  EXPECT_EQ(c->threads.size(), 12u);
  EXPECT_TRUE(c->gil);
  // The paper's policy beside the knee model, on the same sweep.
  ASSERT_EQ(c->adaptive.size(), 2u);
  EXPECT_EQ(c->adaptive[0].label(), "beta_veto");
  EXPECT_EQ(c->adaptive[1].label(), "bottleneck");
  EXPECT_EQ(c->load.clients, 4096);  // twice the largest pool
  EXPECT_EQ(c->initial_workers, c->min_workers);
}

TEST(LabConfigTest, RepeatIsSweepRepetitionsOrProtocolRounds) {
  absl::StatusOr<LabConfig> sweep = make_lab_config({"sweep"}, {});
  ASSERT_TRUE(sweep.ok()) << sweep.status();
  EXPECT_EQ(sweep->repeat, 1);
  EXPECT_EQ(sweep->rounds, 0);
  absl::StatusOr<LabConfig> compare = make_lab_config({"compare"}, {});
  ASSERT_TRUE(compare.ok()) << compare.status();
  EXPECT_EQ(compare->repeat, 1);  // the sweep only finds the best size
  EXPECT_EQ(compare->rounds, 3);
  EXPECT_EQ(compare->adaptive_duration, absl::Seconds(60));
  EXPECT_EQ(make_lab_config({}, {})->rounds, 3);
  EXPECT_EQ(make_lab_config({}, {})->adaptive_duration, absl::Seconds(12));
  RawLabFlags raw;
  raw.repeat = 5;
  raw.adaptive_duration = absl::Seconds(7);
  EXPECT_EQ(make_lab_config({"sweep"}, raw)->repeat, 5);
  EXPECT_EQ(make_lab_config({"compare"}, raw)->rounds, 5);
  EXPECT_EQ(make_lab_config({}, raw)->adaptive_duration, absl::Seconds(7));
}

TEST(LabConfigTest, EmptyPolicyIsTheCommandsDefault) {
  // compare and sweep: the paper's policy alone; --policy always wins.
  absl::StatusOr<LabConfig> compare = make_lab_config({"compare"}, {});
  ASSERT_TRUE(compare.ok()) << compare.status();
  ASSERT_EQ(compare->adaptive.size(), 1u);
  EXPECT_EQ(compare->adaptive[0].label(), "beta_veto");
  RawLabFlags raw;
  raw.policy = "hill_climbing";
  absl::StatusOr<LabConfig> demo = make_lab_config({}, raw);
  ASSERT_TRUE(demo.ok()) << demo.status();
  ASSERT_EQ(demo->adaptive.size(), 1u);
  EXPECT_EQ(demo->adaptive[0].label(), "hill_climbing");
}

TEST(LabConfigTest, CpuHogStartsAQuarterIntoTheRunUnlessTold) {
  RawLabFlags raw;
  raw.cpu_hog = 1;
  raw.adaptive_duration = absl::Seconds(40);
  absl::StatusOr<LabConfig> c = make_lab_config({"compare"}, raw);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cpu_hog, 1);
  EXPECT_EQ(c->cpu_hog_at, absl::Seconds(10));
  raw.cpu_hog_at = absl::Seconds(20);  // the last moment before the steady half
  EXPECT_EQ(make_lab_config({"compare"}, raw)->cpu_hog_at, absl::Seconds(20));
  raw.cpu_hog_at = absl::Seconds(21);
  EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("--cpu_hog_at=21s: accepted with"));
  raw.cpu_hog_at = absl::Seconds(-1);
  EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("--cpu_hog_at=-1s"));
  raw.cpu_hog = 0;
  raw.cpu_hog_at = absl::Seconds(5);
  EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("with --cpu_hog only"));
  raw.cpu_hog = 65;
  EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("--cpu_hog=65: accepted: 0 (none) to 64"));
}

TEST(LabConfigTest, CpuHogCgroupNeedsAHog) {
  RawLabFlags raw;
  raw.cpu_hog_cgroup = true;
  EXPECT_THAT(error_of({"compare"}, raw),
              HasSubstr("--cpu_hog_cgroup=true: accepted with --cpu_hog only"));
  raw.cpu_hog = 1;
  absl::StatusOr<LabConfig> c = make_lab_config({"compare"}, raw);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->cpu_hog_cgroup);
}

TEST(LabConfigTest, EveryRawFlagHasItsName) {
  // Both come from BETAPOOL_LAB_FLAGS; a member added by hand would differ.
  EXPECT_EQ(lab_flag_names().size(), boost::pfr::tuple_size_v<RawLabFlags>);
}

TEST(LabConfigTest, AcceptsCommands) {
  EXPECT_EQ(make_lab_config({"sweep"}, {})->command, LabCommand::kSweep);
  EXPECT_EQ(make_lab_config({"compare"}, {})->command, LabCommand::kCompare);
  EXPECT_EQ(make_lab_config({"demo"}, {})->command, LabCommand::kDemo);
  EXPECT_THAT(error_of({"swep"}, {}), HasSubstr("accepted commands: sweep, compare"));
  EXPECT_THAT(error_of({"sweep", "extra"}, {}), HasSubstr("unexpected argument 'extra'"));
}

TEST(LabConfigTest, UnknownWorkloadListsTheKnownOnes) {
  RawLabFlags raw;
  raw.workload = "mixd";
  const std::string e = error_of({"sweep"}, raw);
  EXPECT_THAT(e, HasSubstr("--workload=mixd"));
  for (const std::string& name : workload_names()) EXPECT_THAT(e, HasSubstr(name));
}

TEST(LabConfigTest, ThreadListsAndTheirErrors) {
  EXPECT_EQ(parse_thread_list("4,1,4,2").value(), (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(parse_thread_list("1..16").value(), (std::vector<int>{1, 2, 4, 8, 16}));
  for (const char* bad : {"", "0", "4097", "1,x", "-2", "3..16", "1..8192", "16..1"}) {
    absl::StatusOr<std::vector<int>> r = parse_thread_list(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("[1, 4096]")) << bad;
  }
}

TEST(LabConfigTest, NonPositiveDurationsAreRejected) {
  {
    RawLabFlags raw;
    raw.duration = absl::ZeroDuration();
    EXPECT_THAT(error_of({"sweep"}, raw), HasSubstr("--duration=0: must be a positive"));
  }
  {
    RawLabFlags raw;
    raw.adaptive_duration = absl::Seconds(-1);
    EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("--adaptive_duration=-1s"));
  }
  {
    RawLabFlags raw;
    raw.switch_interval = absl::ZeroDuration();
    EXPECT_THAT(error_of({}, raw), HasSubstr("--switch_interval"));
  }
  {
    RawLabFlags raw;
    raw.warmup = absl::Milliseconds(-5);
    EXPECT_THAT(error_of({}, raw), HasSubstr("--warmup=-5ms"));
  }
  {
    RawLabFlags raw;
    raw.max_window = absl::Seconds(-1);
    EXPECT_THAT(error_of({}, raw), HasSubstr("--max_window=-1s: must be a finite"));
  }
  RawLabFlags zero_warmup;
  zero_warmup.warmup = absl::ZeroDuration();
  EXPECT_TRUE(make_lab_config({}, zero_warmup).ok());
  RawLabFlags fixed_windows;
  fixed_windows.max_window = absl::ZeroDuration();
  absl::StatusOr<LabConfig> c = make_lab_config({}, fixed_windows);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->load.max_window, absl::ZeroDuration());
  EXPECT_EQ(make_lab_config({}, {})->load.max_window, absl::Seconds(30));
}

TEST(LabConfigTest, LoadFlags) {
  RawLabFlags raw;
  raw.load = "half-open";
  EXPECT_THAT(error_of({}, raw), HasSubstr("accepted: closed, open"));
  raw.load = "open";
  EXPECT_THAT(error_of({}, raw), HasSubstr("--rate=0"));
  raw.rate = 500;
  absl::StatusOr<LabConfig> c = make_lab_config({"sweep"}, raw);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->load.mode, LoadSpec::Mode::kOpen);
  raw.arrival = "bursty";
  EXPECT_THAT(error_of({}, raw), HasSubstr("accepted: poisson, burst"));
}

TEST(LabConfigTest, AdaptiveFlags) {
  {
    RawLabFlags raw;
    raw.policy = "magic";
    const std::string e = error_of({"compare"}, raw);
    EXPECT_THAT(e, HasSubstr("registered policies"));
    EXPECT_THAT(e, HasSubstr("beta_veto"));
    EXPECT_THAT(e, HasSubstr("static"));
  }
  {
    RawLabFlags raw;
    raw.policy = "beta_veto, static,beta_veto";
    absl::StatusOr<LabConfig> c = make_lab_config({"compare"}, raw);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_EQ(c->adaptive.size(), 2u);
    EXPECT_EQ(c->adaptive[0].label(), "beta_veto");
    EXPECT_EQ(c->adaptive[1].label(), "static");
    raw.policy = "beta_veto,nope";
    EXPECT_THAT(error_of({"compare"}, raw), HasSubstr("unknown policy 'nope'"));
  }
  {
    RawLabFlags raw;
    raw.min_workers = 0;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--min_workers=0"));
  }
  {
    RawLabFlags raw;
    raw.max_workers = 2;  // below min_workers 4
    EXPECT_THAT(error_of({}, raw), HasSubstr("--max_workers=2"));
  }
  {
    RawLabFlags raw;
    raw.initial_workers = 100;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--initial_workers=100"));
  }
  {
    RawLabFlags raw;
    raw.controller = "no_such_field=1";
    EXPECT_THAT(error_of({}, raw), HasSubstr("--controller=no_such_field=1"));
  }
  {
    RawLabFlags raw;
    raw.controller = "monitor_interval=0.1,stabilization_window=0.5";
    EXPECT_TRUE(make_lab_config({}, raw).ok());
  }
  {
    RawLabFlags raw;
    raw.cpu_signal = "process";
    raw.policy = "static";
    EXPECT_THAT(error_of({}, raw), HasSubstr("--policy=beta_veto only"));
    raw.policy = "beta_veto";
    ASSERT_EQ(make_lab_config({}, raw)->adaptive.size(), 1u);
    EXPECT_EQ(make_lab_config({}, raw)->adaptive[0].label(), "beta_veto:process");
    raw.cpu_signal = "both";
    raw.policy = "beta_veto,hill_climbing";
    absl::StatusOr<LabConfig> c = make_lab_config({}, raw);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_EQ(c->adaptive.size(), 3u);
    EXPECT_EQ(c->adaptive[0].label(), "beta_veto");
    EXPECT_EQ(c->adaptive[1].label(), "beta_veto:process");
    EXPECT_EQ(c->adaptive[2].label(), "hill_climbing");
    raw.cpu_signal = "machine";
    EXPECT_THAT(error_of({}, raw), HasSubstr("accepted: system"));
  }
}

TEST(LabConfigTest, OutputAndMiscFlags) {
  {
    RawLabFlags raw;
    raw.format = "xml";
    EXPECT_THAT(error_of({}, raw), HasSubstr("accepted: csv, jsonl"));
  }
  {
    RawLabFlags raw;
    raw.repeat = -1;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--repeat=-1"));
    raw.repeat = 101;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--repeat=101"));
  }
  {
    RawLabFlags raw;
    raw.cpus = 100000;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--cpus=100000"));
  }
  {
    RawLabFlags raw;
    raw.clients = -1;
    EXPECT_THAT(error_of({}, raw), HasSubstr("--clients=-1"));
  }
}

TEST(LabConfigTest, UnknownFlagNamesListTheAccepted) {
  EXPECT_TRUE(check_flag_names({"sweep", "--workload=io", "--threads", "1,2", "--nogil",
                                "--noplot", "--help", "-duration=1s"})
                  .ok());
  const absl::Status s = check_flag_names({"sweep", "--thread=4"});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("unknown flag --thread"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--threads"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("--workload"));
  EXPECT_TRUE(check_flag_names({"--", "--not-a-flag"}).ok());
}

}  // namespace
}  // namespace betapool

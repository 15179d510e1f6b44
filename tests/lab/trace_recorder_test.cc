#include "lab/trace_recorder.h"

#include <sstream>
#include <thread>

#include "betapool/executor_builder.h"
#include "gtest/gtest.h"
#include "lab/cpu_burner.h"
#include "lab/load_driver.h"
#include "lab/sim/trace_scenario.h"
#include "lab/simulated_gil.h"

namespace betapool {
namespace {

TEST(TraceRecorderTest, SplitsATaskIntoCpuLockHeldAndOtherWait) {
  SimulatedGil gil;
  TraceRecorder recorder(&gil);
  const int64_t iterations = iterations_for(absl::Milliseconds(5));
  // Python CPU (GIL held), then a sleep with the GIL released.
  const WorkloadGenerator::Task task = [&] {
    GilScope python(&gil);
    const double r = burn_cpu(iterations, &gil);
    GilRelease io(&gil);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return r;
  };
  recorder.run(task, 0.5);
  recorder.run(task, 0.25);
  const std::vector<TraceRow> rows = recorder.rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].arrival_s, 0.25);  // sorted by arrival
  EXPECT_EQ(rows[1].arrival_s, 0.5);
  for (const TraceRow& r : rows) {
    EXPECT_GT(r.cpu_s, 0.001);
    EXPECT_LE(r.lock_held_s, r.cpu_s);
    EXPECT_GT(r.lock_held_s, 0.5 * r.cpu_s);  // nearly all of it under the GIL
    EXPECT_EQ(r.lock_wait_s, 0.0);            // uncontended
    EXPECT_GE(r.other_wait_s, 0.019);         // the sleep
  }
}

TEST(TraceRecorderTest, NoGilMeansNoLockHeldTime) {
  TraceRecorder recorder(nullptr);
  recorder.run([] { return burn_cpu(iterations_for(absl::Milliseconds(2))); }, 0.0);
  ASSERT_EQ(recorder.rows().size(), 1u);
  EXPECT_EQ(recorder.rows()[0].lock_held_s, 0.0);
  EXPECT_GT(recorder.rows()[0].cpu_s, 0.0);
}

TEST(TraceRecorderTest, ThrowingTaskIsRecordedAndRethrown) {
  TraceRecorder recorder(nullptr);
  EXPECT_THROW(recorder.run([]() -> double { throw std::runtime_error("x"); }, 1.0),
               std::runtime_error);
  EXPECT_EQ(recorder.rows().size(), 1u);
}

TEST(TraceRecorderTest, RecordsEveryTaskTheLoadDriverRan) {
  SimulatedGil gil;
  TraceRecorder recorder(&gil);
  WorkloadGenerator gen({.gil = &gil});
  const WorkloadGenerator::Task task = gen.phased_task(
      {WorkloadPhase::python_cpu(iterations_for(absl::Microseconds(200))),
       WorkloadPhase::io(absl::Milliseconds(2))});
  int64_t completed = 0;
  {
    auto ex = ExecutorBuilder()
                  .policy("static")
                  .min_workers(4)
                  .max_workers(4)
                  .initial_workers(4)
                  .build()
                  .value();
    LoadSpec spec;
    spec.clients = 8;
    spec.warmup = absl::ZeroDuration();
    spec.measure = absl::Milliseconds(300);
    spec.run_task = [&](const WorkloadGenerator::Task& t, double submitted_s) {
      recorder.run(t, submitted_s);
    };
    const LoadResult r =
        run_load(*ex, std::chrono::steady_clock::now(), task, spec, nullptr, {});
    completed = r.total_completed;
  }  // joins the workers
  const std::vector<TraceRow> rows = recorder.rows();
  ASSERT_GT(completed, 0);
  EXPECT_GE(static_cast<int64_t>(rows.size()), completed);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_LE(rows[i].lock_held_s, rows[i].cpu_s);
    EXPECT_LE(rows[i].arrival_s, 1.0);
    if (i > 0) {
      EXPECT_GE(rows[i].arrival_s, rows[i - 1].arrival_s);
    }
  }
  EXPECT_EQ(rows.front().arrival_s, 0.0);  // the closed loop's first tasks
}

TEST(TraceFormatTest, WrittenTraceReadsBack) {
  std::stringstream text;
  write_trace(text, {.cpus = 2, .profile = "demo", .notes = {"a note"}},
              {{0.0, 0.004, 0.001, 0.0, 0.050}, {0.5, 0.006, 0.002, 0.0001, 0.030}});
  EXPECT_EQ(text.str().find("# cpus=2\n# profile=demo\n# a note\narrival_s,"), 0u);
  absl::StatusOr<Scenario> s = scenario_from_trace(text);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "trace:demo");
  EXPECT_EQ(s->machine.cores, 2.0);
  EXPECT_NEAR(s->profile_at(0.0).mean_cpu_seconds(), 0.005, 1e-9);
  EXPECT_NEAR(s->arrivals.rate, 2.0, 1e-9);
}

}  // namespace
}  // namespace betapool

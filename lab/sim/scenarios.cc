#include "lab/sim/scenarios.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace betapool::scenarios {
namespace {

using absl::Milliseconds;

Scenario base(std::string name, std::string description, bool gil) {
  Scenario s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.gil.enabled = gil;
  s.arrivals = ArrivalSpec::closed_loop(200);
  return s;
}

TaskProfile io_profile() {
  // The seed's io_task (a sleep) run from Python: ~1 ms of interpreter work
  // under the GIL around a 50 ms wait.
  return {"io_task",
          {SegmentSpec::cpu(Distribution::exponential(Milliseconds(1)), 1.0),
           SegmentSpec::wait(Distribution::uniform(Milliseconds(30),
                                                   Milliseconds(70)))}};
}

TaskProfile cpu_python_profile() {
  // Pure-Python CPU work (cpu_task_python / fibonacci): all under the GIL.
  return {"cpu_task_python",
          {SegmentSpec::cpu(Distribution::uniform(Milliseconds(8),
                                                  Milliseconds(12)),
                            1.0)}};
}

}  // namespace

Scenario io_bound() {
  Scenario s = base("io_bound",
                    "I/O-bound Python tasks (the seed's io_task): a 50 ms wait "
                    "plus ~1 ms under the GIL; the GIL caps throughput near "
                    "1000 tasks/s",
                    true);
  s.phases = {{absl::ZeroDuration(), io_profile()}};
  return s;
}

Scenario cpu_bound() {
  Scenario s = base("cpu_bound",
                    "CPU-bound native work that releases the GIL (the seed's "
                    "cpu_task_numpy): 10 ms of CPU per task saturates the "
                    "cores",
                    true);
  s.phases = {{absl::ZeroDuration(),
               {"cpu_task_numpy",
                {SegmentSpec::cpu(Distribution::uniform(Milliseconds(8),
                                                        Milliseconds(12)),
                                  0.0)}}}};
  return s;
}

Scenario mixed() {
  Scenario s = base("mixed",
                    "the seed's mixed_task: a 20 ms wait then 4 ms of CPU of "
                    "which a quarter holds the GIL",
                    true);
  s.phases = {{absl::ZeroDuration(),
               {"mixed_task",
                {SegmentSpec::wait(Distribution::uniform(Milliseconds(10),
                                                         Milliseconds(30))),
                 SegmentSpec::cpu(Distribution::exponential(Milliseconds(4)),
                                  0.25)}}}};
  return s;
}

Scenario rag_pipeline() {
  Scenario s = base("rag_pipeline",
                    "the seed's rag_pipeline_task: network, vector DB and LLM "
                    "waits with Python tokenization and re-ranking under the "
                    "GIL",
                    true);
  s.phases = {
      {absl::ZeroDuration(),
       {"rag_pipeline_task",
        {SegmentSpec::wait(Distribution::uniform(Milliseconds(10),
                                                 Milliseconds(30))),
         SegmentSpec::cpu(Distribution::exponential(Milliseconds(2)), 1.0),
         SegmentSpec::wait(Distribution::uniform(Milliseconds(20),
                                                 Milliseconds(40))),
         SegmentSpec::cpu(Distribution::exponential(Milliseconds(3)), 1.0),
         SegmentSpec::wait(Distribution::lognormal(Milliseconds(200), 0.5))}}}};
  return s;
}

Scenario fibonacci() {
  Scenario s = base("fibonacci",
                    "the seed's fibonacci_task: recursive pure-Python CPU, "
                    "all of it under the GIL (extreme GIL holding)",
                    true);
  s.phases = {{absl::ZeroDuration(),
               {"fibonacci_task",
                {SegmentSpec::cpu(Distribution::uniform(Milliseconds(8),
                                                        Milliseconds(12)),
                                  1.0)}}}};
  return s;
}

Scenario variable_latency() {
  Scenario s = base("variable_latency",
                    "the seed's variable_latency_task: total latency uniform "
                    "in 10-100 ms, 5 % of it CPU under the GIL",
                    true);
  s.phases = {{absl::ZeroDuration(),
               {"variable_latency_task",
                {SegmentSpec::cpu(Distribution::uniform(Milliseconds(0.5),
                                                        Milliseconds(5)),
                                  1.0),
                 SegmentSpec::wait(Distribution::uniform(Milliseconds(9.5),
                                                         Milliseconds(95)))}}}};
  return s;
}

Scenario bursty() {
  Scenario s = base("bursty",
                    "the io_task under the seed's BurstArrivalGenerator: "
                    "bursts above the GIL's capacity alternating with quiet "
                    "periods",
                    true);
  s.arrivals = ArrivalSpec::bursty(800, absl::Seconds(5), 100, absl::Seconds(10));
  s.phases = {{absl::ZeroDuration(), io_profile()}};
  return s;
}

Scenario io_to_cpu_phase_change() {
  Scenario s = base("io_to_cpu_phase_change",
                    "io_task for the first half, then pure-Python CPU work "
                    "(cpu_task_python) for the second half",
                    true);
  s.phases = {{absl::ZeroDuration(), io_profile()},
              {absl::Minutes(5), cpu_python_profile()}};
  return s;
}

std::vector<Scenario> all() {
  return {io_bound(),  cpu_bound(),        mixed(),  rag_pipeline(),
          fibonacci(), variable_latency(), bursty(), io_to_cpu_phase_change()};
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const Scenario& s : all()) out.push_back(s.name);
  return out;
}

absl::StatusOr<Scenario> find(std::string_view name) {
  for (Scenario& s : all()) {
    if (s.name == name) return std::move(s);
  }
  return absl::NotFoundError(absl::StrCat("unknown scenario '", std::string(name),
                                          "'; known scenarios: ",
                                          absl::StrJoin(names(), ", ")));
}

}  // namespace betapool::scenarios

#include "lab/workload_catalog.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lab/cpu_burner.h"

namespace betapool {
namespace {

using Task = WorkloadGenerator::Task;

absl::Duration ms(double v) { return absl::Microseconds(v * 1000.0); }

// CPython 3.11 on the lab machine: 188 ns per seed math-loop iteration.
absl::Duration python_iterations(int64_t n) { return absl::Nanoseconds(188 * n); }

// A profile of "native CPU, then I/O" (the NumPy-style paper profiles).
WorkloadProfile native_then_io(std::string name, double cpu_ms, double io_ms,
                               std::string source) {
  WorkloadProfile p;
  p.name = std::move(name);
  p.summary = absl::StrCat(cpu_ms, " ms native CPU (GIL released), then ",
                           io_ms, " ms I/O");
  p.source = std::move(source);
  p.paper_profile = true;
  p.make = [cpu_ms, io_ms](const WorkloadGenerator& g) {
    return g.phased_task({WorkloadPhase::native_cpu(iterations_for(ms(cpu_ms))),
                          WorkloadPhase::io(ms(io_ms))});
  };
  return p;
}

std::vector<WorkloadProfile> build_catalog() {
  std::vector<WorkloadProfile> c;
  auto add = [&c](std::string name, std::string summary, std::string source,
                  std::function<Task(const WorkloadGenerator&)> make) {
    c.push_back({std::move(name), std::move(summary), std::move(source),
                 false, std::move(make)});
  };

  // --- The paper's mixed workload.
  add("mixed", "25 us Python CPU (GIL held), then 0.1 ms I/O",
      "paper's cliff benchmark (singleCoreBenchmark.py: 1000-iteration loop "
      "= 25 us in CPython 3.11 here, time.sleep(0.1 ms))",
      [](const WorkloadGenerator& g) {
        return g.phased_task(
            {WorkloadPhase::python_cpu(iterations_for(absl::Microseconds(25))),
             WorkloadPhase::io(absl::Microseconds(100))});
      });
  add("mixed_10_50", "10 ms Python CPU (GIL held), then 50 ms I/O",
      "paper's text (T_CPU = 10 ms, T_IO = 50 ms)",
      [](const WorkloadGenerator& g) {
        return g.phased_task(
            {WorkloadPhase::python_cpu(iterations_for(absl::Milliseconds(10))),
             WorkloadPhase::io(absl::Milliseconds(50))});
      });

  // --- The seed's WorkloadGenerator at its default arguments.
  add("io", "50 ms I/O", "seed io_task(duration_ms=50)",
      [](const WorkloadGenerator& g) { return g.io_task(absl::Milliseconds(50)); });
  add("cpu", "18.8 ms Python CPU (GIL held)",
      "seed cpu_task_python(iterations=100000)",
      [](const WorkloadGenerator& g) {
        return g.cpu_task(iterations_for(python_iterations(100000)));
      });
  add("cpu_parallel", "18.8 ms native CPU (GIL released)",
      "seed cpu_task_numpy, sized like cpu for comparison",
      [](const WorkloadGenerator& g) {
        return g.cpu_task_parallel(iterations_for(python_iterations(100000)));
      });
  add("seed_mixed", "50 ms I/O, then 1.88 ms Python CPU",
      "seed mixed_task(io_duration_ms=50, cpu_iterations=10000)",
      [](const WorkloadGenerator& g) {
        return g.mixed_task(absl::Milliseconds(50),
                            iterations_for(python_iterations(10000)));
      });
  add("rag_pipeline",
      "10 ms I/O, 1.88 ms Python CPU, 200 ms I/O, 3.76 ms Python CPU, 500 ms I/O",
      "seed rag_pipeline_task defaults",
      [](const WorkloadGenerator& g) {
        return g.rag_pipeline_task(
            absl::Milliseconds(10), absl::Milliseconds(200),
            absl::Milliseconds(500), iterations_for(python_iterations(10000)),
            iterations_for(python_iterations(20000)));
      });
  add("fibonacci", "recursive fib(30), GIL held, checked at every call",
      "seed fibonacci_task(n=30); C++ runs it far faster than CPython",
      [](const WorkloadGenerator& g) { return g.fibonacci_task(30); });
  add("variable", "10-100 ms, 20 % Python CPU, rest I/O",
      "seed variable_latency_task(10, 100, 0.2)",
      [](const WorkloadGenerator& g) {
        return g.variable_latency_task(absl::Milliseconds(10),
                                       absl::Milliseconds(100), 0.2);
      });

  // --- The paper's seven edge-AI profiles (Table 13).
  const std::string suite = "realistic_workload_suite.py";
  c.push_back(native_then_io("vision_pipeline", 15, 35,
                             suite + ": ~15 ms NumPy CPU, sleep 35 ms"));
  c.push_back(native_then_io("voice_assistant", 12, 50,
                             suite + ": ~12 ms NumPy FFT CPU, sleep 50 ms"));
  c.push_back(native_then_io("sensor_fusion", 8, 22,
                             suite + ": ~8 ms NumPy CPU, sleep 22 ms"));
  {
    WorkloadProfile p;
    p.name = "rag_orchestration";
    p.summary = "12 ms Python CPU (GIL held), then 42 ms I/O";
    p.source = suite + ": ~12 ms JSON/tokenization CPU, sleep 42 ms";
    p.paper_profile = true;
    p.make = [](const WorkloadGenerator& g) {
      return g.phased_task(
          {WorkloadPhase::python_cpu(iterations_for(absl::Milliseconds(12))),
           WorkloadPhase::io(absl::Milliseconds(42))});
    };
    c.push_back(std::move(p));
  }
  c.push_back(native_then_io("slm_inference", 25, 18,
                             suite + " (Tiny LLM): ~25 ms NumPy CPU, sleep 18 ms"));
  c.push_back(native_then_io("edge_analytics", 15, 30,
                             suite + ": ~15 ms Pandas CPU, sleep 30 ms"));
  c.push_back(native_then_io(
      "onnx_mobilenetv2", 26, 50,
      "rerun_tables_with_ci.py: sleep 50 ms; CPU from the paper's beta 0.657"));
  return c;
}

}  // namespace

const std::vector<WorkloadProfile>& workload_catalog() {
  static const std::vector<WorkloadProfile>* const catalog =
      new std::vector<WorkloadProfile>(build_catalog());
  return *catalog;
}

absl::StatusOr<const WorkloadProfile*> find_workload(std::string_view name) {
  for (const WorkloadProfile& p : workload_catalog()) {
    if (p.name == name) return &p;
  }
  return absl::NotFoundError(
      absl::StrCat("unknown workload '", std::string(name),
                   "'; known workloads: ", absl::StrJoin(workload_names(), ", ")));
}

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const WorkloadProfile& p : workload_catalog()) names.push_back(p.name);
  return names;
}

std::vector<std::string> paper_profile_names() {
  std::vector<std::string> names;
  for (const WorkloadProfile& p : workload_catalog()) {
    if (p.paper_profile) names.push_back(p.name);
  }
  return names;
}

}  // namespace betapool

"""A program written against the seed's Python API (BetaPool 1.0), unchanged
except for nothing at all: it imports `betapool` and uses only the seed's
names, signatures, defaults and result shapes. test_seed_program.py runs it
in a fresh interpreter; it exits 0 and prints "seed program OK" when every
expectation a seed user has holds.
"""

import math
import threading
import time
from concurrent.futures import Future

from betapool import (
    AdaptiveThreadPoolExecutor,
    AggregatedMetrics,
    BurstArrivalGenerator,
    ControllerConfig,
    MetricsCollector,
    PoissonArrivalGenerator,
    StaticThreadPoolExecutor,
    TaskMetrics,
    WorkloadGenerator,
    __version__,
)


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")


def square(x):
    return x * x


def main():
    check(isinstance(__version__, str) and __version__, "__version__ is a string")

    # ControllerConfig: the nine fields and their defaults.
    config = ControllerConfig()
    check(config.monitor_interval_sec == 0.5, "monitor_interval_sec default")
    check(config.beta_high_threshold == 0.7 and config.beta_low_threshold == 0.3,
          "beta thresholds")
    check(config.scale_up_step == 2 and config.scale_down_step == 1, "steps")
    check(config.cpu_upper_threshold == 85.0 and config.cpu_lower_threshold == 50.0,
          "cpu thresholds")
    check(config.stabilization_window_sec == 2.0 and config.warmup_task_count == 10,
          "window and warm-up")

    # The static baseline.
    with StaticThreadPoolExecutor(workers=4) as executor:
        future = executor.submit(lambda x: x * 2, 21)
        check(isinstance(future, Future), "submit returns a concurrent.futures.Future")
        check(future.result(timeout=5.0) == 42, "static result")
        futures = [executor.submit(time.sleep, 0.01) for _ in range(5)]
        for f in futures:
            f.result(timeout=5.0)
        metrics = executor.get_metrics()
        check(metrics["total_tasks"] == 6, f"total_tasks {metrics['total_tasks']}")
        check(metrics["current_threads"] == 4, "static thread count")
        check(executor.get_current_thread_count() == 4, "get_current_thread_count")
        check(isinstance(executor.get_experiment_log(), list), "experiment log")

    # The adaptive executor, as the seed's README shows it.
    fast = ControllerConfig(monitor_interval_sec=0.1, warmup_task_count=3,
                            stabilization_window_sec=0.1)
    with AdaptiveThreadPoolExecutor(min_workers=2, max_workers=16, config=fast) as executor:
        futures = [executor.submit(time.sleep, 0.02) for _ in range(20)]
        for f in futures:
            f.result(timeout=10.0)
        metrics = executor.get_metrics()
        time.sleep(0.5)   # a few controller ticks for the decision history
        for key in ("current_threads", "min_workers", "max_workers", "total_tasks",
                    "avg_blocking_ratio", "throughput", "p50_latency", "p99_latency",
                    "scale_up_count", "scale_down_count"):
            check(key in metrics, f"get_metrics has {key}")
        check(metrics["total_tasks"] == 20, "adaptive total_tasks")
        check(2 <= metrics["current_threads"] <= 16, "thread count within bounds")
        check(metrics["avg_blocking_ratio"] > 0.5, "sleep tasks have a high beta")
        history = executor.get_decision_history()
        check(isinstance(history, list) and history, "decisions were recorded")
        for key in ("timestamp", "threads_before", "threads_after", "blocking_ratio",
                    "cpu_percent", "throughput", "decision"):
            check(key in history[-1], f"decision has {key}")
        check(history[-1]["decision"] in ("scaleUp", "scaleDown", "hold"), "decision names")
        check(abs(history[-1]["timestamp"] - time.time()) < 60, "Unix timestamps")
        log = executor.get_experiment_log()
        for key in ("timestamp", "active_threads", "blocking_ratio", "cpu_percent",
                    "throughput", "p50_latency", "p99_latency"):
            check(key in log[-1], f"experiment log has {key}")

    # Defaults, positional arguments, map, exceptions, a context manager
    # around an existing executor.
    executor = AdaptiveThreadPoolExecutor(2, 8)
    with executor:
        check(list(executor.map(square, range(5))) == [0, 1, 4, 9, 16], "map")
        check(list(executor.map(pow, [2, 3], [3, 2])) == [8, 9], "map over two iterables")

        def failing():
            raise ValueError("Test exception")

        try:
            executor.submit(failing).result(timeout=5.0)
            check(False, "the task's exception reaches result()")
        except ValueError as e:
            check(str(e) == "Test exception", "exception message")
        check(executor.submit(lambda: 42).result(timeout=5.0) == 42, "after a failure")
    for bad in ((0, 8), (10, 5)):
        try:
            AdaptiveThreadPoolExecutor(min_workers=bad[0], max_workers=bad[1])
            check(False, f"ValueError for {bad}")
        except ValueError:
            pass

    # The seed's CPU task has a lower beta than its I/O task.
    with AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8) as cpu_executor:
        cpu = WorkloadGenerator.cpu_task_python(iterations=20000)
        for f in [cpu_executor.submit(cpu) for _ in range(20)]:
            f.result(timeout=30.0)
        cpu_beta = cpu_executor.get_metrics()["avg_blocking_ratio"]
    with AdaptiveThreadPoolExecutor(min_workers=2, max_workers=8) as io_executor:
        for f in [io_executor.submit(WorkloadGenerator.io_task(20.0)) for _ in range(20)]:
            f.result(timeout=30.0)
        io_beta = io_executor.get_metrics()["avg_blocking_ratio"]
    check(cpu_beta < io_beta, f"cpu beta {cpu_beta:.2f} < io beta {io_beta:.2f}")

    # Metrics classes.
    m = TaskMetrics(task_id="t", wall_time=1.0, cpu_time=0.5, blocking_ratio=1.5,
                    timestamp=time.time())
    check(m.blocking_ratio == 1.0, "TaskMetrics clamps beta")
    check(m.to_dict()["task_id"] == "t", "to_dict")
    collector = MetricsCollector(window_size=10)
    check(collector.get_recent_blocking_ratio() == 0.5, "empty collector is neutral")

    def record(n):
        for i in range(n):
            collector.record(TaskMetrics(f"x-{i}", 0.001, 0.0005, 0.5, time.time()))

    threads = [threading.Thread(target=record, args=(100,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(collector.total_tasks == 400, "collector counts concurrently")
    agg = collector.get_aggregated_metrics()
    check(isinstance(agg, AggregatedMetrics) and agg.task_count == 10, "aggregated window")
    # The seed's code returns p50/p90/p99; its index documents P50/P95/P99.
    check({"p50", "p90", "p95", "p99"} <= set(collector.get_latency_percentiles()),
          "percentiles")
    check(collector.get_blocking_ratio_std() == 0.0, "std of equal betas")
    check(collector.get_throughput() >= 0.0, "collector throughput")
    check(len(collector.export_to_list()) == 400, "export")
    collector.reset()
    check(collector.total_tasks == 0 and not collector.export_to_list(), "reset")

    # Workloads and arrivals.
    check(WorkloadGenerator.fibonacci_task(n=10)() == 55, "fibonacci")
    check(isinstance(WorkloadGenerator.mixed_task(io_duration_ms=1.0, cpu_iterations=100)(),
                     float), "mixed task")
    check(isinstance(WorkloadGenerator.rag_pipeline_task(1, 1, 1, 10, 10)()["stages"], dict),
          "rag pipeline")
    check(isinstance(WorkloadGenerator.variable_latency_task(1, 2, 0.5)(), float),
          "variable latency")
    arrivals = PoissonArrivalGenerator(rate_per_second=1000.0)
    arrivals.wait_for_next_arrival()
    check(arrivals.get_next_interarrival_time() >= 0, "poisson gap")
    check(arrivals.get_inter_arrival_time() >= 0, "poisson gap (the index's name)")
    burst = BurstArrivalGenerator(burst_rate_per_second=100.0, quiet_rate_per_second=10.0,
                                  burst_duration_sec=5.0, quiet_duration_sec=10.0)
    check(burst.get_current_rate() == 100.0 and burst.is_burst_phase(), "burst phase")
    check(burst.get_next_interarrival_time() >= 0, "burst gap")
    burst.wait_for_next_arrival()
    print("seed program OK")


if __name__ == "__main__":
    main()

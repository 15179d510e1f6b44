"""The seed's metrics classes keep the seed's behaviour."""

import threading
import time

import pytest

from betapool import AggregatedMetrics, MetricsCollector, TaskMetrics


def tm(i, beta=0.5, wall=0.1):
    return TaskMetrics(f"task-{i}", wall_time=wall, cpu_time=wall * (1 - beta),
                       blocking_ratio=beta, timestamp=time.time())


def test_task_metrics_clamps_and_exports():
    assert tm(1, beta=1.5).blocking_ratio == 1.0
    assert tm(2, beta=-0.5).blocking_ratio == 0.0
    d = tm(3, beta=0.7).to_dict()
    assert d["task_id"] == "task-3" and d["blocking_ratio"] == 0.7
    assert d["error_message"] is None and d["lock_wait_time"] == 0.0
    positional = TaskMetrics("t", 1.0, 0.3, 0.7, 1.0, False, "boom")
    assert positional.success is False and positional.error_message == "boom"


def test_rolling_window_statistics():
    c = MetricsCollector(window_size=4)
    for i, beta in enumerate([0.0, 0.2, 0.4, 0.6, 0.8]):
        c.record(tm(i, beta=beta, wall=0.1 * (i + 1)))
    assert c.total_tasks == 5
    assert c.get_recent_blocking_ratio() == pytest.approx(0.5)   # last four
    assert c.get_recent_blocking_ratio(n=2) == pytest.approx(0.7)
    assert c.get_blocking_ratio_std() == pytest.approx(0.2581988897)
    p = c.get_latency_percentiles()
    assert p["p50"] == pytest.approx(0.35)
    # The seed's code returns p50/p90/p99, its index documents P50/P95/P99.
    assert set(p) == {"p50", "p90", "p95", "p99"}
    assert p["p50"] <= p["p90"] <= p["p95"] <= p["p99"] <= 0.5
    agg = c.get_aggregated_metrics()
    assert isinstance(agg, AggregatedMetrics)
    assert agg.task_count == 4 and agg.avg_wall_time == pytest.approx(0.35)
    assert len(c.export_to_list()) == 5


def test_empty_collector_and_reset():
    c = MetricsCollector()
    assert c.get_recent_blocking_ratio() == 0.5
    assert c.get_blocking_ratio_std() == 0.0
    assert c.get_aggregated_metrics().task_count == 0
    c.record(tm(1))
    c.reset()
    assert c.total_tasks == 0 and c.export_to_list() == []


def test_history_bound_and_validation():
    c = MetricsCollector(window_size=2, max_history=3)
    for i in range(10):
        c.record(tm(i))
    assert [d["task_id"] for d in c.export_to_list()] == ["task-7", "task-8", "task-9"]
    with pytest.raises(ValueError, match="window_size"):
        MetricsCollector(window_size=0)


def test_concurrent_records_are_all_counted():
    c = MetricsCollector()
    threads = [threading.Thread(target=lambda: [c.record(tm(i)) for i in range(200)])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.total_tasks == 1600

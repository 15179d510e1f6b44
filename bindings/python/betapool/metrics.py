"""Task metrics records and the seed's rolling-window collector.

``TaskMetrics``, ``AggregatedMetrics`` and ``MetricsCollector`` keep the
seed's names, fields, defaults and behaviour so that code written against
the seed runs unchanged, with one addition: ``TaskMetrics.lock_wait_time``
(seconds the task's worker waited to acquire the GIL), last and defaulted
so positional construction is unaffected.

The executors do not use this class for their own measurements: those are
taken and aggregated in C++ (see ``get_metrics``/``get_task_log`` of the
executors), and ``get_task_log`` returns them as ``TaskMetrics``.

Example::

    collector = MetricsCollector(window_size=100)
    collector.record(TaskMetrics("task-1", wall_time=0.1, cpu_time=0.02,
                                 blocking_ratio=0.8, timestamp=time.time()))
    collector.get_recent_blocking_ratio()   # 0.8
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

__all__ = ["TaskMetrics", "AggregatedMetrics", "MetricsCollector"]


@dataclass
class TaskMetrics:
    """One task's measurements (times in seconds; timestamp is Unix time)."""

    task_id: str
    wall_time: float
    cpu_time: float
    blocking_ratio: float
    timestamp: float
    success: bool = True
    error_message: Optional[str] = None
    lock_wait_time: float = 0.0

    def __post_init__(self) -> None:
        # The seed clamps beta into [0, 1].
        self.blocking_ratio = max(0.0, min(1.0, self.blocking_ratio))

    def to_dict(self) -> Dict[str, Any]:
        """The record as a dict (for CSV/JSON export)."""
        return {
            "task_id": self.task_id,
            "wall_time": self.wall_time,
            "cpu_time": self.cpu_time,
            "blocking_ratio": self.blocking_ratio,
            "timestamp": self.timestamp,
            "success": self.success,
            "error_message": self.error_message,
            "lock_wait_time": self.lock_wait_time,
        }


@dataclass
class AggregatedMetrics:
    """Statistics over the collector's window of recent tasks."""

    window_start: float
    window_end: float
    task_count: int
    avg_blocking_ratio: float
    std_blocking_ratio: float
    avg_wall_time: float
    avg_cpu_time: float
    throughput: float
    p50_latency: float
    p99_latency: float


def _percentile(sorted_data: List[float], p: float) -> float:
    """Linear interpolation between closest ranks, as the seed does."""
    if not sorted_data:
        return 0.0
    k = (len(sorted_data) - 1) * p / 100
    f = int(k)
    c = f + 1 if f + 1 < len(sorted_data) else f
    return sorted_data[f] + (sorted_data[c] - sorted_data[f]) * (k - f)


class MetricsCollector:
    """Thread-safe rolling window over recent TaskMetrics (the seed's).

    ``window_size`` recent records feed the averages; up to ``max_history``
    are kept for ``export_to_list``. With no records the blocking ratio reads
    the seed's neutral 0.5 (the executors themselves report NaN instead).
    """

    def __init__(self, window_size: int = 100, max_history: int = 10000):
        if window_size < 1:
            raise ValueError(f"window_size = {window_size}: must be at least 1")
        if max_history < 1:
            raise ValueError(f"max_history = {max_history}: must be at least 1")
        self.window_size = window_size
        self.max_history = max_history
        self._recent: "deque[TaskMetrics]" = deque(maxlen=max_history)
        self._lock = threading.Lock()
        self._start_time = time.time()
        self.total_tasks = 0
        self._window_task_count = 0
        self._last_window_reset = time.time()

    def record(self, metrics: TaskMetrics) -> None:
        """Records one task."""
        with self._lock:
            self._recent.append(metrics)
            self.total_tasks += 1
            self._window_task_count += 1

    def _window(self, n: Optional[int]) -> List[TaskMetrics]:
        n = n or self.window_size
        return list(self._recent)[-n:]

    def get_recent_blocking_ratio(self, n: Optional[int] = None) -> float:
        """Mean beta over the last ``n`` (default window_size) tasks; 0.5 if none."""
        with self._lock:
            recent = self._window(n)
            if not recent:
                return 0.5
            return statistics.mean(m.blocking_ratio for m in recent)

    def get_blocking_ratio_std(self, n: Optional[int] = None) -> float:
        """Sample standard deviation of beta; 0.0 with fewer than two tasks."""
        with self._lock:
            recent = self._window(n)
            if len(recent) < 2:
                return 0.0
            return statistics.stdev(m.blocking_ratio for m in recent)

    def get_throughput(self) -> float:
        """Tasks per second since the counting window began (resets after 1 s)."""
        with self._lock:
            now = time.time()
            elapsed = now - self._last_window_reset
            if elapsed < 0.1:
                return 0.0
            throughput = self._window_task_count / elapsed
            if elapsed > 1.0:
                self._window_task_count = 0
                self._last_window_reset = now
            return throughput

    def get_latency_percentiles(self, n: Optional[int] = None) -> Dict[str, float]:
        """Percentiles of wall time over the window: "p50", "p90", "p95", "p99".

        The seed's code returns p50/p90/p99 and its index documents
        P50/P95/P99; both sets of keys are here so code written to either
        runs unchanged.
        """
        with self._lock:
            latencies = sorted(m.wall_time for m in self._window(n))
            return {
                "p50": _percentile(latencies, 50),
                "p90": _percentile(latencies, 90),
                "p95": _percentile(latencies, 95),
                "p99": _percentile(latencies, 99),
            }

    def get_aggregated_metrics(self, n: Optional[int] = None) -> AggregatedMetrics:
        """Every window statistic at once."""
        with self._lock:
            now = time.time()
            recent = self._window(n)
            if not recent:
                return AggregatedMetrics(self._start_time, now, 0, 0.5, 0.0,
                                         0.0, 0.0, 0.0, 0.0, 0.0)
            latencies = sorted(m.wall_time for m in recent)
            elapsed = now - self._last_window_reset
            return AggregatedMetrics(
                window_start=recent[0].timestamp,
                window_end=now,
                task_count=len(recent),
                avg_blocking_ratio=statistics.mean(m.blocking_ratio for m in recent),
                std_blocking_ratio=(statistics.stdev(m.blocking_ratio for m in recent)
                                    if len(recent) > 1 else 0.0),
                avg_wall_time=statistics.mean(m.wall_time for m in recent),
                avg_cpu_time=statistics.mean(m.cpu_time for m in recent),
                throughput=self._window_task_count / elapsed if elapsed > 0.1 else 0.0,
                p50_latency=_percentile(latencies, 50),
                p99_latency=_percentile(latencies, 99),
            )

    def reset(self) -> None:
        """Forgets every record and restarts the counters."""
        with self._lock:
            self._recent.clear()
            self.total_tasks = 0
            self._window_task_count = 0
            self._last_window_reset = time.time()
            self._start_time = time.time()

    def export_to_list(self) -> List[Dict[str, Any]]:
        """Every kept record as a dict, oldest first."""
        with self._lock:
            return [m.to_dict() for m in self._recent]

"""The seed's executors on betapool's C++ core.

``AdaptiveThreadPoolExecutor`` and ``StaticThreadPoolExecutor`` keep the
seed's constructor signatures, methods and return shapes; both are
``concurrent.futures.Executor`` subclasses and ``submit`` returns a
``concurrent.futures.Future``, so ``wait``, ``as_completed``,
``asyncio.wrap_future`` and ``loop.run_in_executor`` work.

Underneath, the pool's threads are C++ threads: they wait for work, and
the controller decides, without the GIL; a worker takes the GIL only to run
the Python callable and complete its future. The time it waits for the GIL
is measured (``gil_wait_ratio`` in ``get_metrics``; ``lock_wait_time`` per
task) — see docs/python.md.

Example::

    from betapool import AdaptiveThreadPoolExecutor
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        futures = [executor.submit(task, arg) for arg in args]
        results = [f.result() for f in futures]
"""

from __future__ import annotations

import concurrent.futures as _cf
import math
import threading
import time
import weakref
from dataclasses import field, make_dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Union

from betapool import _core
from betapool.metrics import TaskMetrics

__all__ = [
    "ControllerConfig",
    "AdaptiveThreadPoolExecutor",
    "StaticThreadPoolExecutor",
    "RejectedError",
]

#: Raised by submit after shutdown (a RuntimeError, as concurrent.futures raises).
RejectedError = _core.RejectedError

_NAN = float("nan")

# The seed's decision names.
_SEED_DECISIONS = {"scale_up": "scaleUp", "scale_down": "scaleDown", "hold": "hold"}


def _make_controller_config() -> type:
    """The seed's ControllerConfig, one field per row of the C++ field table.

    The table (core/controller_config.h, through ``_core.config_fields()``)
    gives each field's name, type, default, range and meaning, so this
    module names no field.
    """
    fields = _core.config_fields()
    doc_lines = [
        "The adaptive controller's nine parameters, with the seed's defaults.",
        "",
        "Checked when an executor is built: a bad value, an unknown field or",
        "a value of the wrong type raises ValueError naming the field and the",
        "value.",
        "",
    ]
    doc_lines += [f"{f['name']} ({f['type'].__name__}, default {f['default']!r}, "
                  f"within [{f['min']!r}, {f['max']!r}]): {f['doc']}" for f in fields]
    cls = make_dataclass(
        "ControllerConfig",
        [(f["name"], f["type"], field(default=f["default"])) for f in fields])
    cls.__module__ = __name__
    cls.__doc__ = "\n".join(doc_lines)
    return cls


if TYPE_CHECKING:
    # What a type checker sees: the same fields, spelled out because the
    # runtime class is built from the C++ table. test_typing.py checks that
    # the two agree, so this cannot drift silently.
    from dataclasses import dataclass

    @dataclass
    class ControllerConfig:
        monitor_interval_sec: float = 0.5
        beta_high_threshold: float = 0.7
        beta_low_threshold: float = 0.3
        scale_up_step: int = 2
        scale_down_step: int = 1
        cpu_upper_threshold: float = 85.0
        cpu_lower_threshold: float = 50.0
        stabilization_window_sec: float = 2.0
        warmup_task_count: int = 10
else:
    ControllerConfig = _make_controller_config()


# Executors still running, shut down (waiting for queued work, as
# concurrent.futures does) before the interpreter starts finalizing: after
# that, a C++ worker can no longer take the GIL.
_live: "weakref.WeakSet[_BetapoolExecutor]" = weakref.WeakSet()
_live_lock = threading.Lock()


def _shutdown_all() -> None:
    with _live_lock:
        executors = list(_live)
    for executor in executors:
        executor.shutdown(wait=True)
    # Executors dropped without shutdown finish their queued work in the
    # background (as concurrent.futures does); wait for that too.
    _core.drain_dropped_executors()


threading._register_atexit(_shutdown_all)  # type: ignore[attr-defined]  # noqa: SLF001 - as concurrent.futures does


def _nan_if_none(value: Optional[float]) -> float:
    return _NAN if value is None else value


class _BetapoolExecutor(_cf.Executor):
    """What both executors share: a betapool._core.Executor and its records."""

    def __init__(self, *, min_workers: int, max_workers: int,
                 config: Optional[ControllerConfig], policy: Any,
                 sensor: Optional[str], initial_workers: Optional[int],
                 record_spacing: Optional[float], enable_logging: bool,
                 manual_control: bool):
        # Timestamps of the C++ records count from the executor's start;
        # the seed's are Unix times.
        self._epoch = time.time()
        self._core = _core.Executor(
            min_workers=min_workers, max_workers=max_workers, config=config,
            policy=policy, sensor=sensor, initial_workers=initial_workers,
            record_spacing=record_spacing, manual_control=manual_control,
            enable_logging=enable_logging)
        self._shutdown_called = False
        with _live_lock:
            _live.add(self)

    # --- concurrent.futures.Executor -------------------------------------

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "_cf.Future[Any]":
        """Runs fn(*args, **kwargs) on a pool thread; returns its Future.

        Raises RejectedError (a RuntimeError) after shutdown.
        """
        return self._core.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stops accepting tasks.

        ``wait``: block until every queued task has run and every thread has
        ended. ``cancel_futures``: cancel the tasks still queued instead of
        running them (tasks already running are waited for).
        """
        self._shutdown_called = True
        if cancel_futures:
            self._core.shutdown_now()
        else:
            self._core.shutdown(wait)
        if wait or cancel_futures:
            with _live_lock:
                _live.discard(self)

    # --- the seed's methods ----------------------------------------------

    def get_current_thread_count(self) -> int:
        """The pool size in force (the controller's last target)."""
        return self._core.target_thread_count()

    def get_metrics(self) -> Dict[str, Any]:
        """The executor's state and window statistics (the seed's keys first).

        ``avg_blocking_ratio`` is NaN when no task finished recently (no
        evidence), rather than the seed's 0.5. betapool adds
        ``gil_wait_ratio``: mean share of a recent task's run time its
        worker spent waiting to acquire the GIL.
        """
        m = self._core.metrics()
        w = m.window
        has_window = w.task_count > 0
        history = self._core.decision_history()
        interval = m.since_last_tick
        length = interval.length
        return {
            "current_threads": m.target_thread_count,
            "min_workers": m.min_workers,
            "max_workers": m.max_workers,
            "total_tasks": self._core.tasks_finished,
            "avg_blocking_ratio": w.avg_blocking_ratio if has_window else _NAN,
            "throughput": w.throughput,
            "p50_latency": w.p50_latency,
            "p99_latency": w.p99_latency,
            "scale_up_count": sum(1 for d in history if d.decision == "scale_up"),
            "scale_down_count": sum(1 for d in history if d.decision == "scale_down"),
            # betapool additions
            "gil_wait_ratio": w.avg_lock_wait_ratio if has_window else _NAN,
            "window_task_count": w.task_count,
            "p95_latency": w.p95_latency,
            "live_threads": m.thread_count,
            "busy_threads": m.busy_workers,
            "queue_depth": m.queue_depth,
            "tasks_submitted": m.tasks_submitted,
            "failed_tasks": self._core.tasks_failed,
            "cancelled_tasks": self._core.tasks_cancelled,
            "pool_cpu_cores": interval.cpu_time / length if length > 0 else _NAN,
            "cpu_percent": _nan_if_none(m.cpu.system_percent),
            "process_cpu_percent": _nan_if_none(m.cpu.process_percent),
            "policy": m.policy,
            "policy_faults": m.policy_faults,
        }

    def get_experiment_log(self) -> List[Dict[str, Any]]:
        """One row per controller tick (the seed's keys, plus queue_depth)."""
        return [{
            "timestamp": self._epoch + e.timestamp,
            "active_threads": e.active_threads,
            "blocking_ratio": e.blocking_ratio,
            "cpu_percent": e.cpu_percent,
            "throughput": e.throughput,
            "p50_latency": e.p50_latency,
            "p99_latency": e.p99_latency,
            "queue_depth": e.queue_depth,
        } for e in self._core.experiment_log()]

    def get_decision_history(self) -> List[Dict[str, Any]]:
        """Every controller decision, oldest first.

        The seed's keys (``decision`` is "scaleUp", "scaleDown" or "hold"),
        plus ``requested``, ``reason``, ``gil_wait_ratio`` (share of the
        workers' busy time since the previous tick spent waiting for the
        GIL), ``process_cpu_percent``, ``queue_depth`` and ``policy``.
        Unavailable readings are NaN.
        """
        return [{
            "timestamp": self._epoch + d.timestamp,
            "threads_before": d.threads_before,
            "threads_after": d.threads_after,
            "blocking_ratio": d.blocking_ratio,
            "cpu_percent": d.cpu_percent,
            "throughput": d.throughput,
            "decision": _SEED_DECISIONS.get(d.decision, d.decision),
            "requested": d.requested,
            "reason": d.reason,
            "gil_wait_ratio": d.lock_wait_ratio,
            "process_cpu_percent": d.process_cpu_percent,
            "queue_depth": d.queue_depth,
            "policy": d.policy,
        } for d in self._core.decision_history()]

    # --- betapool additions ------------------------------------------------

    def get_task_log(self) -> List[TaskMetrics]:
        """Recorded tasks as TaskMetrics (with lock_wait_time), oldest first.

        Short tasks are sampled: a worker records a task when at least
        ``record_spacing`` seconds (default 0.001) passed since the start of
        its previous recorded one; every task still counts in the totals.
        """
        return [TaskMetrics(
            task_id=f"task-{r.task_id:08d}",
            wall_time=r.wall_time,
            cpu_time=r.cpu_time,
            blocking_ratio=r.blocking_ratio,
            timestamp=self._epoch + r.timestamp,
            success=r.success,
            error_message=r.error_message or None,
            lock_wait_time=r.lock_wait_time,
        ) for r in self._core.task_log()]

    def get_live_thread_count(self) -> int:
        """Worker OS threads alive now (follows a shrink within a tick)."""
        return self._core.thread_count()

    @property
    def policy(self) -> str:
        """The name of the scaling policy in use."""
        return self._core.policy_name

    def resize(self, threads: int) -> int:
        """Sets the pool size now (clamped to the bounds); returns it."""
        return self._core.resize(threads)

    def snapshot(self) -> _core.ControllerSnapshot:
        """What the policy would see if the controller ticked now."""
        return self._core.snapshot()

    def tick(self) -> Dict[str, Any]:
        """Runs one controller tick now (for manual_control executors)."""
        self._core.tick()
        return self.get_decision_history()[-1]


class AdaptiveThreadPoolExecutor(_BetapoolExecutor):
    """A pool that sizes itself between ``min_workers`` and ``max_workers``.

    The seed's signature; betapool adds keyword-only options:
    ``policy`` — a registered name (``betapool.policy_names()``; default
    "beta_veto", the paper's controller) or an object with
    ``decide(snapshot)``; ``sensor`` — a registered CPU sensor name, or None
    for none; ``initial_workers`` (default ``min_workers``);
    ``record_spacing`` — seconds between a worker's recorded tasks;
    ``manual_control`` — no controller thread (call ``tick()``).

    Raises ValueError for a bad size, config field or unknown name, and
    TypeError naming the argument for a size or ``record_spacing`` of the
    wrong type (``"4"``, ``2.5``, ``True``).
    """

    def __init__(self, min_workers: int = 4, max_workers: int = 64,
                 config: Optional[ControllerConfig] = None,
                 enable_logging: bool = False, *,
                 policy: Union[str, Any] = "beta_veto",
                 sensor: Optional[str] = "proc_stat",
                 initial_workers: Optional[int] = None,
                 record_spacing: Optional[float] = None,
                 manual_control: bool = False):
        self.min_workers = min_workers
        self.max_workers = max_workers
        # Not `config or ...`: a falsy wrong value (0, {}) must be rejected,
        # not replaced by the defaults.
        self.config = ControllerConfig() if config is None else config
        super().__init__(min_workers=min_workers, max_workers=max_workers,
                         config=self.config, policy=policy, sensor=sensor,
                         initial_workers=initial_workers,
                         record_spacing=record_spacing,
                         enable_logging=enable_logging,
                         manual_control=manual_control)


class StaticThreadPoolExecutor(_BetapoolExecutor):
    """A fixed-size pool with the same API (the seed's baseline)."""

    def __init__(self, workers: int = 4, *, record_spacing: Optional[float] = None,
                 sensor: Optional[str] = "proc_stat"):
        self.workers = workers
        super().__init__(min_workers=workers, max_workers=workers, config=None,
                         policy="static", sensor=sensor, initial_workers=None,
                         record_spacing=record_spacing, enable_logging=False,
                         manual_control=False)

"""Choosing and writing scaling policies from Python.

Every policy has a registered name: betapool's built-ins (C++) and any
written in Python and registered here. ``AdaptiveThreadPoolExecutor(...,
policy="name")`` picks one; ``policy=obj`` uses an object directly.

A Python policy is an object with ``decide(snapshot)`` returning the next
thread count: an int, a ``(target, reason)`` tuple or a ``ScalingDecision``.
``snapshot`` is a ``betapool._core.ControllerSnapshot`` (fields in seconds:
``now``, ``current_workers``, ``min_workers``, ``max_workers``,
``busy_workers``, ``queue_depth``, ``total_completed``, ``interval`` with
``busy_wall_time``/``cpu_time``/``lock_wait_time`` and ``beta()``/
``lock_wait_ratio()``/``throughput()``, ``window`` and ``cpu``). The
controller clamps the answer to the bounds. decide() runs on the
controller thread with the GIL held, once per tick; if it raises, the tick
holds the size and the fault is counted (``get_metrics()["policy_faults"]``).

Example::

    class AlwaysEight:
        def decide(self, snapshot):
            return ScalingDecision(8, "always eight")

    register_policy("always_eight", lambda ctx: AlwaysEight())
    AdaptiveThreadPoolExecutor(2, 16, policy="always_eight")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List

from betapool import _core
from betapool.executor import ControllerConfig

__all__ = ["ScalingDecision", "register_policy", "policy_names", "GilWaitVetoPolicy"]


@dataclass
class ScalingDecision:
    """A policy's answer: the thread count wanted, and why."""

    target: int
    reason: str = ""


def register_policy(name: str,
                    factory: Callable[[_core.PolicyContext], Any]) -> None:
    """Registers ``factory(ctx) -> policy`` under ``name``.

    ``ctx`` has ``config`` (the controller configuration, seed field names),
    ``min_workers``, ``max_workers`` and ``initial_workers``. Raises
    ValueError if the name is empty or taken, TypeError-like ValueError if
    the factory is not callable.
    """
    _core.register_policy(name, factory)


def policy_names() -> List[str]:
    """Every registered policy name (built-in and Python), sorted."""
    return list(_core.policy_names())


class GilWaitVetoPolicy:
    """Grows on I/O waiting, vetoes growth on GIL waiting (written in Python).

    Plain beta counts a thread waiting for the GIL as "blocked", so on
    GIL-bound work it reads high and the paper's policy adds threads. This
    policy separates the two with what the executor measures each interval:

    - ``gil`` = interval.lock_wait_ratio(): share of the workers' busy time
      spent waiting to acquire the GIL before a task;
    - ``other`` = 1 - (cpu_time + lock_wait_time) / busy_wall_time: busy
      time blocked on something else (I/O, sleeps);
    - ``gil_load`` = cpu_time / interval.length: cores of CPU the pool's
      tasks used; pure-Python work cannot exceed about one.

    At each tick, after the stabilization window and warm-up: more than
    ``gil_high`` of busy time waiting for the GIL -> shrink by about an
    eighth; GIL waiting above ``gil_low`` while the pool burns
    ``saturated_cores`` or more -> hold (the GIL is the bottleneck);
    ``other`` above beta_high_threshold with the process's CPU share under
    cpu_upper_threshold -> grow by about a quarter (at least
    scale_up_step); otherwise hold.

    Registered as "gil_wait_veto_python". The same rule is built in, in C++,
    as "gil_wait_veto" (policies/gil_wait_veto_policy.h): it answers the
    same targets and reasons without taking the GIL on the controller
    thread, so pick that one to run it. This class is an example of a Python
    policy as much as a policy: see docs/python.md for how it does on the
    real GIL and what a Python-written policy costs per tick.
    """

    name = "gil_wait_veto_python"

    def __init__(self, config: Any = None, *, gil_high: float = 0.5,
                 gil_low: float = 0.1, saturated_cores: float = 0.8):
        if config is None:
            config = ControllerConfig()
        self.stabilization = config.stabilization_window_sec
        self.warmup = config.warmup_task_count
        self.beta_high = config.beta_high_threshold
        self.cpu_upper = config.cpu_upper_threshold
        self.up_step = config.scale_up_step
        self.down_step = config.scale_down_step
        self.gil_high = gil_high
        self.gil_low = gil_low
        self.saturated_cores = saturated_cores
        self._last_change = 0.0

    def decide(self, s: _core.ControllerSnapshot) -> ScalingDecision:
        cur = s.current_workers
        iv = s.interval
        if s.now - self._last_change < self.stabilization:
            return ScalingDecision(cur, "stabilizing")
        if s.total_completed < self.warmup:
            return ScalingDecision(cur, "warming up")
        if iv.completed == 0 or iv.busy_wall_time <= 0 or iv.length <= 0:
            return ScalingDecision(cur, "no tasks finished this interval")
        gil = iv.lock_wait_ratio() or 0.0
        other = max(0.0, 1.0 - (iv.cpu_time + iv.lock_wait_time) / iv.busy_wall_time)
        gil_load = iv.cpu_time / iv.length
        process_cpu = s.cpu.process_percent
        if gil > self.gil_high:
            target = cur - max(self.down_step, cur // 8)
            reason = f"GIL wait {gil:.2f} > {self.gil_high:.2f}"
        elif gil > self.gil_low and gil_load >= self.saturated_cores:
            target = cur
            reason = f"GIL saturated: wait {gil:.2f}, pool CPU {gil_load:.2f} cores"
        elif other > self.beta_high and (process_cpu is None or process_cpu < self.cpu_upper):
            target = cur + max(self.up_step, cur // 4)
            reason = f"blocked {other:.2f} > {self.beta_high:.2f}, GIL wait {gil:.2f}"
        else:
            target = cur
            reason = f"hold: blocked {other:.2f}, GIL wait {gil:.2f}, pool CPU {gil_load:.2f}"
        target = max(s.min_workers, min(s.max_workers, target))
        if target != cur:
            self._last_change = s.now
        return ScalingDecision(target, reason)


if GilWaitVetoPolicy.name not in policy_names():  # importlib.reload-safe
    register_policy(GilWaitVetoPolicy.name, lambda ctx: GilWaitVetoPolicy(ctx.config))

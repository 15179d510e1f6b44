"""A small fully typed program on betapool's public API.

Checked with ``mypy --strict`` by the ctest test python_typed_example, so
it doubles as a check that betapool's annotations and its _core.pyi stub
describe the real module. Run it too:

    PYTHONPATH=build/bindings/python python3 bindings/python/examples/typed_service.py
"""

from __future__ import annotations

import time
from typing import Dict, List, Union

from betapool import (
    AdaptiveThreadPoolExecutor,
    ControllerConfig,
    ScalingDecision,
    policy_names,
    register_policy,
)
from betapool._core import ControllerSnapshot, PolicyContext


class HalfQueuePolicy:
    """Grows by one while work is queued, shrinks by one when idle."""

    def __init__(self, ctx: PolicyContext) -> None:
        self.step: int = ctx.config.scale_up_step

    def decide(self, snapshot: ControllerSnapshot) -> ScalingDecision:
        cur = snapshot.current_workers
        if snapshot.queue_depth > 0:
            return ScalingDecision(cur + self.step, f"{snapshot.queue_depth} queued")
        if snapshot.busy_workers < cur // 2:
            return ScalingDecision(cur - 1, "half idle")
        return ScalingDecision(cur, "hold")


def handle(request_id: int) -> Dict[str, Union[int, float]]:
    """A request: a little I/O (a sleep) and a little CPU."""
    time.sleep(0.002)
    return {"id": request_id, "sum": sum(range(request_id * 10))}


def main() -> int:
    if "half_queue" not in policy_names():
        register_policy("half_queue", HalfQueuePolicy)
    config = ControllerConfig(monitor_interval_sec=0.1, stabilization_window_sec=0.2)
    with AdaptiveThreadPoolExecutor(2, 8, config=config, policy="half_queue") as pool:
        first = pool.submit(handle, 1).result()
        results: List[Dict[str, Union[int, float]]] = list(pool.map(handle, range(50)))
        metrics = pool.get_metrics()
        threads: int = pool.get_current_thread_count()
        policy: str = pool.policy
    print(f"first={first} results={len(results)} threads={threads} "
          f"policy={policy} total_tasks={metrics['total_tasks']}")
    return 0 if len(results) == 50 and policy == "half_queue" else 1


if __name__ == "__main__":
    raise SystemExit(main())

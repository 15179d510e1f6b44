"""betapool: a thread pool that sizes itself, for Python, on a C++ core.

A drop-in for the seed's BetaPool library (same names, signatures and
defaults): change the import, keep the code. See docs/python.md.

Example::

    from betapool import AdaptiveThreadPoolExecutor
    with AdaptiveThreadPoolExecutor(min_workers=4, max_workers=64) as executor:
        futures = [executor.submit(task, arg) for arg in args]
        results = [f.result() for f in futures]
"""

from betapool import _core
from betapool.executor import (
    AdaptiveThreadPoolExecutor,
    ControllerConfig,
    RejectedError,
    StaticThreadPoolExecutor,
)
from betapool.metrics import AggregatedMetrics, MetricsCollector, TaskMetrics
from betapool.policies import ScalingDecision, policy_names, register_policy
from betapool.workloads import (
    BurstArrivalGenerator,
    PoissonArrivalGenerator,
    WorkloadGenerator,
)

__version__ = _core.version

__all__ = [
    "AdaptiveThreadPoolExecutor",
    "StaticThreadPoolExecutor",
    "ControllerConfig",
    "TaskMetrics",
    "MetricsCollector",
    "AggregatedMetrics",
    "WorkloadGenerator",
    "PoissonArrivalGenerator",
    "BurstArrivalGenerator",
    "ScalingDecision",
    "register_policy",
    "policy_names",
    "RejectedError",
    "__version__",
]

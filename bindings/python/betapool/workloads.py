"""The seed's test workloads and arrival processes, as Python code.

They are deliberately plain Python: what they measure is how tasks behave
under the real interpreter lock. ``io_task`` sleeps (the GIL released),
``cpu_task_python`` and ``fibonacci_task`` run bytecode (the GIL held),
``mixed_task`` sleeps then computes. ``cpu_task_native`` (a betapool
addition) computes in C++ with the GIL released — what NumPy does — for
machines without NumPy; ``cpu_task_numpy`` needs NumPy, as in the seed.

Example::

    task = WorkloadGenerator.mixed_task(io_duration_ms=5.0, cpu_iterations=2000)
    executor.submit(task)
    arrivals = PoissonArrivalGenerator(rate_per_second=100.0)
    arrivals.wait_for_next_arrival()
"""

from __future__ import annotations

import importlib
import math
import random
import time
from typing import Any, Callable, Dict, Optional

from betapool import _core

__all__ = ["WorkloadGenerator", "PoissonArrivalGenerator", "BurstArrivalGenerator"]


def _non_negative(name: str, value: float) -> None:
    if not value >= 0:
        raise ValueError(f"{name} = {value!r}: must be >= 0")


class WorkloadGenerator:
    """Factories of task callables (static methods, the seed's names)."""

    @staticmethod
    def io_task(duration_ms: float = 50.0) -> Callable[[], bool]:
        """Sleeps ``duration_ms`` (I/O: the GIL is released); returns True."""
        _non_negative("duration_ms", duration_ms)
        seconds = duration_ms / 1000.0

        def task() -> bool:
            time.sleep(seconds)
            return True

        return task

    @staticmethod
    def cpu_task_python(iterations: int = 100000) -> Callable[[], float]:
        """Pure-Python math loop: holds the GIL throughout."""
        _non_negative("iterations", iterations)

        def task() -> float:
            result = 0.0
            for i in range(iterations):
                result += math.sin(i) * math.cos(i)
            return result

        return task

    @staticmethod
    def cpu_task_native(iterations: int = 100000) -> Callable[[], float]:
        """The same loop in C++ with the GIL released (a NumPy stand-in)."""
        _non_negative("iterations", iterations)

        def task() -> float:
            return _core.native_cpu(iterations)

        return task

    @staticmethod
    def cpu_task_numpy(matrix_size: int = 100) -> Callable[[], Any]:
        """Matrix product in NumPy (releases the GIL). Raises ImportError without NumPy."""
        try:
            # By name, so type checkers do not require NumPy (an optional
            # dependency) or its stubs to be installed.
            np: Any = importlib.import_module("numpy")
        except ImportError as e:
            raise ImportError("NumPy is required for cpu_task_numpy "
                              "(or use cpu_task_native)") from e

        def task() -> Any:
            a = np.random.rand(matrix_size, matrix_size)
            b = np.random.rand(matrix_size, matrix_size)
            return np.dot(a, b)

        return task

    @staticmethod
    def mixed_task(io_duration_ms: float = 50.0,
                   cpu_iterations: int = 10000) -> Callable[[], float]:
        """Sleeps ``io_duration_ms``, then runs the Python math loop."""
        _non_negative("io_duration_ms", io_duration_ms)
        _non_negative("cpu_iterations", cpu_iterations)
        seconds = io_duration_ms / 1000.0

        def task() -> float:
            time.sleep(seconds)
            result = 0.0
            for i in range(cpu_iterations):
                result += math.sin(i) * math.cos(i)
            return result

        return task

    @staticmethod
    def rag_pipeline_task(network_latency_ms: float = 10.0,
                          vector_db_latency_ms: float = 200.0,
                          llm_latency_ms: float = 500.0,
                          tokenization_iterations: int = 10000,
                          reranking_iterations: int = 20000
                          ) -> Callable[[], Dict[str, Any]]:
        """Network wait, tokenize (CPU), vector DB wait, rerank (CPU), LLM wait."""
        for name, value in (("network_latency_ms", network_latency_ms),
                            ("vector_db_latency_ms", vector_db_latency_ms),
                            ("llm_latency_ms", llm_latency_ms),
                            ("tokenization_iterations", tokenization_iterations),
                            ("reranking_iterations", reranking_iterations)):
            _non_negative(name, value)

        def task() -> Dict[str, Any]:
            stages: Dict[str, float] = {}
            start = time.time()
            time.sleep(network_latency_ms / 1000.0)
            stages["network_receive"] = time.time() - start
            start = time.time()
            result = 0.0
            for i in range(tokenization_iterations):
                result += math.sin(i) * math.cos(i)
            stages["tokenization"] = time.time() - start
            start = time.time()
            time.sleep(vector_db_latency_ms / 1000.0)
            stages["vector_db"] = time.time() - start
            start = time.time()
            for i in range(reranking_iterations):
                result += math.sin(i) * math.cos(i)
            stages["reranking"] = time.time() - start
            start = time.time()
            time.sleep(llm_latency_ms / 1000.0)
            stages["llm_generation"] = time.time() - start
            return {"result": result, "stages": stages}

        return task

    @staticmethod
    def fibonacci_task(n: int = 30) -> Callable[[], int]:
        """Naive recursive Fibonacci: holds the GIL for its whole run."""
        _non_negative("n", n)

        def fib(x: int) -> int:
            return x if x <= 1 else fib(x - 1) + fib(x - 2)

        def task() -> int:
            return fib(n)

        return task

    @staticmethod
    def variable_latency_task(min_ms: float = 10.0, max_ms: float = 100.0,
                              cpu_fraction: float = 0.2) -> Callable[[], float]:
        """Random total time in [min_ms, max_ms]; ``cpu_fraction`` of it computing."""
        _non_negative("min_ms", min_ms)
        if max_ms < min_ms:
            raise ValueError(f"max_ms = {max_ms!r}: must be >= min_ms ({min_ms!r})")
        if not 0.0 <= cpu_fraction <= 1.0:
            raise ValueError(f"cpu_fraction = {cpu_fraction!r}: must be within [0, 1]")

        def task() -> float:
            total_ms = random.uniform(min_ms, max_ms)
            cpu_ms = total_ms * cpu_fraction
            time.sleep((total_ms - cpu_ms) / 1000.0)
            result = 0.0
            for i in range(int(cpu_ms * 1000)):
                result += math.sin(i)
            return result

        return task


def _positive_rate(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} = {value!r}: must be > 0")


class PoissonArrivalGenerator:
    """Arrivals of a Poisson process: exponential gaps with mean 1/rate."""

    def __init__(self, rate_per_second: float, seed: Optional[int] = None):
        _positive_rate("rate_per_second", rate_per_second)
        self.rate_per_second = rate_per_second
        self.last_arrival_time = time.time()
        self._random = random.Random(seed)

    def get_next_interarrival_time(self) -> float:
        """Seconds until the next arrival."""
        return self._random.expovariate(self.rate_per_second)

    # The seed's index names it so.
    get_inter_arrival_time = get_next_interarrival_time

    def wait_for_next_arrival(self) -> None:
        """Sleeps one inter-arrival gap."""
        time.sleep(self.get_next_interarrival_time())
        self.last_arrival_time = time.time()


class BurstArrivalGenerator:
    """Alternates ``burst_duration_sec`` at the burst rate with quiet periods."""

    def __init__(self, burst_rate_per_second: float = 100.0,
                 quiet_rate_per_second: float = 10.0,
                 burst_duration_sec: float = 5.0,
                 quiet_duration_sec: float = 10.0,
                 seed: Optional[int] = None):
        _positive_rate("burst_rate_per_second", burst_rate_per_second)
        _non_negative("quiet_rate_per_second", quiet_rate_per_second)
        _positive_rate("burst_duration_sec", burst_duration_sec)
        _non_negative("quiet_duration_sec", quiet_duration_sec)
        self.burst_rate = burst_rate_per_second
        self.quiet_rate = quiet_rate_per_second
        self.burst_duration = burst_duration_sec
        self.quiet_duration = quiet_duration_sec
        self.cycle_start = time.time()
        self._random = random.Random(seed)

    def is_burst_phase(self) -> bool:
        """True during the burst part of the cycle."""
        cycle = self.burst_duration + self.quiet_duration
        return (time.time() - self.cycle_start) % cycle < self.burst_duration

    @property
    def in_burst(self) -> bool:
        return self.is_burst_phase()

    def get_current_rate(self) -> float:
        """Arrivals per second in the current phase."""
        return self.burst_rate if self.is_burst_phase() else self.quiet_rate

    def get_next_interarrival_time(self) -> float:
        """Seconds until the next arrival at the current rate (1 s if the rate is 0)."""
        rate = self.get_current_rate()
        return self._random.expovariate(rate) if rate > 0 else 1.0

    def wait_for_next_arrival(self) -> None:
        """Sleeps one inter-arrival gap at the current rate."""
        time.sleep(self.get_next_interarrival_time())

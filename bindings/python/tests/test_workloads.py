"""Workloads do what they say; arrival generators have the right rates."""

import statistics
import time

import pytest

from betapool import BurstArrivalGenerator, PoissonArrivalGenerator, WorkloadGenerator


def cpu_share(fn):
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return (time.thread_time() - cpu), (time.perf_counter() - wall)


def test_io_task_sleeps_off_cpu():
    cpu, wall = cpu_share(WorkloadGenerator.io_task(30.0))
    assert wall >= 0.029
    assert cpu < 0.5 * wall


def test_cpu_tasks_compute():
    assert isinstance(WorkloadGenerator.cpu_task_python(1000)(), float)
    assert WorkloadGenerator.fibonacci_task(10)() == 55
    native = WorkloadGenerator.cpu_task_native(1000)()
    assert native == pytest.approx(WorkloadGenerator.cpu_task_python(1000)())


def test_mixed_and_rag_tasks():
    cpu, wall = cpu_share(WorkloadGenerator.mixed_task(io_duration_ms=20.0, cpu_iterations=100))
    assert wall >= 0.019
    out = WorkloadGenerator.rag_pipeline_task(1, 2, 3, 100, 100)()
    assert set(out["stages"]) == {"network_receive", "tokenization", "vector_db",
                                  "reranking", "llm_generation"}
    assert out["stages"]["llm_generation"] >= 0.0029


def test_numpy_task_needs_numpy():
    try:
        import numpy  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError):
            WorkloadGenerator.cpu_task_numpy(10)
    else:
        assert WorkloadGenerator.cpu_task_numpy(10)().shape == (10, 10)


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="duration_ms"):
        WorkloadGenerator.io_task(-1)
    with pytest.raises(ValueError, match="max_ms"):
        WorkloadGenerator.variable_latency_task(10, 5)
    with pytest.raises(ValueError, match="cpu_fraction"):
        WorkloadGenerator.variable_latency_task(1, 2, 1.5)
    with pytest.raises(ValueError, match="rate_per_second"):
        PoissonArrivalGenerator(0)
    with pytest.raises(ValueError, match="burst_duration_sec"):
        BurstArrivalGenerator(burst_duration_sec=0)


def test_poisson_mean_rate():
    gen = PoissonArrivalGenerator(rate_per_second=200.0, seed=5)
    gaps = [gen.get_next_interarrival_time() for _ in range(20000)]
    # Mean of 20000 exponential gaps: standard error 0.7 % of the mean.
    assert statistics.mean(gaps) == pytest.approx(1 / 200.0, rel=0.03)
    assert gen.get_inter_arrival_time() > 0


def test_burst_phases():
    # Long phases, and the clock moved by moving the cycle's start: a
    # descheduled test thread cannot miss a phase.
    gen = BurstArrivalGenerator(burst_rate_per_second=100.0, quiet_rate_per_second=0.0,
                                burst_duration_sec=30.0, quiet_duration_sec=30.0, seed=1)
    assert gen.is_burst_phase() and gen.get_current_rate() == 100.0
    gen.cycle_start -= 40.0   # 10 s into the quiet phase
    assert not gen.is_burst_phase()
    assert gen.get_current_rate() == 0.0
    assert gen.get_next_interarrival_time() == 1.0

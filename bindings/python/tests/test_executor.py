"""The executors' behaviour: results, errors, futures interop, shutdown."""

import asyncio
import concurrent.futures as cf
import gc
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import betapool
from betapool import AdaptiveThreadPoolExecutor, StaticThreadPoolExecutor


def test_submit_passes_args_and_kwargs():
    with StaticThreadPoolExecutor(2) as ex:
        f = ex.submit(lambda a, b, *, c: (a, b, c), 1, 2, c=3)
        assert f.result(timeout=10) == (1, 2, 3)
        assert ex.submit(dict, x=1).result(timeout=10) == {"x": 1}


def test_exception_reaches_future_and_worker_survives():
    class Custom(Exception):
        pass

    def fail():
        raise Custom("bad")

    with StaticThreadPoolExecutor(1) as ex:
        f = ex.submit(fail)
        with pytest.raises(Custom, match="bad"):
            f.result(timeout=10)
        assert f.exception().__traceback__ is not None
        assert ex.submit(lambda: 5).result(timeout=10) == 5
        m = ex.get_metrics()
        assert m["failed_tasks"] == 1
        assert m["total_tasks"] == 2


def test_base_exception_reaches_future():
    def exit_task():
        raise SystemExit(3)

    with StaticThreadPoolExecutor(1) as ex:
        with pytest.raises(SystemExit):
            ex.submit(exit_task).result(timeout=10)
        assert ex.submit(lambda: 1).result(timeout=10) == 1


def test_not_callable_raises_type_error():
    with StaticThreadPoolExecutor(1) as ex:
        with pytest.raises(TypeError):
            ex.submit(42)


def test_wait_and_as_completed():
    with StaticThreadPoolExecutor(4) as ex:
        futures = [ex.submit(time.sleep, 0.01 * (i % 3)) for i in range(12)]
        done, not_done = cf.wait(futures, timeout=30)
        assert len(done) == 12 and not not_done
        assert len(list(cf.as_completed(futures, timeout=30))) == 12


def test_futures_interop_with_errors_and_first_completed():
    # The futures are concurrent.futures.Future: the module-level helpers
    # see completion, results and exceptions exactly as with
    # ThreadPoolExecutor. No timing: the gate orders the events.
    gate = threading.Event()

    def fail():
        raise KeyError("boom")

    with StaticThreadPoolExecutor(2) as ex:
        slow = ex.submit(gate.wait, 60)
        bad = ex.submit(fail)
        assert all(isinstance(f, cf.Future) for f in (slow, bad))
        done, not_done = cf.wait([slow, bad], timeout=60, return_when=cf.FIRST_EXCEPTION)
        assert done == {bad} and not_done == {slow}
        assert isinstance(bad.exception(), KeyError)
        gate.set()
        done, _ = cf.wait([slow, bad], timeout=60, return_when=cf.ALL_COMPLETED)
        assert done == {slow, bad}
        futures = [ex.submit(lambda i=i: 1 // (i % 2)) for i in range(6)]
        outcomes = [f.exception() is None for f in cf.as_completed(futures, timeout=60)]
        assert sorted(outcomes) == [False] * 3 + [True] * 3

    async def main(ex):
        with pytest.raises(ZeroDivisionError):
            await asyncio.wrap_future(ex.submit(lambda: 1 // 0))
        return await asyncio.gather(*(asyncio.wrap_future(ex.submit(abs, -i))
                                      for i in range(10)))

    with AdaptiveThreadPoolExecutor(2, 4) as ex:
        assert asyncio.run(main(ex)) == list(range(10))


def test_map_order_and_timeout():
    gate = threading.Event()
    with StaticThreadPoolExecutor(2) as ex:
        assert list(ex.map(lambda x: -x, range(50))) == [-x for x in range(50)]
        with pytest.raises(cf.TimeoutError):
            list(ex.map(gate.wait, [30.0, 30.0], timeout=0.05))
        gate.set()


def test_asyncio_interop():
    async def main(ex):
        a = await asyncio.wrap_future(ex.submit(lambda: 7))
        b = await asyncio.get_running_loop().run_in_executor(ex, sum, [1, 2, 3])
        return a, b

    with AdaptiveThreadPoolExecutor(2, 4) as ex:
        assert asyncio.run(main(ex)) == (7, 6)


def test_cancelled_future_is_skipped():
    gate = threading.Event()
    ran = []
    with StaticThreadPoolExecutor(1) as ex:
        blocker = ex.submit(gate.wait, 30)
        victim = ex.submit(ran.append, "ran")
        assert victim.cancel()
        gate.set()
        blocker.result(timeout=30)
    assert ran == []
    assert victim.cancelled()
    assert ex.get_metrics()["cancelled_tasks"] == 1


def test_submit_after_shutdown_raises_runtime_error():
    ex = StaticThreadPoolExecutor(1)
    ex.shutdown()
    with pytest.raises(RuntimeError):
        ex.submit(print)
    assert issubclass(betapool.RejectedError, RuntimeError)


def test_shutdown_without_wait_still_runs_queued_tasks():
    ex = StaticThreadPoolExecutor(1)
    futures = [ex.submit(time.sleep, 0.01) for _ in range(5)]
    ex.shutdown(wait=False)
    for f in futures:
        assert f.result(timeout=30) is None


def test_shutdown_cancel_futures_cancels_queued_tasks():
    # Ordered by events, not by sleeps: the only worker is inside the
    # blocker before shutdown starts, and the blocker is released only once
    # shutdown has cancelled the queue (a timer could fire first on a loaded
    # machine and let the worker run the queued tasks).
    started, gate = threading.Event(), threading.Event()
    ex = StaticThreadPoolExecutor(1)
    running = ex.submit(lambda: (started.set(), gate.wait(60))[1])
    queued = [ex.submit(time.sleep, 0) for _ in range(10)]
    assert started.wait(60)

    def release_when_cancelled():
        deadline = time.monotonic() + 60
        while not all(f.cancelled() for f in queued) and time.monotonic() < deadline:
            time.sleep(0.01)
        gate.set()

    releaser = threading.Thread(target=release_when_cancelled)
    releaser.start()
    ex.shutdown(cancel_futures=True)
    releaser.join()
    assert running.result(timeout=30) is True
    assert all(f.cancelled() for f in queued)
    with pytest.raises(RuntimeError):
        ex.submit(print)


def test_shutdown_with_gil_held_while_tasks_need_it():
    # The caller holds the GIL when it calls shutdown(wait=True); queued
    # Python tasks still need the GIL to finish: shutdown must release it.
    ex = StaticThreadPoolExecutor(2)
    futures = [ex.submit(sum, range(10000)) for _ in range(200)]
    ex.shutdown(wait=True)
    assert all(f.done() for f in futures)


def test_shutdown_from_inside_a_task():
    ex = StaticThreadPoolExecutor(2)
    inner = ex.submit(lambda: ex.shutdown(wait=True))
    assert inner.result(timeout=30) is None
    with pytest.raises(RuntimeError):
        ex.submit(print)


def test_submit_from_inside_a_task():
    with StaticThreadPoolExecutor(2) as ex:
        outer = ex.submit(lambda: ex.submit(lambda: 11).result(timeout=30))
        assert outer.result(timeout=30) == 11


def test_executor_dropped_without_shutdown_finishes_its_tasks():
    # As with ThreadPoolExecutor, dropping the executor does not block the
    # dropping thread; the queued tasks still run.
    done = []
    ex = StaticThreadPoolExecutor(2)
    for i in range(20):
        ex.submit(done.append, i)
    del ex
    gc.collect()
    betapool._core.drain_dropped_executors()
    assert sorted(done) == list(range(20))


def test_last_reference_dropped_by_its_own_worker():
    box = [StaticThreadPoolExecutor(1)]
    future = box[0].submit(box.clear)   # the task drops the last reference
    assert future.result(timeout=30) is None
    betapool._core.drain_dropped_executors()


def test_garbage_collector_never_blocks_on_running_tasks():
    gate = threading.Event()

    class Cycle:
        pass

    c = Cycle()
    c.self = c
    c.executor = StaticThreadPoolExecutor(1)
    blocked = c.executor.submit(gate.wait, 30)
    del c
    start = time.time()
    gc.collect()                      # collects the executor; must not join
    assert time.time() - start < 5
    gate.set()
    assert blocked.result(timeout=30) is True
    betapool._core.drain_dropped_executors()


def test_interpreter_exit_with_running_executor():
    code = textwrap.dedent("""
        import time, betapool
        ex = betapool.AdaptiveThreadPoolExecutor(2, 4)
        for i in range(4):
            ex.submit(lambda i=i: (time.sleep(0.05), print("task", i, flush=True)))
        print("main done", flush=True)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("task") == 4


def test_counts_are_exact_once_futures_complete():
    with StaticThreadPoolExecutor(3) as ex:
        for f in [ex.submit(int) for _ in range(257)]:
            f.result(timeout=30)
        m = ex.get_metrics()
        assert m["total_tasks"] == 257
        assert m["tasks_submitted"] == 257


def test_task_log_records_times():
    with StaticThreadPoolExecutor(2, record_spacing=0.0) as ex:
        for f in [ex.submit(time.sleep, 0.005) for _ in range(10)]:
            f.result(timeout=30)
    log = ex.get_task_log()
    assert len(log) == 10
    for r in log:
        assert r.task_id.startswith("task-")
        assert r.wall_time >= 0.004
        assert 0.0 <= r.lock_wait_time <= r.wall_time
        assert r.blocking_ratio > 0.5
        assert abs(r.timestamp - time.time()) < 60


def test_bounds_are_validated_with_the_field_named():
    with pytest.raises(ValueError, match="min_workers"):
        AdaptiveThreadPoolExecutor(0, 4)
    with pytest.raises(ValueError, match="max_workers"):
        AdaptiveThreadPoolExecutor(4, 2)
    with pytest.raises(ValueError, match="beta_low_threshold"):
        AdaptiveThreadPoolExecutor(1, 2, betapool.ControllerConfig(beta_low_threshold=0.9))
    with pytest.raises(ValueError, match="monitor_interval"):
        AdaptiveThreadPoolExecutor(1, 2, betapool.ControllerConfig(monitor_interval_sec=0))
    with pytest.raises(ValueError, match="proc_statx"):
        AdaptiveThreadPoolExecutor(1, 2, sensor="proc_statx")


def test_resize_really_shrinks_threads():
    with AdaptiveThreadPoolExecutor(1, 8, initial_workers=8, manual_control=True) as ex:
        assert ex.get_live_thread_count() == 8
        assert ex.resize(2) == 2
        deadline = time.time() + 30
        while ex.get_live_thread_count() > 2 and time.time() < deadline:
            time.sleep(0.01)
        assert ex.get_live_thread_count() == 2
        assert ex.get_current_thread_count() == 2
        assert ex.submit(lambda: 3).result(timeout=30) == 3


def test_enable_logging_writes_decisions(caplog):
    import logging
    config = betapool.ControllerConfig(monitor_interval_sec=0.05)
    with caplog.at_level(logging.DEBUG, logger="betapool"):
        with AdaptiveThreadPoolExecutor(1, 2, config, enable_logging=True) as ex:
            ex.submit(time.sleep, 0.01).result(timeout=30)
            deadline = time.time() + 30
            while not any("Controller:" in r.message for r in caplog.records):
                assert time.time() < deadline
                time.sleep(0.02)

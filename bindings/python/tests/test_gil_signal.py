"""The GIL-wait signal tracks the truth on workloads whose truth is known.

A worker that waits to acquire the GIL before a task reports that wait as
the task's lock_wait_time. Plain beta (1 - cpu/wall) counts that wait as
"blocked", exactly like I/O, so it cannot tell the two apart; the GIL-wait
share can:
- pure-Python CPU tasks shorter than the switch interval, many threads:
  every off-CPU moment of a task is spent queueing for the GIL, so the
  share must be high (with N threads ideally 1 - 1/N of the time);
- time.sleep(0.02) tasks: each holds the GIL for well under 1 % of its
  run, so the GIL is free almost always; the share must be low;
- the same CPU tasks on one thread: nobody to wait for; the share is ~0.
The measured share is a lower bound on the true GIL waiting: a task that
is preempted inside the interpreter (a waiter forces a switch after 5 ms)
waits there unseen, which happens more the more the machine is loaded. The
bounds are loose enough for a loaded 2-core machine (ideal values 0.94, ~0
and 0; measured 0.30-0.84, 0.00-0.03 and 0.00 at load averages 7-130) and
say on which side of the line each workload falls. (Under heavy load a
worker can be descheduled while it holds the GIL, and then everyone
queueing behind it really is waiting for the GIL.)
"""

import concurrent.futures as cf
import math
import threading
import time

from betapool import StaticThreadPoolExecutor, AdaptiveThreadPoolExecutor


def python_loop(n):
    r = 0.0
    for i in range(n):
        r += math.sin(i) * math.cos(i)
    return r


def iterations_for_ms(ms):
    n = 20000
    best = min(_timed(python_loop, n) for _ in range(3))
    return max(1, int(n * ms / 1000.0 / best))


def _timed(fn, *args):
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def shares(threads, fn, tasks):
    """(beta, gil_wait_share) over the tasks, busy-time weighted.

    The first task holds the pool until every task is queued and the main
    thread is blocked in wait() without the GIL, so that the only threads
    wanting the GIL during the measurement are the pool's workers.
    """
    gate = threading.Event()
    with StaticThreadPoolExecutor(threads, record_spacing=0.0) as ex:
        ex.submit(gate.wait, 60)
        futures = [ex.submit(fn) for _ in range(tasks)]
        gate.set()
        done, not_done = cf.wait(futures, timeout=120)
        assert not not_done
    log = sorted(ex.get_task_log(), key=lambda r: r.task_id)[1:]  # not the gate
    assert len(log) == tasks
    wall = sum(r.wall_time for r in log)
    cpu = sum(r.cpu_time for r in log)
    lock = sum(r.lock_wait_time for r in log)
    return 1.0 - cpu / wall, lock / wall


def test_gil_wait_separates_gil_bound_from_io_bound_where_beta_cannot():
    n = iterations_for_ms(0.5)
    cpu_beta, cpu_gil = shares(16, lambda: python_loop(n), 300)
    io_beta, io_gil = shares(16, lambda: time.sleep(0.02), 300)
    # Plain beta is high for both: it cannot tell GIL waiting from sleeping.
    assert cpu_beta > 0.7 and io_beta > 0.7, (cpu_beta, io_beta)
    # The GIL-wait share can.
    assert cpu_gil > 0.25, cpu_gil
    assert io_gil < 0.2, io_gil
    assert cpu_gil > 2 * io_gil, (cpu_gil, io_gil)


def test_no_contention_means_no_gil_wait():
    n = iterations_for_ms(0.5)
    _, gil = shares(1, lambda: python_loop(n), 100)
    assert gil < 0.1, gil


def test_controller_interval_sees_the_gil_wait():
    n = iterations_for_ms(0.5)
    with AdaptiveThreadPoolExecutor(16, 16, manual_control=True) as ex:
        ex.tick()  # start a fresh interval
        for f in [ex.submit(python_loop, n) for _ in range(300)]:
            f.result(timeout=120)
        decision = ex.tick()
    # The interval ratio is busy-time weighted over every task since the
    # previous tick (the window's beta covers only the last, less contended,
    # tasks of the batch).
    assert decision["gil_wait_ratio"] > 0.25, decision

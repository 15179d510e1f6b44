"""The lab on the real GIL: ``python3 -m betapool.lab [command] [options]``.

Runs the seed's workloads, written in Python, through betapool's executors
in this interpreter, so every effect measured is CPython's own GIL:

- ``sweep``: the saturation cliff. Static pools of 1..2048 threads each run
  the same queued batch of mixed tasks (a 1-10 ms sleep, then ~0.7 ms of
  pure-Python loop); throughput, task latency, beta and GIL wait per size,
  and the same batch on concurrent.futures.ThreadPoolExecutor beside it.
- ``compare``: adaptive policies against the best static size on one larger
  queued batch: throughput as a percentage of the best static pool, and the
  thread count over time.
- ``stream``: adaptive policies against the static size in a steady stream
  rather than one batch: a closed loop keeps ``--in-flight`` tasks
  outstanding for ``--stream-seconds`` and only the second half is measured
  (the climb excluded). Rounds interleave static, each policy, static, ...;
  each adaptive run is scored against the mean of the static runs just
  before and after it ("% of paired static"), and per policy the median and
  range over ``--repeat`` rounds, the P99 latency against the paired static's,
  and the steady thread count are shown. A range wider than 10 points is
  marked too wide: neither a win nor a loss.
- ``signal``: beta and the GIL-wait share on workloads whose truth is known
  (pure-Python CPU, sleeps, GIL-free native CPU, mixed).
- ``overhead``: per-task cost against concurrent.futures.ThreadPoolExecutor
  in the same process (medians of interleaved repetitions).
- ``all`` (the default): sweep, compare, signal and overhead (about 15
  minutes on 2 cores).

Every command takes ``--quick`` (a bounded run of about two minutes) and
prints Markdown tables to stdout, progress to stderr. On a shared machine,
throughput moves with other processes' load: the sweep interleaves its
repetitions and reports the median run per size, and the header and footer
print the load average.

Example::

    python3 -m betapool.lab sweep --threads 1,8,32,256,2048 --tasks 2000
    python3 -m betapool.lab compare --policies beta_veto,gil_wait_veto,gil_wait_veto_python
    python3 -m betapool.lab stream --best-static 64 --repeat 3
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import itertools
import math
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from betapool import _core
from betapool.executor import (
    AdaptiveThreadPoolExecutor,
    ControllerConfig,
    StaticThreadPoolExecutor,
)
from betapool.policies import policy_names

DEFAULT_THREADS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]
QUICK_THREADS = [1, 4, 16, 32, 64, 256, 2048]


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- workloads ---------------------------------------------------------------

def python_loop(iterations: int) -> float:
    """The seed's pure-Python math loop (holds the GIL)."""
    result = 0.0
    for i in range(iterations):
        result += math.sin(i) * math.cos(i)
    return result


def calibrate(target_ms: float) -> int:
    """Iterations of python_loop that take about ``target_ms`` on one thread here."""
    n = 20000
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        python_loop(n)
        samples.append(time.perf_counter() - t)
    per_iteration = min(samples) / n  # least disturbed by other processes
    return max(1, int(target_ms / 1000.0 / per_iteration))


def mixed_task(sleep_s: float, iterations: int) -> float:
    """Sleep (GIL released), then compute (GIL held); returns its own run time."""
    start = time.perf_counter()
    time.sleep(sleep_s)
    python_loop(iterations)
    return time.perf_counter() - start


@dataclass
class Batch:
    """A queued batch: every task's sleep drawn in advance from a seeded RNG."""

    sleeps: List[float]
    iterations: int

    @staticmethod
    def mixed(n: int, iterations: int, sleep_ms=(1.0, 10.0), seed: int = 17) -> "Batch":
        rng = random.Random(seed)
        lo, hi = sleep_ms
        return Batch([rng.uniform(lo, hi) / 1000.0 for _ in range(n)], iterations)


@dataclass
class RunResult:
    label: str
    threads: str
    tasks: int
    elapsed: float
    p50_ms: float
    p99_ms: float
    beta: float = math.nan
    gil_wait: float = math.nan
    extra: Dict[str, float] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.tasks / self.elapsed if self.elapsed > 0 else math.nan


def _percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * p / 100
    f = int(k)
    c = min(f + 1, len(sorted_values) - 1)
    return sorted_values[f] + (sorted_values[c] - sorted_values[f]) * (k - f)


def _log_ratios(executor) -> Dict[str, float]:
    """Busy-weighted beta and GIL-wait share over the executor's task log."""
    log = executor.get_task_log()
    wall = sum(r.wall_time for r in log)
    if wall <= 0:
        return {"beta": math.nan, "gil_wait": math.nan}
    cpu = sum(r.cpu_time for r in log)
    lock = sum(r.lock_wait_time for r in log)
    return {"beta": 1.0 - cpu / wall, "gil_wait": lock / wall}


def run_batch(label: str, threads: str, executor: cf.Executor, batch: Batch,
              betapool_stats: bool) -> RunResult:
    """Submits the whole batch at once, waits for all; shuts the executor down."""
    start = time.perf_counter()
    futures = [executor.submit(mixed_task, s, batch.iterations) for s in batch.sleeps]
    latencies = sorted(f.result() for f in futures)
    elapsed = time.perf_counter() - start
    executor.shutdown(wait=True)
    result = RunResult(label, threads, len(batch.sleeps), elapsed,
                       _percentile(latencies, 50) * 1000, _percentile(latencies, 99) * 1000)
    if betapool_stats:
        ratios = _log_ratios(executor)
        result.beta = ratios["beta"]
        result.gil_wait = ratios["gil_wait"]
    return result


# --- sweep -------------------------------------------------------------------

def sweep(threads: Sequence[int], tasks: int, iterations: int, with_stdlib: bool,
          seed: int, repetitions: int) -> Dict[str, List[RunResult]]:
    """Every size, ``repetitions`` times, interleaved; the median run per size."""
    batch = Batch.mixed(tasks, iterations, seed=seed)
    runs: Dict[str, Dict[int, List[RunResult]]] = {"betapool": {}, "stdlib": {}}
    for rep in range(repetitions):
        for n in threads:
            progress(f"sweep {rep + 1}/{repetitions}: betapool static {n} threads, "
                     f"{tasks} tasks")
            runs["betapool"].setdefault(n, []).append(run_batch(
                "betapool static", str(n), StaticThreadPoolExecutor(n), batch, True))
            if with_stdlib:
                progress(f"sweep {rep + 1}/{repetitions}: ThreadPoolExecutor {n} threads")
                runs["stdlib"].setdefault(n, []).append(run_batch(
                    "ThreadPoolExecutor", str(n), cf.ThreadPoolExecutor(n), batch, False))

    def median_run(results: List[RunResult]) -> RunResult:
        ordered = sorted(results, key=lambda r: r.throughput)
        return ordered[len(ordered) // 2]

    return {kind: [median_run(by_size[n]) for n in threads if n in by_size]
            for kind, by_size in runs.items()}


def print_sweep(results: Dict[str, List[RunResult]], repetitions: int) -> None:
    ours = results["betapool"]
    stdlib = {r.threads: r for r in results["stdlib"]}
    best = max(ours, key=lambda r: r.throughput)
    print(f"\n### Saturation cliff (mixed tasks, queued batch of {ours[0].tasks}; "
          f"median of {repetitions} interleaved runs per size)\n")
    head = "| threads | betapool tasks/s | vs peak | P50 ms | P99 ms | beta | GIL wait |"
    sep = "|---:|---:|---:|---:|---:|---:|---:|"
    if stdlib:
        head += " ThreadPoolExecutor tasks/s | vs its peak |"
        sep += "---:|---:|"
        std_best = max(stdlib.values(), key=lambda r: r.throughput)
    print(head)
    print(sep)
    for r in ours:
        row = (f"| {r.threads} | {r.throughput:,.0f} | {100 * r.throughput / best.throughput:.0f} % "
               f"| {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.beta:.2f} | {r.gil_wait:.2f} |")
        if stdlib:
            s = stdlib.get(r.threads)
            row += (f" {s.throughput:,.0f} | {100 * s.throughput / std_best.throughput:.0f} % |"
                    if s else " | |")
        print(row)
    last = ours[-1]
    print(f"\nbetapool peak {best.throughput:,.0f} tasks/s at {best.threads} threads; "
          f"{last.threads} threads: {last.throughput:,.0f} tasks/s "
          f"({100 * (1 - last.throughput / best.throughput):.0f} % below the peak).")
    if stdlib:
        s_last = stdlib.get(last.threads)
        print(f"ThreadPoolExecutor peak {std_best.throughput:,.0f} tasks/s at {std_best.threads} "
              f"threads; {s_last.threads} threads: {s_last.throughput:,.0f} tasks/s "
              f"({100 * (1 - s_last.throughput / std_best.throughput):.0f} % below).")


# --- compare -----------------------------------------------------------------

def _thread_stats(executor) -> Dict[str, float]:
    log = executor.get_experiment_log()
    if not log:
        n = executor.get_current_thread_count()
        return {"mean_threads": n, "max_threads": n, "final_threads": n}
    counts = [row["active_threads"] for row in log]
    return {"mean_threads": statistics.mean(counts), "max_threads": max(counts),
            "final_threads": counts[-1],
            "gil_wait_end": log and executor.get_decision_history()[-1]["gil_wait_ratio"]}


def compare(policies: Sequence[str], static_threads: int, tasks: int, iterations: int,
            min_workers: int, max_workers: int, seed: int) -> List[RunResult]:
    batch = Batch.mixed(tasks, iterations, seed=seed)
    results = []
    progress(f"compare: static {static_threads} threads, {tasks} tasks")
    results.append(run_batch(f"static {static_threads}", str(static_threads),
                             StaticThreadPoolExecutor(static_threads), batch, True))
    for name in policies:
        progress(f"compare: adaptive '{name}' [{min_workers}, {max_workers}], {tasks} tasks")
        executor = AdaptiveThreadPoolExecutor(min_workers, max_workers, ControllerConfig(),
                                              policy=name)
        r = run_batch(f"adaptive {name}", f"{min_workers}..{max_workers}", executor, batch, True)
        r.extra = _thread_stats(executor)
        results.append(r)
    return results


def print_compare(results: List[RunResult], best_static_note: str) -> None:
    base = results[0]
    print(f"\n### Adaptive vs the best static size (queued batch of {base.tasks} mixed tasks)\n")
    print("| pool | threads | tasks/s | % of best static | mean threads | max | final | beta | GIL wait |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        e = r.extra
        print(f"| {r.label} | {r.threads} | {r.throughput:,.0f} | "
              f"{100 * r.throughput / base.throughput:.0f} % | "
              f"{e.get('mean_threads', float(r.threads) if r.threads.isdigit() else math.nan):.1f} | "
              f"{e.get('max_threads', math.nan):.0f} | {e.get('final_threads', math.nan):.0f} | "
              f"{r.beta:.2f} | {r.gil_wait:.2f} |")
    print(f"\n{best_static_note}")


# --- stream ------------------------------------------------------------------

STREAM_POLICIES = ["beta_veto", "bottleneck"]
STREAM_SLEEPS = 4096  # drawn once and cycled: every run sees the same sleeps
SAMPLE_INTERVAL_S = 0.25  # thread-count samples, taken by the driver thread
MAX_CONCLUSIVE_RANGE = 10.0  # points of "% of paired static"; wider says nothing

StreamExecutor = Union[AdaptiveThreadPoolExecutor, StaticThreadPoolExecutor]


def load_1min() -> float:
    """The 1-minute load average; NaN where /proc/loadavg is missing."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return math.nan


@dataclass
class StreamRun:
    """One closed-loop run, measured over its second half."""

    label: str
    throughput: float  # tasks finished per second
    p99_ms: float  # submit-to-done latency of those tasks
    mean_threads: float  # live worker threads, sampled
    load_before: float
    load_after: float


def run_stream(label: str, executor: StreamExecutor, batch: Batch, in_flight: int,
               seconds: float) -> StreamRun:
    """Keeps ``in_flight`` tasks outstanding for ``seconds``; shuts the executor down.

    A finished task's done-callback submits its successor from the worker
    that ran it, which holds the GIL already: a driver thread submitting
    would have to win the GIL from the workers once per task, and could
    become the bottleneck it is measuring.
    """
    finished: List[Tuple[float, float]] = []  # (done time, latency), from workers
    # Submitting and closing take turns, so no task is submitted after the
    # shutdown. Reentrant: a task may finish before add_done_callback, which
    # then runs the callback at once, inside submit().
    gate = threading.RLock()
    accepting = True
    task_number = itertools.count()  # next() is atomic under the GIL

    def submit() -> None:
        submitted = time.perf_counter()
        sleep = batch.sleeps[next(task_number) % len(batch.sleeps)]
        executor.submit(mixed_task, sleep, batch.iterations).add_done_callback(
            lambda _: on_done(submitted))

    def on_done(submitted: float) -> None:
        now = time.perf_counter()
        finished.append((now, now - submitted))
        with gate:
            if accepting:
                submit()

    load_before = load_1min()
    start = time.perf_counter()
    half, end = start + seconds / 2, start + seconds
    with gate:
        for _ in range(in_flight):
            submit()
    threads: List[int] = []
    while (now := time.perf_counter()) < end:
        if now >= half:
            threads.append(executor.get_live_thread_count())
        time.sleep(min(SAMPLE_INTERVAL_S, end - now))
    with gate:
        accepting = False
    executor.shutdown(wait=True)
    # The second half only: the first holds the adaptive pool's climb.
    steady = sorted(latency for done, latency in finished if half <= done < end)
    return StreamRun(label, len(steady) / (end - half), _percentile(steady, 99) * 1000,
                     statistics.mean(threads) if threads else math.nan,
                     load_before, load_1min())


def stream(policies: Sequence[str], static_threads: int, iterations: int, in_flight: int,
           seconds: float, repeat: int, min_workers: int, max_workers: int,
           seed: int) -> Tuple[List[StreamRun], Dict[str, List[StreamRun]]]:
    """``repeat`` rounds of static, then each policy; one more static run at
    the end, so every adaptive run has a static run on either side."""
    batch = Batch.mixed(STREAM_SLEEPS, iterations, seed=seed)

    def run(label: str, executor: StreamExecutor, round_text: str) -> StreamRun:
        progress(f"stream {round_text}: {label}, {in_flight} in flight, {seconds:g} s")
        r = run_stream(label, executor, batch, in_flight, seconds)
        progress(f"  {r.throughput:,.0f} tasks/s; load average {r.load_before:.2f} before, "
                 f"{r.load_after:.2f} after")
        return r

    def run_static(round_text: str) -> StreamRun:
        return run(f"static {static_threads}", StaticThreadPoolExecutor(static_threads),
                   round_text)

    statics: List[StreamRun] = []
    adaptive: Dict[str, List[StreamRun]] = {name: [] for name in policies}
    for i in range(repeat):
        round_text = f"round {i + 1}/{repeat}"
        statics.append(run_static(round_text))
        for name in policies:
            adaptive[name].append(run(
                f"adaptive {name}",
                AdaptiveThreadPoolExecutor(min_workers, max_workers, ControllerConfig(),
                                           policy=name),
                round_text))
    statics.append(run_static("closing static"))
    return statics, adaptive


@dataclass
class StreamSummary:
    """One policy over the rounds, each run scored against its paired static."""

    policy: str
    percents: List[float]  # per round: steady tasks/s as % of the paired static's
    median_p99_ratio: float  # P99 / the paired static's P99
    median_threads: float

    @property
    def median_percent(self) -> float:
        return statistics.median(self.percents)

    @property
    def too_wide(self) -> bool:
        return max(self.percents) - min(self.percents) > MAX_CONCLUSIVE_RANGE


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def summarize_stream(statics: Sequence[StreamRun],
                     adaptive: Mapping[str, Sequence[StreamRun]]) -> List[StreamSummary]:
    """Pairs round i's adaptive run with the mean of static runs i and i + 1
    (the ones just before and after it)."""
    summaries = []
    for policy, runs in adaptive.items():
        if len(statics) != len(runs) + 1:
            raise ValueError(f"{policy}: {len(runs)} runs need {len(runs) + 1} static runs, "
                             f"got {len(statics)}")
        pairs = list(zip(runs, statics, statics[1:]))
        summaries.append(StreamSummary(
            policy,
            [100 * _ratio(r.throughput, (a.throughput + b.throughput) / 2) for r, a, b in pairs],
            statistics.median(_ratio(r.p99_ms, (a.p99_ms + b.p99_ms) / 2) for r, a, b in pairs),
            statistics.median(r.mean_threads for r in runs)))
    return summaries


def print_stream(statics: Sequence[StreamRun], adaptive: Mapping[str, Sequence[StreamRun]],
                 in_flight: int, seconds: float, best_static_note: str) -> None:
    print(f"\n### Steady stream: {in_flight} tasks in flight, {seconds:g} s per run, "
          "the second half measured\n")
    print("| round | pool | tasks/s | P99 ms | mean threads | load before | load after |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for i, static in enumerate(statics):
        runs = [static] + [by_round[i] for by_round in adaptive.values() if i < len(by_round)]
        for r in runs:
            print(f"| {i + 1} | {r.label} | {r.throughput:,.0f} | {r.p99_ms:.1f} | "
                  f"{r.mean_threads:.1f} | {r.load_before:.2f} | {r.load_after:.2f} |")
    print("\nEach adaptive run against its paired static: the mean of the static runs "
          "just before and after it.\n")
    print("| policy | rounds | % of paired static (median) | range | "
          "P99 / paired static P99 (median) | steady threads (median) | note |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for s in summarize_stream(statics, adaptive):
        print(f"| {s.policy} | {len(s.percents)} | {s.median_percent:.1f} % | "
              f"{min(s.percents):.1f}..{max(s.percents):.1f} | {s.median_p99_ratio:.2f} | "
              f"{s.median_threads:.1f} | {'range too wide' if s.too_wide else ''} |")
    print(f"\n{best_static_note} A range wider than {MAX_CONCLUSIVE_RANGE:g} points is "
          "marked \"range too wide\": neither a win nor a loss.")


# --- signal ------------------------------------------------------------------

def signal(threads: Sequence[int], iterations_per_ms: int, tasks: int) -> List[Dict[str, object]]:
    """Beta and GIL-wait share on workloads whose truth is known."""
    rows = []
    short_cpu = max(1, int(0.5 * iterations_per_ms))
    long_cpu = max(1, int(20 * iterations_per_ms))
    workloads = [
        ("pure-Python CPU 0.5 ms", lambda: python_loop(short_cpu), tasks,
         "all off-CPU time is GIL (or CPU) waiting"),
        ("pure-Python CPU 20 ms", lambda: python_loop(long_cpu), max(8, tasks // 20),
         "as above; preempted every 5 ms inside the task"),
        ("time.sleep 5 ms", lambda: time.sleep(0.005), tasks, "no GIL waiting"),
        ("native CPU 0.5 ms (GIL released)", lambda: _core.native_cpu(short_cpu * 4), tasks,
         "CPU-bound, no GIL"),
        ("mixed: sleep 1-10 ms + 0.7 ms CPU", None, tasks, "GIL wait after the sleep unseen"),
    ]
    for name, fn, n, note in workloads:
        for t in threads:
            progress(f"signal: {name}, {t} threads")
            executor = StaticThreadPoolExecutor(t, record_spacing=0.0)
            start = time.perf_counter()
            if fn is None:
                batch = Batch.mixed(n, int(0.7 * iterations_per_ms))
                futures = [executor.submit(mixed_task, s, batch.iterations) for s in batch.sleeps]
            else:
                futures = [executor.submit(fn) for _ in range(n)]
            cf.wait(futures)
            elapsed = time.perf_counter() - start
            executor.shutdown()
            log = executor.get_task_log()
            wall = sum(r.wall_time for r in log)
            cpu = sum(r.cpu_time for r in log)
            lock = sum(r.lock_wait_time for r in log)
            truth = math.nan
            if fn is None:  # mixed: off-CPU minus the requested sleeps
                truth = max(0.0, (wall - cpu - sum(batch.sleeps)) / wall)
            elif "Python CPU" in name:
                truth = (wall - cpu) / wall
            rows.append({"workload": name, "threads": t, "tasks/s": n / elapsed,
                         "beta": 1 - cpu / wall, "gil_wait": lock / wall,
                         "truth": truth, "pool_cpu": cpu / elapsed, "note": note})
    return rows


def print_signal(rows: List[Dict[str, object]]) -> None:
    print("\n### The GIL signal on known workloads\n")
    print("beta = 1 - cpu/wall; GIL wait = time waiting to acquire the GIL before a task, "
          "as a share of task wall time; 'off-CPU non-sleep' = an upper bound on the true "
          "GIL (plus CPU run-queue) waiting where it can be computed; pool CPU in cores.\n")
    print("| workload | threads | tasks/s | beta | GIL wait | off-CPU non-sleep | pool CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        truth = "" if math.isnan(r["truth"]) else f"{r['truth']:.2f}"
        print(f"| {r['workload']} | {r['threads']} | {r['tasks/s']:,.0f} | {r['beta']:.2f} | "
              f"{r['gil_wait']:.2f} | {truth} | {r['pool_cpu']:.2f} |")


# --- overhead ----------------------------------------------------------------

def _noop() -> None:
    return None


def overhead(tasks: int, repetitions: int, workers: int) -> Dict[str, Dict[str, float]]:
    """Per-task cost in microseconds: medians over interleaved repetitions."""
    makers: Dict[str, Callable[[], cf.Executor]] = {
        "concurrent.futures.ThreadPoolExecutor": lambda: cf.ThreadPoolExecutor(workers),
        "betapool StaticThreadPoolExecutor": lambda: StaticThreadPoolExecutor(workers),
        "betapool AdaptiveThreadPoolExecutor": lambda: AdaptiveThreadPoolExecutor(
            workers, workers),
    }
    samples: Dict[str, Dict[str, List[float]]] = {k: {"batch": [], "round_trip": []}
                                                 for k in makers}
    for rep in range(repetitions):
        progress(f"overhead: repetition {rep + 1}/{repetitions}")
        for name, make in makers.items():
            executor = make()
            for f in [executor.submit(_noop) for _ in range(1000)]:  # warm-up
                f.result()
            t = time.perf_counter()
            futures = [executor.submit(_noop) for _ in range(tasks)]
            for f in futures:
                f.result()
            samples[name]["batch"].append((time.perf_counter() - t) / tasks * 1e6)
            n = max(1, tasks // 4)
            t = time.perf_counter()
            for _ in range(n):
                executor.submit(_noop).result()
            samples[name]["round_trip"].append((time.perf_counter() - t) / n * 1e6)
            executor.shutdown(wait=True)
    return {name: {kind: statistics.median(v) for kind, v in kinds.items()}
            for name, kinds in samples.items()}


def print_overhead(result: Dict[str, Dict[str, float]], tasks: int, repetitions: int,
                   workers: int) -> None:
    base = result["concurrent.futures.ThreadPoolExecutor"]
    print(f"\n### Per-task cost of an empty task ({workers} workers, medians of "
          f"{repetitions} interleaved repetitions)\n")
    print(f"batch: submit {tasks} tasks, then wait for all; round trip: submit one and "
          "wait for it, repeatedly.\n")
    print("| executor | batch us/task | vs ThreadPoolExecutor | round trip us/task | vs ThreadPoolExecutor |")
    print("|---|---:|---:|---:|---:|")
    for name, r in result.items():
        print(f"| {name} | {r['batch']:.1f} | {r['batch'] / base['batch']:.2f}x | "
              f"{r['round_trip']:.1f} | {r['round_trip'] / base['round_trip']:.2f}x |")


# --- command line ------------------------------------------------------------

def _int_list(text: str) -> List[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}': expected comma-separated integers")
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"'{text}': every thread count must be >= 1")
    return values


def _str_list(text: str) -> List[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python3 -m betapool.lab",
        description="betapool's lab on the real GIL (see docs/python.md).")
    p.add_argument("command", nargs="?", default="all",
                   choices=["all", "sweep", "compare", "stream", "signal", "overhead"],
                   help="all (default: sweep, compare, signal, overhead), or one of them; "
                        "stream: paired rounds of a steady closed-loop stream, adaptive "
                        "against static, measured over each run's second half")
    p.add_argument("--quick", action="store_true",
                   help="a bounded run (about a minute): fewer sizes and tasks")
    p.add_argument("--threads", type=_int_list, default=None,
                   help="static sizes to sweep (default 1,2,4,...,2048)")
    p.add_argument("--tasks", type=int, default=None,
                   help="tasks per sweep point (default 3000; quick 1000)")
    p.add_argument("--compare-tasks", type=int, default=None,
                   help="tasks in the comparison batch (default 20000; quick 4000)")
    p.add_argument("--policies", type=_str_list, default=None,
                   help="policies to compare (default: every registered adaptive one; "
                        f"stream: {','.join(STREAM_POLICIES)})")
    p.add_argument("--min-workers", type=int, default=4)
    p.add_argument("--max-workers", type=int, default=64)
    p.add_argument("--best-static", type=int, default=None,
                   help="static size to compare against (default: the sweep's best, or 32)")
    p.add_argument("--cpu-ms", type=float, default=0.7,
                   help="pure-Python CPU per mixed task, in ms (calibrated here)")
    p.add_argument("--iterations", type=int, default=None,
                   help="loop iterations per mixed task (overrides --cpu-ms calibration)")
    p.add_argument("--no-stdlib", action="store_true",
                   help="skip concurrent.futures.ThreadPoolExecutor in the sweep")
    p.add_argument("--sweep-repetitions", type=int, default=None,
                   help="runs per sweep size, interleaved; the median is shown "
                        "(default 3; quick 1)")
    p.add_argument("--overhead-tasks", type=int, default=None,
                   help="tasks per overhead measurement (default 5000; quick 2000)")
    p.add_argument("--repetitions", type=int, default=None,
                   help="overhead repetitions, interleaved (default 15; quick 5)")
    p.add_argument("--stream-seconds", type=float, default=None,
                   help="stream: seconds per run, the second half measured "
                        "(default 20; quick 6)")
    p.add_argument("--repeat", type=int, default=3,
                   help="stream: paired rounds (default 3)")
    p.add_argument("--in-flight", type=int, default=128,
                   help="stream: tasks kept outstanding (default 128)")
    p.add_argument("--no-admission-queue", action="store_true",
                   help="experiment: let every worker wait inside CPython for the GIL")
    p.add_argument("--seed", type=int, default=17)
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("tasks", "compare_tasks", "overhead_tasks", "repetitions", "iterations",
                 "sweep_repetitions", "repeat", "in_flight"):
        v = getattr(args, name)
        if v is not None and v < 1:
            print(f"--{name.replace('_', '-')} = {v}: must be >= 1", file=sys.stderr)
            return 2
    if not 1 <= args.min_workers <= args.max_workers:
        print(f"--min-workers = {args.min_workers}, --max-workers = {args.max_workers}: "
              "need 1 <= min <= max", file=sys.stderr)
        return 2
    for name in ("cpu_ms", "stream_seconds"):
        v = getattr(args, name)
        if v is not None and not v > 0:
            print(f"--{name.replace('_', '-')} = {v}: must be > 0", file=sys.stderr)
            return 2
    threads = args.threads or (QUICK_THREADS if args.quick else DEFAULT_THREADS)
    tasks = args.tasks or (1000 if args.quick else 3000)
    compare_tasks = args.compare_tasks or (4000 if args.quick else 20000)
    repetitions = args.repetitions or (5 if args.quick else 15)
    overhead_tasks = args.overhead_tasks or (2000 if args.quick else 5000)
    stream_seconds = args.stream_seconds or (6.0 if args.quick else 20.0)
    if args.no_admission_queue:
        _core._set_admission_queue(False)
    iterations = args.iterations or calibrate(args.cpu_ms)
    per_ms = calibrate(1.0)
    known = policy_names()
    policies = args.policies or (STREAM_POLICIES if args.command == "stream"
                                 else [p for p in known if p != "static"])
    unknown = [p for p in policies if p not in known]
    if unknown:
        print(f"unknown policies {unknown}; known: {', '.join(known)}", file=sys.stderr)
        return 2

    print(f"# betapool lab on the real GIL\n\nPython {sys.version.split()[0]} "
          f"({sys.executable}), betapool {_core.version}, {os.cpu_count()} CPUs, "
          f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} at start; "
          f"mixed task = sleep U(1, 10) ms + {iterations} loop iterations "
          f"(~{1.0 * iterations / per_ms:.2f} ms of pure Python here)"
          f"{'; admission queue OFF' if args.no_admission_queue else ''}.")
    best = args.best_static
    if args.command in ("all", "sweep"):
        sweep_reps = args.sweep_repetitions or (1 if args.quick else 3)
        results = sweep(threads, tasks, iterations, not args.no_stdlib, args.seed, sweep_reps)
        print_sweep(results, sweep_reps)
        if best is None:
            best = int(max(results["betapool"], key=lambda r: r.throughput).threads)
    if args.command in ("all", "compare", "stream"):
        if args.best_static is not None:
            note = f"Static size {best} given by --best-static."
        elif best is not None:
            note = "Static size: the best of the sweep above."
        else:
            best = 32
            note = "Static size 32 (the reference's peak; pass --best-static to change)."
    if args.command in ("all", "compare"):
        print_compare(compare(policies, best, compare_tasks, iterations, args.min_workers,
                              args.max_workers, args.seed), note)
    if args.command == "stream":
        statics, adaptive = stream(policies, best, iterations, args.in_flight, stream_seconds,
                                   args.repeat, args.min_workers, args.max_workers, args.seed)
        print_stream(statics, adaptive, args.in_flight, stream_seconds, note)
    if args.command in ("all", "signal"):
        print_signal(signal([1, 4, 16, 64] if not args.quick else [1, 16],
                            per_ms, 400 if not args.quick else 200))
    if args.command in ("all", "overhead"):
        workers = 2
        print_overhead(overhead(overhead_tasks, repetitions, workers), overhead_tasks,
                       repetitions, workers)
    print(f"\nload average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

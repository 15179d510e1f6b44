#!/usr/bin/env python3
"""What a controller tick costs with a policy written in Python against the
same rule in C++ ("gil_wait_veto_python" vs "gil_wait_veto"), on betapool's
Python executor.

Each executor runs with manual_control=True and min = max workers, so no
tick resizes the pool; between two timed ticks one 0.2 ms task is run (not
timed, and waited for until the snapshot has its busy time), so every tick sees a
finished task and its policy runs its whole decision (stabilization window
and warm-up are zero; the decision history shows the reasons). Only the
executor's own tick call is timed (`_core.tick()`: drain the workers'
totals, build the snapshot, decide, record). Reported: the median and the
90th percentile of the per-tick times over `--ticks` ticks, per policy,
in rounds that alternate the policies so machine load hits them alike.

That is the policy's own cost with a free GIL. The other cost of a Python
policy is waiting for the GIL: the controller ticks on its own thread, and
while the application runs Python a Python policy must wait for CPython to
hand the GIL over (the switch interval, 5 ms by default); a C++ policy never
takes it. The live part measures that: an executor ticking every
`--interval-ms` on its controller thread for `--live-seconds`, while the
main thread sleeps (idle) or runs a pure-Python loop (busy). Reported: ticks
per second and the median gap between tick timestamps minus the interval,
which is the tick's own time plus timer slack.

Usage (from the repository, after building the module):
  PYTHONPATH=build/bindings/python python3 bench/python_policy_tick_cost.py
  ... --ticks 2000 --rounds 5 --live-seconds 2 --interval-ms 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from typing import Dict, List

import betapool
from betapool import AdaptiveThreadPoolExecutor

POLICIES = ("gil_wait_veto", "gil_wait_veto_python", "beta_veto", "static")


def tick_times(policy: str, ticks: int) -> List[float]:
    config = betapool.ControllerConfig(stabilization_window_sec=0.0, warmup_task_count=0)
    times: List[float] = []
    with AdaptiveThreadPoolExecutor(4, 4, config=config, policy=policy, sensor=None,
                                    manual_control=True) as ex:
        core = ex._core
        for _ in range(ticks):
            ex.submit(time.sleep, 0.0002).result()
            # The future completes before the worker publishes the task's
            # busy time (at the latest when it parks, for >= 100 us of busy
            # time); wait for it so the policy decides in full. peek() adds
            # to the interval the next tick sees, it does not consume it.
            while not core.snapshot().interval.busy_wall_time > 0:
                time.sleep(0)
            start = time.perf_counter()
            core.tick()
            times.append(time.perf_counter() - start)
    return times


def live_ticks(policy: str, busy: bool, seconds: float, interval_ms: float) -> List[float]:
    """Timestamps of the ticks of a live controller over `seconds`."""
    config = betapool.ControllerConfig(monitor_interval_sec=interval_ms / 1e3)
    with AdaptiveThreadPoolExecutor(4, 4, config=config, policy=policy, sensor=None) as ex:
        start = time.time()
        n = 0
        if busy:
            while time.time() - start < seconds:
                n += 1  # pure Python: holds the GIL but for forced switches
        else:
            time.sleep(seconds)
        stamps = [d.timestamp for d in ex._core.decision_history()]
    return stamps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ticks", type=int, default=2000, help="timed manual ticks per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--live-seconds", type=float, default=2.0)
    parser.add_argument("--interval-ms", type=float, default=2.0)
    args = parser.parse_args()

    print(f"Python {sys.version.split()[0]}, betapool {betapool.__version__}, "
          f"{os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; switch interval "
          f"{sys.getswitchinterval() * 1e3:.0f} ms; {args.rounds} rounds")
    print()
    print("Manual ticks, free GIL (the tick call only):")
    print()
    print("| policy | ticks | median µs | p90 µs |")
    print("|---|---:|---:|---:|")
    samples: Dict[str, List[float]] = {p: [] for p in POLICIES}
    for _ in range(args.rounds):
        for p in POLICIES:
            samples[p] += tick_times(p, args.ticks)
    for p in POLICIES:
        s = sorted(samples[p])
        p90 = s[int(0.9 * (len(s) - 1))]
        print(f"| `{p}` | {len(s)} | {statistics.median(s) * 1e6:.1f} | {p90 * 1e6:.1f} |")
    print()
    print(f"Live controller, {args.interval_ms:g} ms interval, {args.live_seconds:g} s "
          f"per policy and round:")
    print()
    print("| main thread | policy | ticks/s | median gap − interval, ms |")
    print("|---|---|---:|---:|")
    for busy in (False, True):
        rates: Dict[str, List[float]] = {p: [] for p in POLICIES[:2]}
        gaps: Dict[str, List[float]] = {p: [] for p in POLICIES[:2]}
        for _ in range(args.rounds):
            for p in POLICIES[:2]:
                stamps = live_ticks(p, busy, args.live_seconds, args.interval_ms)
                rates[p].append(len(stamps) / args.live_seconds)
                gaps[p] += [b - a for a, b in zip(stamps, stamps[1:])]
        for p in POLICIES[:2]:
            gap = statistics.median(gaps[p]) * 1e3 - args.interval_ms if gaps[p] else float("nan")
            print(f"| {'Python loop' if busy else 'sleeping'} | `{p}` | "
                  f"{statistics.median(rates[p]):.0f} | {gap:.2f} |")
    print()
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

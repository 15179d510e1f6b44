#!/usr/bin/env python3
"""Turns Google Benchmark JSON output of the bench/ programs into the
markdown tables of docs/benchmarks.md: medians over repetitions, and the
ratio of betapool to each peer measured in the same run.

Usage (see docs/benchmarks.md for the whole command sequence):
  python3 bench/benchmarks_table.py post.json future.json instr.json scale.json
Each file is the --benchmark_out of one program, run with
--benchmark_repetitions=N --benchmark_report_aggregates_only=true.
"""
import json
import sys
from collections import defaultdict

OURS = "betapool"


def medians(path):
    """{run_name: benchmark dict} for the *_median aggregates of a file."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") == "median":
            out[b["run_name"]] = b
    return data.get("context", {}), out


def split(run_name):
    """'post/betapool/tasks:1000000/work_us:0/real_time' ->
    ('post', 'betapool', 'tasks:1000000/work_us:0')."""
    parts = run_name.split("/")
    parts = [p for p in parts if p != "real_time"]
    return parts[0], parts[1], "/".join(parts[2:])


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M/s"
    return f"{x / 1e3:.0f} k/s"


def throughput_table(runs, title):
    groups = defaultdict(dict)
    for name, b in runs.items():
        kind, pool, args = split(name)
        groups[(kind, args)][pool] = b
    lines = []
    for (kind, args), pools in sorted(groups.items()):
        if "items_per_second" not in next(iter(pools.values())):
            continue
        ours = pools.get(OURS)
        lines.append(f"\n**{title}: {kind} {args}** (median items/s)\n")
        lines.append("| pool | throughput | betapool / pool |")
        lines.append("|---|---:|---:|")
        for pool, b in sorted(pools.items(),
                              key=lambda kv: -kv[1]["items_per_second"]):
            rate = b["items_per_second"]
            ratio = (f"{ours['items_per_second'] / rate:.2f}x"
                     if ours and pool != OURS else "")
            lines.append(f"| {pool} | {fmt_rate(rate)} | {ratio} |")
    return "\n".join(lines)


def round_trip_table(runs):
    rows = []
    for name, b in runs.items():
        kind, pool, _ = split(name)
        if kind != "round_trip":
            continue
        rows.append((pool, b["real_time"], b["time_unit"], b.get("p50_ns"),
                     b.get("p99_ns")))
    if not rows:
        return ""
    ours = next((r for r in rows if r[0] == OURS), None)
    lines = ["\n**Round trip: submit one task, wait for its future** "
             "(median over repetitions of the mean, and of each repetition's "
             "p50 / p99)\n",
             "| pool | mean | p50 | p99 | betapool p50 / pool p50 |",
             "|---|---:|---:|---:|---:|"]
    for pool, t, unit, p50, p99 in sorted(rows, key=lambda r: r[3] or 0):
        ratio = (f"{ours[3] / p50:.2f}x" if ours and p50 and pool != OURS
                 else "")
        lines.append(f"| {pool} | {t:.2f} {unit} | {p50 / 1e3:.2f} us | "
                     f"{p99 / 1e3:.1f} us | {ratio} |")
    return "\n".join(lines)


def counters_table(runs, title, keys):
    lines = [f"\n**{title}**\n",
             "| benchmark | " + " | ".join(keys) + " |",
             "|---|" + "---:|" * len(keys)]
    for name, b in sorted(runs.items()):
        vals = []
        for k in keys:
            v = b.get(k)
            vals.append("" if v is None else f"{v:.4g}")
        if any(vals):
            lines.append(f"| {name} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def main(paths):
    for path in paths:
        context, runs = medians(path)
        print(f"\n<!-- from {path}: {context.get('date', '')}, "
              f"{context.get('num_cpus', '?')} CPUs, "
              f"load avg {context.get('load_avg', '?')} -->")
        names = " ".join(runs)
        if "post/" in names or "submit_get_all/" in names:
            print(throughput_table(runs, "Throughput"))
        if "round_trip/" in names:
            print(round_trip_table(runs))
        if "task_loop" in names or "clock/" in names:
            keys = ["ns_per_task", "cpu_time"]
            print(counters_table(runs, "Instrumentation", keys))
        if "workers_2048" in names or "resize_step" in names:
            keys = ["rss_per_idle_worker_KiB", "start_2048_ms",
                    "start_per_thread_us", "2048x_sleep100ms_ms",
                    "shrink_2048_to_1_ms", "os_threads_added",
                    "os_threads_after_shrink", "grow_by_2_us",
                    "shrink_by_1_us"]
            print(counters_table(runs, "Scale", keys))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Turns Google Benchmark JSON output of the bench/ programs into the
markdown tables of docs/benchmarks.md: medians over repetitions, and the
ratio of betapool to each peer measured in the same run.

Usage (see docs/benchmarks.md for the whole command sequence):
  python3 bench/benchmarks_table.py post.json future.json instr.json scale.json
Each file is the --benchmark_out of one program, run with
--benchmark_repetitions=N --benchmark_report_aggregates_only=true
(idle_cost_bench: --benchmark_display_aggregates_only=true, so the file
keeps every repetition for the ranges).
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


def foreign_waiter_table(runs):
    """foreign_waiter/<waiter>/<pool>/workers:W/hog:H -> one table per
    (hog, waiter): p50 (p99) per pool and worker count, fastest p50 in bold,
    and betapool's p50 over the best peer's (bare WorkerPools are not
    peers: they are betapool's own pool without the executor)."""
    cells = defaultdict(dict)  # (hog, waiter) -> {(pool, workers): b}
    for name, b in runs.items():
        parts = [p for p in name.split("/") if p != "real_time"]
        if parts[0] != "foreign_waiter" or "p50_ns" not in b:
            continue
        args = dict(p.split(":", 1) for p in parts[3:])
        cells[(int(args["hog"]), parts[1])][(parts[2], int(args["workers"]))] = b
    lines = []
    for (hog, waiter), table in sorted(cells.items()):
        pools = sorted({p for p, _ in table})
        workers = sorted({w for _, w in table})
        lines.append(f"\n**Foreign waiter: {waiter}, hog {hog}** (median over "
                     "repetitions of each repetition's p50, and of its p99, us)\n")
        lines.append("| pool | " + " | ".join(f"{w} workers" for w in workers)
                     + " |")
        lines.append("|---|" + "---:|" * len(workers))
        best = {w: min(b["p50_ns"] for (p, ww), b in table.items() if ww == w)
                for w in workers}
        for pool in pools:
            row = []
            for w in workers:
                b = table.get((pool, w))
                if b is None:
                    row.append("")
                    continue
                p50 = f"{b['p50_ns'] / 1e3:.1f}"
                if b["p50_ns"] == best[w]:
                    p50 = f"**{p50}**"
                row.append(f"{p50} ({b['p99_ns'] / 1e3:.0f})")
            lines.append(f"| {pool} | " + " | ".join(row) + " |")
        ratio = []
        for w in workers:
            ours = table.get((OURS, w))
            peers = [b["p50_ns"] for (p, ww), b in table.items()
                     if ww == w and p != OURS and not p.startswith("worker_pool")]
            ratio.append(f"{ours['p50_ns'] / min(peers):.2f}x"
                         if ours and peers else "")
        lines.append("| betapool p50 / best peer p50 | " + " | ".join(ratio)
                     + " |")
    return "\n".join(lines)


def counters_table(runs, title, keys, prefix=""):
    def order(name):
        # resize_step/threads:64 before threads:512: numbers sort numerically.
        return [(0, int(x), "") if x.isdigit() else (1, 0, x)
                for x in name.replace(":", "/").split("/")]
    lines = [f"\n**{title}**\n",
             "| benchmark | " + " | ".join(keys) + " |",
             "|---|" + "---:|" * len(keys)]
    for name, b in sorted(runs.items(), key=lambda kv: order(kv[0])):
        if not name.startswith(prefix):
            continue
        vals = []
        for k in keys:
            v = b.get(k)
            vals.append("" if v is None else f"{v:.4g}")
        if any(vals):
            short = name.replace("/real_time", "")
            lines.append(f"| {short} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def clock_table(runs):
    """One read of each clock, and one exactly recorded task."""
    lines = ["\n**Clock reads** (median; CPU time is the calling thread's)\n",
             "| benchmark | real time | CPU time |", "|---|---:|---:|"]
    for name, b in sorted(runs.items()):
        if name.startswith("clock/") or name.startswith("recorded_task"):
            u = b["time_unit"]
            lines.append(f"| {name} | {b['real_time']:.1f} {u} | "
                         f"{b['cpu_time']:.1f} {u} |")
    return "\n".join(lines)


def meter_cost_table(runs):
    """task_loop/work_ns:W/meter:M -> per W: bare, metered, difference."""
    by_work = defaultdict(dict)
    for name, b in runs.items():
        parts = dict(p.split(":", 1) for p in name.split("/") if ":" in p)
        if not name.startswith("task_loop/") or "ns_per_task" not in b:
            continue
        # An inverted rate counter is stored in seconds per task.
        by_work[int(parts["work_ns"])][int(parts["meter"])] = (
            b["ns_per_task"] * 1e9)
    if not by_work:
        return ""
    lines = ["\n**Instrumentation cost per task** (one thread, median "
             "ns per task on the thread's CPU time)\n",
             "| work per task | bare | metered (WorkerMeter) | cost per task "
             "| cost / bare |",
             "|---:|---:|---:|---:|---:|"]
    for work, m in sorted(by_work.items()):
        if 0 in m and 1 in m:
            lines.append(f"| {work} ns | {m[0]:.1f} ns | {m[1]:.1f} ns | "
                         f"{m[1] - m[0]:+.1f} ns | "
                         f"{(m[1] - m[0]) / m[0] * 100:+.1f} % |")
    return "\n".join(lines)


def idle_cost_table(path):
    """idle_cost/<pool>/workers:W/period_us:P -> cores used by the pool:
    median over repetitions (min-max of the repetitions), betapool's median
    over the best peer's (betapool_no_controller is betapool without its
    controller thread, not a peer), and the producer's share and the rate
    achieved, which `cores` excludes."""
    with open(path) as f:
        data = json.load(f)
    reps = defaultdict(list)  # (pool, workers, period) -> [benchmark dicts]
    for b in data["benchmarks"]:
        parts = [p for p in b["run_name"].split("/") if p != "manual_time"
                 and not p.startswith("iterations:")]
        if parts[0] != "idle_cost" or b.get("run_type") != "iteration":
            continue
        args = dict(p.split(":", 1) for p in parts[2:])
        reps[(parts[1], int(args["workers"]), int(args["period_us"]))].append(b)
    if not reps:
        return ""
    cols = sorted({(w, p) for _, w, p in reps}, key=lambda c: (c[0], -c[1]))
    pools = sorted({p for p, _, _ in reps},
                   key=lambda p: (not p.startswith(OURS), p))

    def med(xs):
        xs = sorted(xs)
        n = len(xs)
        return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2

    def label(c):
        return f"{c[0]} workers, {c[1] / 1000:g} ms" if c[1] >= 1000 \
            else f"{c[0]} workers, {c[1]} us"
    lines = ["\n**Idle cost** (cores used by the pool's threads: median over "
             "repetitions (min-max))\n",
             "| pool | " + " | ".join(label(c) for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    medians_of = {}
    for pool in pools:
        row = []
        for w, p in cols:
            xs = [b["cores"] for b in reps.get((pool, w, p), [])]
            if not xs:
                row.append("")
                continue
            medians_of[(pool, w, p)] = med(xs)
            row.append(f"{med(xs):.3f} ({min(xs):.3f}-{max(xs):.3f})")
        lines.append(f"| {pool} | " + " | ".join(row) + " |")
    ratio = []
    for w, p in cols:
        ours = medians_of.get((OURS, w, p))
        peers = [v for (pool, ww, pp), v in medians_of.items()
                 if (ww, pp) == (w, p) and not pool.startswith(OURS)]
        ratio.append(f"{ours / min(peers):.2f}x" if ours is not None and peers
                     and min(peers) > 0 else "")
    lines.append("| betapool / best peer | " + " | ".join(ratio) + " |")
    lines.append("\n**Idle cost: producer and rate** (medians: producer "
                 "cores, excluded above / tasks posted per s / tasks run by "
                 "the end of the 2 s window, of those posted)\n")
    lines.append("| pool | " + " | ".join(label(c) for c in cols) + " |")
    lines.append("|---|" + "---:|" * len(cols))
    for pool in pools:
        row = []
        for w, p in cols:
            bs = reps.get((pool, w, p), [])
            if not bs:
                row.append("")
                continue
            row.append(f"{med([b['producer_cores'] for b in bs]):.3f} / "
                       f"{med([b['rate_hz'] for b in bs]):.0f} / "
                       f"{med([b['tasks_done'] / b['tasks'] for b in bs]):.4f}")
        lines.append(f"| {pool} | " + " | ".join(row) + " |")
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
        if "foreign_waiter/" in names:
            print(foreign_waiter_table(runs))
        if "idle_cost/" in names:
            print(idle_cost_table(path))
        if "task_loop" in names or "clock/" in names:
            print(clock_table(runs))
            print(meter_cost_table(runs))
        if "workers_2048" in names or "resize_step" in names:
            keys = ["started", "os_threads_added", "rss_per_idle_worker_KiB",
                    "vm_per_idle_worker_KiB", "start_2048_ms",
                    "start_per_thread_us", "2048x_sleep100ms_ms",
                    "shrink_2048_to_1_ms", "os_threads_after_shrink"]
            print(counters_table(runs, "Scale: 2048 workers", keys,
                                 "workers_2048"))
            print(counters_table(runs, "Scale: one resize step",
                                 ["grow_by_2_us", "shrink_by_1_us"],
                                 "resize_step"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

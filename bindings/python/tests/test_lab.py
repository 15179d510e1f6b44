"""The lab command: argument errors, and a tiny end-to-end run."""

import os
import subprocess
import sys

import pytest

from betapool import lab


def run_lab(*args):
    return subprocess.run([sys.executable, "-m", "betapool.lab", *args],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))


@pytest.mark.parametrize("args", [["--threads", "0,4"], ["--threads", "a"],
                                  ["--tasks", "0"], ["bogus"],
                                  ["--min-workers", "5", "--max-workers", "2"],
                                  ["compare", "--policies", "nope"],
                                  ["stream", "--repeat", "0"], ["stream", "--in-flight", "0"],
                                  ["stream", "--stream-seconds", "0"]])
def test_argument_errors(args):
    result = run_lab(*args)
    assert result.returncode == 2, result.stdout + result.stderr


def test_small_end_to_end_run():
    result = run_lab("sweep", "--threads", "1,4", "--tasks", "20", "--cpu-ms", "0.1")
    assert result.returncode == 0, result.stderr
    assert "Saturation cliff" in result.stdout
    assert "| 4 |" in result.stdout
    result = run_lab("compare", "--compare-tasks", "40", "--policies", "beta_veto",
                     "--best-static", "4", "--cpu-ms", "0.1")
    assert result.returncode == 0, result.stderr
    assert "adaptive beta_veto" in result.stdout


def test_overhead_measures_every_executor():
    out = lab.overhead(tasks=200, repetitions=1, workers=2)
    assert set(out) == {"concurrent.futures.ThreadPoolExecutor",
                        "betapool StaticThreadPoolExecutor",
                        "betapool AdaptiveThreadPoolExecutor"}
    for r in out.values():
        assert r["batch"] > 0 and r["round_trip"] > 0


def stream_run(throughput, p99_ms, threads=4.0):
    return lab.StreamRun("run", throughput, p99_ms, threads, 0.0, 0.0)


def test_stream_pairs_each_run_with_the_statics_around_it():
    statics = [stream_run(100, 10), stream_run(120, 30), stream_run(80, 20)]
    adaptive = {
        # 110 / mean(100, 120) = 100 %; 90 / mean(120, 80) = 90 %: a range of 10 points
        "a": [stream_run(110, 20, threads=8), stream_run(90, 50, threads=6)],
        # 120 % and 80 %
        "b": [stream_run(132, 10), stream_run(80, 25)],
    }
    a, b = lab.summarize_stream(statics, adaptive)
    assert a.policy == "a"
    assert a.percents == [100.0, 90.0]
    assert a.median_percent == 95.0
    assert a.median_p99_ratio == 1.5  # 20 / 20 and 50 / 25
    assert a.median_threads == 7.0
    assert not a.too_wide  # 10 points is the limit, not beyond it
    assert b.percents == pytest.approx([120.0, 80.0])
    assert b.median_percent == pytest.approx(100.0)
    assert b.too_wide


def test_stream_needs_a_static_run_after_the_last_round():
    with pytest.raises(ValueError):
        lab.summarize_stream([stream_run(100, 10)], {"a": [stream_run(100, 10)]})


def test_small_stream_run_has_a_row_per_policy():
    result = run_lab("stream", "--stream-seconds", "1", "--repeat", "1", "--in-flight", "8",
                     "--best-static", "4", "--cpu-ms", "0.1")
    assert result.returncode == 0, result.stderr
    assert "Steady stream" in result.stdout
    rows = {line.split("|")[1].strip(): line.split("|")[2:-1]
            for line in result.stdout.splitlines() if line.startswith("| ")}
    for policy in lab.STREAM_POLICIES:
        # rounds, median %, range, P99 ratio, threads, note
        assert len(rows[policy]) == 6, rows
        assert rows[policy][0].strip() == "1"
    assert "load before" in result.stdout

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
                                  ["compare", "--policies", "nope"]])
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

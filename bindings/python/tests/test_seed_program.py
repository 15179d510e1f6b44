"""A program written for the seed's API runs unchanged on betapool."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_seed_program_runs_unchanged():
    result = subprocess.run([sys.executable, os.path.join(HERE, "seed_program.py")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "seed program OK" in result.stdout

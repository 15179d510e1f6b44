"""`cmake --install --component python` yields an importable package.

Needs the build tree (BETAPOOL_BUILD_DIR, set by ctest); skipped otherwise.
"""

import glob
import os
import shutil
import subprocess
import sys

import pytest

BUILD = os.environ.get("BETAPOOL_BUILD_DIR")


@pytest.mark.skipif(not BUILD or not shutil.which("cmake"),
                    reason="needs BETAPOOL_BUILD_DIR and cmake")
def test_installed_package_imports_and_runs(tmp_path):
    env = dict(os.environ, DESTDIR=str(tmp_path))
    subprocess.run(["cmake", "--install", BUILD, "--component", "python"], check=True,
                   env=env, capture_output=True, timeout=300)
    found = glob.glob(str(tmp_path / "**" / "betapool" / "__init__.py"), recursive=True)
    assert len(found) == 1, found
    site = os.path.dirname(os.path.dirname(found[0]))
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    clean["PYTHONPATH"] = site
    code = ("import betapool, sys; "
            "ex = betapool.AdaptiveThreadPoolExecutor(); "
            "print(ex.submit(sum, [1, 2]).result(30), betapool.__file__); ex.shutdown()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=clean, cwd=str(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    out, path = result.stdout.split()
    assert out == "3"
    assert path.startswith(site)

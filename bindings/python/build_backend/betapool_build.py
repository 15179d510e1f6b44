"""PEP 517 backend for betapool's Python package (pyproject.toml names it).

Why not setuptools' own backend: setuptools 66 (Debian 12) needs the `wheel`
package to build a wheel, and a fresh venv has no `wheel`; nothing may be
downloaded. This backend uses the standard library only: it runs CMake for
the one target the package needs (betapool_python_core) and zips the result
into a wheel. Metadata comes from pyproject.toml, the version from the
top-level CMakeLists.txt project() VERSION.
"""

import base64
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PACKAGE_SRC = os.path.join(ROOT, "bindings", "python", "betapool")
NAME = "betapool"


def project_version():
    """The VERSION of project() in the top-level CMakeLists.txt."""
    path = os.path.join(ROOT, "CMakeLists.txt")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"project\(\s*betapool\b[^)]*?\bVERSION\s+([0-9][0-9A-Za-z.]*)", text)
    if not match:
        raise RuntimeError(f"{path}: no VERSION in project(betapool ...)")
    return match.group(1)


def _pyproject_field(key):
    """A string field of [project] in pyproject.toml: `key = "value"` or, for
    license, `key = {text = "value"}` (no TOML parser: tomllib needs 3.11)."""
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r'^%s\s*=\s*(?:\{\s*text\s*=\s*)?"([^"]*)"' % re.escape(key), text, re.M)
    if not match:
        raise RuntimeError(f"pyproject.toml: field {key!r} missing")
    return match.group(1)


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\n"
            f"Name: {NAME}\n"
            f"Version: {project_version()}\n"
            f"Summary: {_pyproject_field('description')}\n"
            f"License: {_pyproject_field('license')}\n"
            "Classifier: Programming Language :: C++\n"
            "Classifier: Programming Language :: Python :: 3\n"
            "Classifier: Operating System :: POSIX :: Linux\n"
            f"Requires-Python: {_pyproject_field('requires-python')}\n"
            "Description-Content-Type: text/markdown\n"
            "\n" + readme)


def _tag():
    """cpXY-cpXY<abiflags>-<platform>: the extension is for this interpreter."""
    impl = "cp%d%d" % sys.version_info[:2]
    if sys.implementation.name != "cpython":
        raise RuntimeError(f"interpreter {sys.implementation.name!r}: betapool needs CPython")
    abi = impl + getattr(sys, "abiflags", "")
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}-{abi}-{plat}"


def _build_dir():
    # Inside the source tree (build/ is gitignored) and per interpreter (two
    # CPython 3.11 installations share a tag, not their headers), so a second
    # pip run with the same interpreter reuses the CMake build.
    exe = hashlib.sha256(os.path.realpath(sys.executable).encode()).hexdigest()[:8]
    return os.path.join(ROOT, "build", "python-pip", f"{_tag()}-{exe}")


def _run(cmd):
    print("betapool_build:", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=sys.stderr)


def build_extension():
    """Configure (once) and build betapool_python_core; return the package dir."""
    for tool in ("cmake", "c++"):
        if not _which(tool):
            raise RuntimeError(f"building betapool needs {tool} on PATH: "
                               "run scripts/install-deps.sh, or install a wheel")
    build = _build_dir()
    generator = ["-G", "Ninja"] if _which("ninja") else []
    if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        _run(["cmake", "-S", ROOT, "-B", build, *generator,
              "-DCMAKE_BUILD_TYPE=Release",
              f"-DPython3_EXECUTABLE={sys.executable}",
              "-DBETAPOOL_BUILD_PYTHON=ON",
              "-DBETAPOOL_BUILD_TESTS=OFF",
              "-DBETAPOOL_BUILD_EXAMPLES=OFF",
              "-DBETAPOOL_BUILD_LAB=OFF",
              "-DBETAPOOL_BUILD_BENCHMARKS=OFF",
              "-DBETAPOOL_BUILD_FUZZERS=OFF",
              "-DBETAPOOL_BUILD_TESTING_LIBRARY=OFF"])
    jobs = os.environ.get("BETAPOOL_BUILD_JOBS", "2")
    _run(["cmake", "--build", build, "--target", "betapool_python_core", "-j", jobs])
    return os.path.join(build, "bindings", "python", "betapool")


def _which(program):
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if d and os.access(os.path.join(d, program), os.X_OK):
            return True
    return False


def _package_files(built):
    """(archive name, path): the .py, .pyi and py.typed sources and _core*.so."""
    files = []
    for name in sorted(os.listdir(PACKAGE_SRC)):
        if name.endswith((".py", ".pyi")) or name == "py.typed":
            files.append((f"{NAME}/{name}", os.path.join(PACKAGE_SRC, name)))
    cores = [n for n in sorted(os.listdir(built))
             if n.startswith("_core") and n.endswith(".so")]
    if len(cores) != 1:
        raise RuntimeError(f"{built}: expected one _core*.so, found {cores}")
    files.append((f"{NAME}/{cores[0]}", os.path.join(built, cores[0])))
    return files


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return [arcname, "sha256=" + digest.decode(), str(len(data))]


def _write_wheel(wheel_directory, files):
    version = project_version()
    tag = _tag()
    dist_info = f"{NAME}-{version}.dist-info"
    wheel_name = f"{NAME}-{version}-{tag}.whl"
    meta = {
        "METADATA": _metadata().encode(),
        "WHEEL": ("Wheel-Version: 1.0\nGenerator: betapool_build\n"
                  f"Root-Is-Purelib: false\nTag: {tag}\n").encode(),
        "top_level.txt": f"{NAME}\n".encode(),
    }
    with open(os.path.join(ROOT, "LICENSE"), "rb") as f:
        meta["LICENSE"] = f.read()
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as whl:
        for arcname, path in files:
            with open(path, "rb") as f:
                data = f.read()
            info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if path.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(info, data)
            records.append(_record_line(arcname, data))
        for name, data in meta.items():
            whl.writestr(f"{dist_info}/{name}", data)
            records.append(_record_line(f"{dist_info}/{name}", data))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(records)
        writer.writerow([f"{dist_info}/RECORD", "", ""])
        whl.writestr(f"{dist_info}/RECORD", out.getvalue())
    return wheel_name


# PEP 517 hooks.

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = f"{NAME}-{project_version()}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w",
              encoding="utf-8") as f:
        f.write(_metadata())
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files(build_extension()))


def build_sdist(sdist_directory, config_settings=None):
    """The git-tracked files under betapool-<version>/ (needs git)."""
    base = f"{NAME}-{project_version()}"
    names = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        for name in filter(None, names):
            tar.add(os.path.join(ROOT, name), arcname=f"{base}/{name}", recursive=False)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return os.path.basename(path)

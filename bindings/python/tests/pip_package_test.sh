#!/usr/bin/env bash
# The Python package as a pip user gets it, from a clean copy of the source
# tree and offline (--no-index: no package index is reachable anyway):
#   1. `pip install --no-build-isolation <copy>` into a fresh venv, then
#      `import betapool` and `pip show` report the CMake project version;
#   2. `pip wheel --no-build-isolation -w dist <copy>` gives one wheel, and it
#      installs into a second fresh venv with nothing but that venv on PATH
#      (no compiler, no cmake), where the seed's example program passes;
#   3. `pip uninstall -y betapool` leaves nothing of the package behind.
#
# usage: pip_package_test.sh <source dir> <work dir> <version> <python>...
set -euo pipefail
source_dir=$1 work=$2 version=$3
shift 3

fail() { echo "FAILED: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/src"
# A clean copy: the sources without build trees, results or git metadata.
tar -C "$source_dir" --exclude='./build*' --exclude=./.git \
    --exclude=./lab-results --exclude=__pycache__ -cf - . | tar -C "$work/src" -xf -

n=0
for python in "$@"; do
  n=$((n + 1))
  dir="$work/python$n"
  echo "== $python ($("$python" --version))"

  "$python" -m venv "$dir/installed"
  "$dir/installed/bin/pip" install --no-index --no-build-isolation "$work/src"
  got=$(cd "$dir" && installed/bin/python -c 'import betapool; print(betapool.__version__)')
  [ "$got" = "$version" ] || fail "betapool.__version__ is '$got', CMake says '$version'"
  shown=$("$dir/installed/bin/pip" show betapool)
  grep -qx "Version: $version" <<<"$shown" || fail "pip show betapool does not say Version: $version"

  "$dir/installed/bin/pip" wheel --no-index --no-build-isolation --no-deps \
      -w "$dir/dist" "$work/src"
  wheels=("$dir"/dist/betapool-"$version"-*.whl)
  [ "${#wheels[@]}" -eq 1 ] && [ -f "${wheels[0]}" ] || fail "expected one wheel in $dir/dist"

  "$python" -m venv "$dir/from_wheel"
  # Only the venv on PATH: installing the wheel must need no build tool.
  env -i HOME="$dir" PATH="$dir/from_wheel/bin" \
      "$dir/from_wheel/bin/pip" install --no-index "${wheels[0]}"
  out=$(cd "$dir" && env -i HOME="$dir" PATH="$dir/from_wheel/bin" \
      from_wheel/bin/python "$source_dir/bindings/python/tests/seed_program.py")
  grep -qx "seed program OK" <<<"$out" || fail "the seed program failed on the wheel's install"

  site=$("$dir/from_wheel/bin/python" -c 'import sysconfig; print(sysconfig.get_path("platlib"))')
  "$dir/from_wheel/bin/pip" uninstall -y betapool
  left=$(cd "$site" && ls -d betapool* 2>/dev/null || true)
  [ -z "$left" ] || fail "pip uninstall left in $site: $left"
  if (cd "$dir" && from_wheel/bin/python -c 'import betapool' 2>/dev/null); then
    fail "betapool still imports after pip uninstall"
  fi
done
echo "pip package OK"

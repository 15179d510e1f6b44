#!/usr/bin/env bash
# Installs what betapool needs on Debian 12 (bookworm) from Debian's own
# packages. Safe to run again: apt skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git
  libabsl-dev            # Abseil: Mutex, Status, flags, random, time
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libboost1.81-dev       # Boost.PFR (1.74, Debian's default, predates it)
  gnuplot-nox            # betapool-lab's plots
  prometheus             # promtool validates the Prometheus sink's output
  clang libclang-rt-14-dev  # libFuzzer targets and sanitizer runtimes
  libtbb-dev libconcurrentqueue-dev  # peers in the benchmarks
  pybind11-dev python3-dev python3-pytest  # the Python module
)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "${missing[@]}"
fi

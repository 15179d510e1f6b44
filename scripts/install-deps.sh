#!/usr/bin/env bash
# Installs what betapool needs on Debian 12 (bookworm) from Debian's own
# packages. Safe to run again: apt skips what is already there.
#
#   install-deps.sh          build the library, the lab, the examples, the
#                            tests and the Python module; run the lab demo
#   install-deps.sh --test   also what only the tests use (the README's
#                            test command)
#   install-deps.sh --ci     also what CI's later stages use (fuzzers,
#                            sanitizer runtimes for clang, benchmark peers)
set -euo pipefail

build=(
  build-essential cmake ninja-build git
  libabsl-dev            # Abseil: Mutex, Status, flags, random, time
  libgtest-dev libgmock-dev  # the release preset builds the tests too
  libboost1.81-dev       # Boost.PFR (1.74, Debian's default, predates it)
  gnuplot-nox            # betapool-lab's plots
  pybind11-dev python3-dev  # the Python module (in the release preset)
  python3-venv           # pip install into a venv (README, docs/python.md)
)
test_only=(
  prometheus             # promtool validates the Prometheus sink's output
  python3-pytest         # the Python module's suite
  mypy                   # mypy --strict on the typed Python example
)
ci_only=(
  clang libclang-rt-14-dev  # libFuzzer targets and their sanitizer runtimes
  libbenchmark-dev libtbb-dev libconcurrentqueue-dev  # benchmarks and peers
)

packages=("${build[@]}")
case "${1:-}" in
  "") ;;
  --test) packages+=("${test_only[@]}") ;;
  --ci) packages+=("${test_only[@]}" "${ci_only[@]}") ;;
  *) echo "usage: $0 [--test|--ci]" >&2; exit 2 ;;
esac

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

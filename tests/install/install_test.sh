#!/usr/bin/env bash
# Installs the built library into a temporary prefix and builds examples/
# as a separate project against it with find_package(betapool), proving the
# installed package gives betapool::betapool and the "core/..." includes, and
# that betapool::testing lets a consumer run a contract suite on its own
# policy (examples/custom_policy_contract_test.cc).
# Usage: install_test.sh <build dir> <source dir>
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/examples" -B "$work/consumer" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" \
  > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" > "$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/consumer/custom_policy" | grep -q "known policies" \
  || { echo "custom_policy built against the installed package misbehaved"; exit 1; }
# The consumer's own policy through the installed contract suite.
contract="$work/consumer/custom_policy_contract_test"
[[ -x "$contract" ]] \
  || { echo "no $contract: the installed package lacks betapool::testing"; exit 1; }
"$contract" > "$work/contract.log" || { cat "$work/contract.log"; exit 1; }
grep -q "PASSED.* 6 tests" "$work/contract.log" \
  || { echo "the contract suite did not run its 6 tests:"; cat "$work/contract.log"; exit 1; }
echo "installed package consumed: examples built and ran, the policy contract passed"

#!/usr/bin/env bash
# Cross-build relu for arm64 with Debian's toolchain and run its CTest
# suite under qemu-aarch64, on a bare Debian 12 machine, as root.
#
# usage: tests/cross/aarch64.sh [CTEST_ARGUMENT...]
#
# Installs what it needs (once: arm64 as a multiarch architecture, the
# cross compiler, qemu-user, arm64's MPFR, GMP and fmt; header-only
# libraries and the test tools from the host), configures build-aarch64
# with cmake/aarch64-linux-gnu.cmake, builds, and runs ctest there (each
# aarch64 program through qemu-aarch64, with no binfmt_misc registration;
# the mpmath references run on the host's Python). Exit status: ctest's.
# Nothing here measures speed: under emulation it means nothing.
#
# The whole suite took 42 minutes under qemu here (2 shared cores), so by
# default it leaves out its slowest accuracy checks, accuracy.family
# (28 x 20,000 inputs, 10 minutes) and accuracy.dtype_family (10 minutes),
# and the newer dtype_fields and softmax checks, whose time under qemu is
# not measured yet, and checks a sample of the first instead, 28 x 5,000 inputs on the FMA
# path (accuracy.family_dekker, which stays, checks as many on Dekker's).
# RELU_CROSS_FULL=1 runs everything. Arguments go to ctest in place of
# that default, e.g. -E '^accuracy\.' to leave out every accuracy check.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec </dev/null

export DEBIAN_FRONTEND=noninteractive
packages=(g++ cmake make pkg-config python3 python3-mpmath python3-numpy
          parallel libcli11-dev libfast-float-dev doctest-dev bash-completion
          zsh fish groff-base lintian dpkg-dev file g++-aarch64-linux-gnu
          qemu-user libstdc++6:arm64 libmpfr-dev:arm64
          libgmp-dev:arm64 libfmt-dev:arm64)
dpkg --print-foreign-architectures | grep -qx arm64 ||
  dpkg --add-architecture arm64
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

build=build-aarch64
jobs=$(nproc)
SECONDS=0
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
  -DRELU_WERROR=ON -DCMAKE_BUILD_TYPE=Release
configured=$SECONDS
cmake --build "$build" -j"$jobs"
built=$SECONDS
file "$build/relu"
status=0
if (($# == 0)) && [[ -z ${RELU_CROSS_FULL:-} ]]; then
  ctest --test-dir "$build" -j"$jobs" --output-on-failure \
    -E '^accuracy\.(family|dtype_family|dtype_fields|softmax|softmax_selftest)$' || status=$?
  echo "=== a sample of accuracy.family: 5,000 inputs per function"
  python3 tests/accuracy/check.py "$build/tests/emulated/accuracy_probe" \
    --jobs "$jobs" --count 5000 || status=1
else
  ctest --test-dir "$build" -j"$jobs" --output-on-failure "$@" || status=$?
fi
echo "aarch64: configure ${configured} s, build $((built - configured)) s," \
  "ctest under qemu $((SECONDS - built)) s"
exit "$status"

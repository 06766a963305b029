#!/usr/bin/env bash
# Cross-build relu for s390x with Debian's toolchain and run its CTest
# suite under qemu-s390x, on a bare Debian 12 machine, as root.
#
# usage: tests/cross/s390x.sh [CTEST_ARGUMENT...]
#
# Installs what it needs (once: s390x as a multiarch architecture, the
# cross compiler, qemu-user, s390x's MPFR, GMP and fmt; header-only
# libraries and the test tools from the host), configures build-s390x
# with cmake/s390x-linux-gnu.cmake, builds, and runs ctest there (each
# s390x program through qemu-s390x, with no binfmt_misc registration;
# the mpmath references run on the host's Python). Arguments go to ctest,
# e.g. -E '^accuracy\.' to leave out the accuracy checks. Exit status:
# ctest's. Nothing here measures speed: under emulation it means nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec </dev/null

export DEBIAN_FRONTEND=noninteractive
packages=(g++ cmake make pkg-config python3 python3-mpmath python3-numpy
          parallel libcli11-dev libfast-float-dev doctest-dev bash-completion
          zsh fish groff-base lintian dpkg-dev file g++-s390x-linux-gnu
          qemu-user libstdc++6:s390x libmpfr-dev:s390x
          libgmp-dev:s390x libfmt-dev:s390x)
dpkg --print-foreign-architectures | grep -qx s390x ||
  dpkg --add-architecture s390x
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

build=build-s390x
jobs=$(nproc)
SECONDS=0
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/s390x-linux-gnu.cmake \
  -DRELU_WERROR=ON -DCMAKE_BUILD_TYPE=Release
configured=$SECONDS
cmake --build "$build" -j"$jobs"
built=$SECONDS
file "$build/relu"
status=0
ctest --test-dir "$build" -j"$jobs" --output-on-failure "$@" || status=$?
echo "s390x: configure ${configured} s, build $((built - configured)) s," \
  "ctest under qemu $((SECONDS - built)) s"
exit "$status"

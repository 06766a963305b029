#!/usr/bin/env bash
# Cross-build relu for another machine with Debian's toolchain and run its
# CTest suite under qemu-user, on a bare Debian 12 machine, as root.
#
# usage: tests/cross/run.sh ARCH [CTEST_ARGUMENT...]
#   ARCH: aarch64 (Debian's arm64) or s390x
#
# Installs what it needs (once: ARCH's Debian architecture as a multiarch
# architecture, the cross compiler, qemu-user, that architecture's MPFR,
# GMP and fmt; header-only libraries and the test tools from the host),
# configures build-ARCH with cmake/ARCH-linux-gnu.cmake, builds, and runs
# ctest there (each ARCH program through qemu-ARCH, with no binfmt_misc
# registration; the mpmath references run on the host's Python). Exit
# status: ctest's. Nothing here measures speed: under emulation it means
# nothing.
#
# s390x runs the whole suite; arguments go to ctest, e.g. -E '^accuracy\.'
# to leave out the accuracy checks.
#
# aarch64: the whole suite took 42 minutes under qemu here (2 shared
# cores), so by default it leaves out its slowest accuracy checks,
# accuracy.family (28 x 20,000 inputs, 10 minutes) and
# accuracy.dtype_family (10 minutes), and the self-tests of the softmax
# and glu references, which test the references (on the host's Python),
# not relu; it checks a sample of the first instead, 28 x 5,000 inputs on
# the FMA path (accuracy.family_dekker, which stays, checks as many on
# Dekker's). accuracy.dtype_fields, accuracy.softmax and accuracy.glu
# stay: under a minute each under qemu.
# RELU_CROSS_FULL=1 runs everything. Arguments go to ctest in place of
# that default, e.g. -E '^accuracy\.' to leave out every accuracy check.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec </dev/null

arch=${1:-}
case $arch in
  aarch64) deb_arch=arm64 ;;
  s390x) deb_arch=s390x ;;
  *) echo "usage: tests/cross/run.sh aarch64|s390x [CTEST_ARGUMENT...]" >&2
     exit 2 ;;
esac
shift

packages=(g++ cmake make pkg-config python3 python3-mpmath python3-numpy
          parallel libcli11-dev libfast-float-dev doctest-dev bash-completion
          zsh fish groff-base lintian dpkg-dev file "g++-$arch-linux-gnu"
          qemu-user "libstdc++6:$deb_arch" "libmpfr-dev:$deb_arch"
          "libgmp-dev:$deb_arch" "libfmt-dev:$deb_arch")
tools/install_packages.sh "${packages[@]}"

build=build-$arch
jobs=$(nproc)
SECONDS=0
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE="cmake/$arch-linux-gnu.cmake" \
  -DRELU_WERROR=ON -DCMAKE_BUILD_TYPE=Release
configured=$SECONDS
cmake --build "$build" -j"$jobs"
built=$SECONDS
file "$build/relu"
status=0
if [[ $arch == aarch64 ]] && (($# == 0)) && [[ -z ${RELU_CROSS_FULL:-} ]]; then
  ctest --test-dir "$build" -j"$jobs" --output-on-failure \
    -E '^accuracy\.(family|dtype_family|softmax_selftest|glu_selftest)$' ||
    status=$?
  echo "=== a sample of accuracy.family: 5,000 inputs per function"
  python3 tests/accuracy/check.py "$build/tests/emulated/accuracy_probe" \
    --jobs "$jobs" --count 5000 || status=1
else
  ctest --test-dir "$build" -j"$jobs" --output-on-failure "$@" || status=$?
fi
echo "$arch: configure ${configured} s, build $((built - configured)) s," \
  "ctest under qemu $((SECONDS - built)) s"
exit "$status"

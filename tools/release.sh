#!/usr/bin/env bash
# Build relu's release artifacts into one folder, on a bare Debian 12
# machine, as root. V is the project's version (CMakeLists.txt), as
# relu --version prints it:
#   relu-V-x86_64-linux, relu-V-aarch64-linux  fully static binaries,
#       stripped: they load nothing, so they run on any Linux of their
#       machine;
#   relu-V-x86_64-linux.tar.gz, relu-V-aarch64-linux.tar.gz  that binary
#       with the man page, the bash, zsh and fish completions, copyright
#       and changelog, laid out as `cmake --install` lays them out under a
#       prefix (bin/, share/), so that one tar command puts each file where
#       its tool looks (README, Other machines);
#   relu_V_amd64.deb, relu_V_arm64.deb  Debian packages, made by cpack from
#       ordinary builds: Debian wants GMP shared, not in a static binary
#       (lintian's embedded-library), and the package states Depends;
#   SHA256SUMS  for `sha256sum -c SHA256SUMS` in that folder.
#
# usage: tools/release.sh [OUT]    (default dist; emptied first)
#
# Installs what it needs (once: arm64 as a multiarch architecture, the
# cross compiler and arm64's libraries, as tests/cross/run.sh does), and
# builds relu in four folders, each configured as CI configures it so that
# one CI has built already is reused as it is: build-static and
# build-aarch64-static (the static binaries), build-x86_64 and
# build-aarch64 (the packages). tests/release_check.sh OUT checks the
# result.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

out=${1:-dist}

# doctest and Python: configuring a build folder registers its tests.
# file and dpkg-dev: cpack's dpkg-shlibdeps; lintian and qemu-user:
# tests/release_check.sh.
packages=(g++ cmake make pkg-config python3 libcli11-dev libfmt-dev
          libfast-float-dev libmpfr-dev doctest-dev dpkg-dev file lintian
          g++-aarch64-linux-gnu qemu-user libstdc++6:arm64 libmpfr-dev:arm64
          libgmp-dev:arm64 libfmt-dev:arm64)
tools/install_packages.sh "${packages[@]}"

# OUT is emptied, so it must be empty or a folder this script made.
if [[ -d $out && -n $(ls -A "$out") && ! -e $out/SHA256SUMS ]]; then
  echo "release.sh: $out holds files but no SHA256SUMS; not emptying it" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

jobs=$(nproc)
aarch64=(-DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake)
# build FOLDER CMAKE_ARGUMENT...: configure FOLDER with warnings as errors
# (as .ci/run and tests/cross/run.sh do) and build relu there. cpack
# would build every target first, the tests too, unless
# CMAKE_SKIP_INSTALL_ALL_DEPENDENCY says that relu, built here, is enough.
# A folder configured before ignores the toolchain file given again.
build() {
  local folder=$1
  shift
  cmake -S . -B "$folder" --no-warn-unused-cli -DRELU_WERROR=ON \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON "$@" \
    >"$scratch/configure.log" || { cat "$scratch/configure.log"; exit 1; }
  cmake --build "$folder" -j"$jobs" --target relu
}

SECONDS=0
build build-static -DRELU_STATIC=ON
build build-aarch64-static -DRELU_STATIC=ON "${aarch64[@]}"
build build-x86_64
build build-aarch64 "${aarch64[@]}"
built=$SECONDS

version=$(build-static/relu --version)
version=${version#relu }
if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release.sh: relu --version printed an unexpected '$version'" >&2
  exit 1
fi

# The static binary and the tarball of each machine: installed stripped
# under a prefix, which becomes the tarball's top folder.
declare -A static=([x86_64]=build-static [aarch64]=build-aarch64-static)
for machine in x86_64 aarch64; do
  name=relu-$version-$machine-linux
  cmake --install "${static[$machine]}" --strip --prefix "$scratch/$name" \
    >/dev/null
  cp "$scratch/$name/bin/relu" "$out/$name"
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$scratch" \
    -cf - "$name" | gzip -9n >"$out/$name.tar.gz"
done

# The packages: cpack names each relu_V_ARCH.deb (DEB-DEFAULT).
for folder in build-x86_64 build-aarch64; do
  cpack -G DEB --config "$folder/CPackConfig.cmake" -B "$scratch/$folder" \
    >/dev/null
  mv "$scratch/$folder"/relu_*.deb "$out/"
done

(cd "$out" && sha256sum -- relu* >SHA256SUMS)
for artifact in "$out"/*; do
  printf '%10d  %s\n' "$(stat -c %s "$artifact")" "$artifact"
done
echo "release $version: build ${built} s, artifacts $((SECONDS - built)) s"

#!/usr/bin/env bash
# Check the release artifacts tools/release.sh put into DIR: SHA256SUMS
# lists exactly the artifacts of one version and matches them; each static
# binary is statically linked, stripped and for its machine; each binary
# (the static ones, the tarballs' and the packages') runs `relu 2.0 -3.0`
# and `relu --version`, the aarch64 ones through qemu-aarch64 by name (no
# binfmt_misc registration needed); each tarball holds the files README
# says; each package has its fields, files and Depends, and lintian finds
# no error or warning. Every failure is reported; then the exit status is
# 1 and the scratch folder is kept, and named.
#
# usage: tests/release_check.sh DIR
# Needs file, dpkg-deb, lintian, qemu-user and arm64's libgmp10 (for the
# arm64 package's binary); tools/release.sh installs them.
set -euo pipefail
dir=${1:?usage: tests/release_check.sh DIR}
cd "$dir"
if [[ ! -f SHA256SUMS ]]; then
  echo "release_check: no SHA256SUMS in $dir" >&2
  exit 1
fi
scratch=$(mktemp -d)
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The version is in the x86_64 binary's name; every other artifact and
# every binary must agree with it.
names=(relu-*-x86_64-linux)
if ((${#names[@]} != 1)) || [[ ! -f ${names[0]} ]]; then
  echo "release_check: no one relu-VERSION-x86_64-linux in $dir" >&2
  exit 1
fi
version=${names[0]#relu-}
version=${version%-x86_64-linux}
artifacts=("relu-$version-aarch64-linux" "relu-$version-aarch64-linux.tar.gz"
           "relu-$version-x86_64-linux" "relu-$version-x86_64-linux.tar.gz"
           "relu_${version}_amd64.deb" "relu_${version}_arm64.deb")

listed=$(sed 's/^[0-9a-f]* [ *]//' SHA256SUMS | sort)
[[ $listed == "$(printf '%s\n' "${artifacts[@]}")" ]] ||
  fail "SHA256SUMS lists:"$'\n'"$listed"
present=$(find . -mindepth 1 -maxdepth 1 ! -name SHA256SUMS -printf '%P\n' | sort)
[[ $present == "$(printf '%s\n' "${artifacts[@]}")" ]] ||
  fail "$dir holds:"$'\n'"$present"
sha256sum --strict --quiet -c SHA256SUMS || fail "sha256sum -c SHA256SUMS"

# runs WHAT COMMAND...: relu as COMMAND runs README's first example and
# prints the version.
runs() {
  local what=$1 got
  shift
  got=$("$@" 2.0 -3.0 2>&1; echo "status $?")
  [[ $got == $'2.0\n0\nstatus 0' ]] ||
    fail "$what: relu 2.0 -3.0 printed:"$'\n'"$got"
  got=$("$@" --version 2>&1; echo "status $?")
  [[ $got == "relu $version"$'\nstatus 0' ]] ||
    fail "$what: relu --version printed:"$'\n'"$got"
}

# is_elf WHAT FILE PATTERN: file(1) describes FILE as PATTERN.
is_elf() {
  local description
  description=$(file -b "$2")
  # shellcheck disable=SC2053 # $3 is a pattern
  [[ $description == $3 ]] || fail "$1: file says: $description"
}

# check MACHINE DEBIAN_ARCHITECTURE FILE_MACHINE EMULATOR...
check() {
  local machine=$1 arch=$2 elf=$3
  shift 3
  local binary=relu-$version-$machine-linux
  local tarball=$binary.tar.gz deb=relu_${version}_$arch.deb
  local got want

  is_elf "$binary" "$binary" "ELF 64-bit *, $elf,*, statically linked,*, stripped"
  runs "$binary" "$@" "./$binary"

  want=$(printf "$binary/%s\n" bin/relu share/bash-completion/completions/relu \
    share/doc/relu/changelog share/doc/relu/copyright \
    share/fish/vendor_completions.d/relu.fish share/man/man1/relu.1 \
    share/zsh/site-functions/_relu)
  if got=$(tar -tzf "$tarball" | grep -v '/$' | sort) &&
     tar -xzf "$tarball" -C "$scratch"; then
    [[ $got == "$want" ]] || fail "$tarball holds:"$'\n'"$got"
    cmp -s "$scratch/$binary/bin/relu" "$binary" ||
      fail "$tarball: bin/relu is not $binary"
    runs "$tarball" "$@" "$scratch/$binary/bin/relu"
  else
    fail "$tarball: tar cannot read it"
  fi

  if ! got=$(dpkg-deb -f "$deb" Package Version Architecture); then
    fail "$deb: dpkg-deb cannot read it"
    return
  fi
  [[ $got == $'Package: relu\nVersion: '"$version"$'\nArchitecture: '"$arch" ]] ||
    fail "$deb: fields:"$'\n'"$got"
  # The C++ runtime and MPFR are linked in, GMP is not (CMakeLists.txt).
  got=$(dpkg-deb -f "$deb" Depends) || true
  [[ $got =~ ^libc6\ \(\>=\ [0-9.]+\),\ libgmp10\ \(\>=\ [^\)]+\)$ ]] ||
    fail "$deb: Depends: $got"
  got=$(dpkg-deb -c "$deb" | awk '{print $6}' | grep -v '/$' | sort) || true
  want=$(printf './usr/share/%s\n' bash-completion/completions/relu \
    doc/relu/changelog.gz doc/relu/copyright fish/vendor_completions.d/relu.fish \
    man/man1/relu.1.gz zsh/site-functions/_relu)
  want=$'./usr/bin/relu\n'$want
  [[ $got == "$want" ]] || fail "$deb holds:"$'\n'"$got"
  got=$(lintian --fail-on error,warning "$deb" 2>&1) ||
    fail "$deb: lintian:"$'\n'"$got"
  if ! dpkg-deb -x "$deb" "$scratch/$arch"; then
    fail "$deb: dpkg-deb cannot unpack it"
    return
  fi
  is_elf "$deb" "$scratch/$arch/usr/bin/relu" "ELF 64-bit *, $elf,*, dynamically linked,*"
  runs "$deb" "$@" "$scratch/$arch/usr/bin/relu"
}

check x86_64 amd64 x86-64
# The arm64 package's binary is dynamic: qemu takes its loader and
# libraries from arm64's multiarch ones under /.
check aarch64 arm64 "ARM aarch64" qemu-aarch64

if ((failures)); then
  echo "release_check: $failures failures; scratch folder kept: $scratch" >&2
  exit 1
fi
rm -rf "$scratch"
echo "release_check: the artifacts of relu $version in $dir are sound"

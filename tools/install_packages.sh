#!/usr/bin/env bash
# Install the Debian packages named that are not installed yet, on a bare
# Debian 12 machine, as root; a name:ARCH package first adds ARCH as a
# multiarch architecture. Does nothing, and needs no network, when every
# one is in already, so that the scripts that call it can run again.
#
# usage: tools/install_packages.sh PACKAGE...
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "$@"; do
  if [[ $p == *:* ]]; then
    dpkg --print-foreign-architectures | grep -qx "${p#*:}" ||
      dpkg --add-architecture "${p#*:}"
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi

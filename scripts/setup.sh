#!/usr/bin/env bash
# Installs every build and test dependency of intformer from Debian's apt repositories.
# Idempotent; run as root (or with sudo) on Debian 12. Cross toolchains and qemu are only
# installed with --cross, so a plain x86 build stays lean.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
# python3 + python3-matplotlib: tools/glue_compare (its tests need only python3).
pkgs=(build-essential cmake ninja-build pkg-config
      libdnnl-dev libxsimd-dev libcpuinfo-dev libpthreadpool-dev libxxhash-dev
      libutf8proc-dev libcli11-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      python3 python3-matplotlib)
if [ "${1:-}" = "--cross" ]; then
  pkgs+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-arm-linux-gnueabi qemu-user)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all dependencies present"
fi

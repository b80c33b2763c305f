#!/usr/bin/env bash
# Installs every build and test dependency of intformer from Debian's apt repositories.
# Idempotent; run as root (or with sudo) on Debian 12. Cross toolchains and qemu are only
# installed with --cross, so a plain x86 build stays lean.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
# python3 + python3-matplotlib: tools/glue_compare (its tests need only python3).
# clang-14 + libclang-rt-14-dev: libFuzzer and the sanitizer runtimes (scripts/fuzz.sh,
# scripts/test_sanitizers.sh, scripts/test_tsan.sh).
pkgs=(build-essential cmake ninja-build pkg-config
      libdnnl-dev libxsimd-dev libcpuinfo-dev libpthreadpool-dev libxxhash-dev
      libutf8proc-dev libcli11-dev nlohmann-json3-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      python3 python3-matplotlib
      clang-14 libclang-rt-14-dev)
cross_arches=(arm64 armhf armel)
if [ "${1:-}" = "--cross" ]; then
  pkgs+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-arm-linux-gnueabi qemu-user)
  # ARM builds of the dependencies come from Debian multiarch where they are co-installable
  # (Multi-Arch: same): GoogleTest (static libraries, per-arch CMake files), xxHash and utf8proc
  # (shared libraries in /usr/lib/<triple>). cpuinfo and pthreadpool are handled below.
  for a in "${cross_arches[@]}"; do
    if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
      $SUDO dpkg --add-architecture "$a"
      need_update=1
    fi
    pkgs+=("libgtest-dev:$a" "libxxhash-dev:$a" "libutf8proc-dev:$a")
  done
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ -n "${need_update:-}" ]; then
  echo "setup: installing ${missing[*]}"
  # A mirror caught mid-sync fails one index now and then; the install below still fails loudly
  # if anything we need is really missing.
  $SUDO apt-get update -qq || echo "setup: apt-get update reported errors, continuing"
  [ ${#missing[@]} -eq 0 ] ||
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
      --no-install-recommends "${missing[@]}"
else
  echo "setup: all dependencies present"
fi

# libcpuinfo-dev (its CMake files differ per arch) and libpthreadpool (not Multi-Arch) cannot be
# installed next to the amd64 packages, so their ARM builds are unpacked into
# $INTFORMER_CROSS_DEPS/<arch>, where targets/*.toolchain.cmake look for them. The only edit is
# the prefix of the unpacked libcpuinfo.pc, so that pkg-config needs no sysroot and the same
# search path also serves the multiarch .pc files in /usr/lib/<triple>/pkgconfig.
if [ "${1:-}" = "--cross" ]; then
  deps_root=${INTFORMER_CROSS_DEPS:-/opt/intformer-cross}
  for a in "${cross_arches[@]}"; do
    want=""
    for p in libcpuinfo0 libcpuinfo-dev libpthreadpool0 libpthreadpool-dev; do
      want+="$p=$(apt-cache policy "$p:$a" | awk '/Candidate:/ {print $2}') "
    done
    # The stamp names the layout too, so a tree unpacked before the .pc edit is redone.
    stamp="pc-relocated $want"
    if [ "$(cat "$deps_root/$a/.versions" 2>/dev/null)" != "$stamp" ]; then
      echo "setup: unpacking $want for $a into $deps_root/$a"
      tmp=$(mktemp -d)
      (cd "$tmp" && for p in $want; do apt-get download -q "${p%%=*}:$a=${p#*=}"; done)
      $SUDO rm -rf "$deps_root/$a"
      $SUDO mkdir -p "$deps_root/$a"
      for f in "$tmp"/*.deb; do $SUDO dpkg -x "$f" "$deps_root/$a"; done
      $SUDO sed -i "s|^prefix=/usr\$|prefix=$deps_root/$a/usr|; s|^exec_prefix=/usr\$|exec_prefix=\${prefix}|" \
        "$deps_root/$a"/usr/lib/*/pkgconfig/libcpuinfo.pc
      echo "$stamp" | $SUDO tee "$deps_root/$a/.versions" >/dev/null
      rm -rf "$tmp"
    fi
  done
fi

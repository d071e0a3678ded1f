#!/usr/bin/env bash
# Installs every Debian package Palisade needs to build and test, and only
# what is missing. Idempotent; run as root on Debian 12.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang llvm libclang-rt-14-dev
  clang-format
  # BPF build chain and loader
  libbpf-dev bpftool libelf-dev zlib1g-dev
  # libraries of the design brief
  tao-pegtl-dev libyaml-cpp-dev nlohmann-json3-dev libsystemd-dev
  libcli11-dev
  # host tier: palisaded on a private bus (dbus-daemon; busctl is systemd's)
  dbus-daemon systemd
  googletest libgtest-dev libgmock-dev
  # vm tier: Debian's kernel under QEMU with a busybox initramfs; the
  # systemd guest also takes dbus (its units, system.conf) and setpriv
  qemu-system-x86 busybox-static cpio dbus util-linux
  # packaging: cpack's .deb (dpkg-shlibdeps), the man pages' check (groff)
  dpkg-dev groff-base
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) != 0 ]]; then
    echo "setup: run as root to install packages" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

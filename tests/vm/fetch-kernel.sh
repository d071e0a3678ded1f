#!/usr/bin/env bash
# fetch-kernel.sh - fetch one of Debian's cloud kernels for the VM test tier.
#
# Usage:   tests/vm/fetch-kernel.sh [--series SERIES] CACHE_DIR
# Series (the kernel matrix, docs/testing.md "The kernel matrix"):
#   6.1    (default) bookworm:          linux-image-6.1.0-N-cloud-amd64-unsigned
#   6.12   bookworm-security:           linux-image-6.12.N+deb12-cloud-amd64-unsigned
#   7      trixie-backports:            linux-binary-unsigned-7.N.M+deb13-cloud-amd64
#          (from 7.x on the image is split: vmlinuz is in linux-binary-*,
#          the config in linux-base-*, the modules in linux-modules-*; the
#          VM needs only vmlinuz)
# Output:  stdout: one line, the absolute path of the kernel image (vmlinuz).
#          stderr: progress and error messages.
# Exit:    0 on success; non-zero (with a message on stderr) when the kernel
#          cannot be resolved, downloaded or unpacked.
#
# What it does:
#   1. Resolves the newest package of the series at run time: the names
#      `apt-cache search` knows, sorted with `sort -V`. 6.1 and 6.12 come
#      from this machine's own apt sources (bookworm, bookworm-security);
#      if apt knows nothing yet (fresh machine) it runs `apt-get update`
#      once. Series 7 comes from trixie-backports, which a Debian 12 machine
#      does not list: a private apt configuration in CACHE_DIR/apt-trixie
#      (its own sources, lists and package cache; the host's apt is never
#      changed) with Debian's archive keyring. 6.12 falls back to the same
#      kind of private configuration (CACHE_DIR/apt-bookworm-security) on a
#      machine whose sources lack bookworm-security.
#   2. `apt-get download`s the package into CACHE_DIR and unpacks it with
#      `dpkg-deb -x` into CACHE_DIR/<package>_<version>/. Nothing is
#      installed, the host's /boot is never touched.
#   3. A second run with the same package version downloads nothing: the
#      unpacked tree is reused (marker file .complete).
#   4. Offline fallback: if the package cannot be resolved or downloaded (no
#      apt lists, no network) but CACHE_DIR already holds an unpacked kernel
#      of the same series, the newest one is used, with a warning on stderr.
#      With none cached that is a hard failure.
#
# Concurrent runs (ctest -j) are serialised with flock on CACHE_DIR/.lock.
set -euo pipefail

VM_PROG=fetch-kernel.sh
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

series=6.1
if [[ ${1:-} == --series ]]; then
  [[ $# -ge 2 ]] || { echo "usage: $0 [--series 6.1|6.12|7] CACHE_DIR" >&2; exit 2; }
  series=$2
  shift 2
fi
if [[ $# -ne 1 || -z $1 || $1 == -* ]]; then
  echo "usage: $0 [--series 6.1|6.12|7] CACHE_DIR" >&2
  exit 2
fi

# The package names of each series, as an extended regular expression.
case $series in
  6.1)  name_re='linux-image-6\.1\.[0-9]+-[0-9]+-cloud-amd64-unsigned' ;;
  6.12) name_re='linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned' ;;
  7)    name_re='linux-binary-unsigned-7\.[0-9]+\.[0-9]+\+deb13-cloud-amd64' ;;
  *)    vm_die "unknown kernel series '$series' (known: 6.1, 6.12, 7)" ;;
esac

mkdir -p -- "$1" || vm_die "cannot create cache directory $1"
cache_dir=$(readlink -f -- "$1")

for tool in apt-cache apt-get dpkg-deb flock; do
  command -v "$tool" >/dev/null 2>&1 ||
    vm_die "$tool not found: this script needs a Debian system (apt, dpkg, util-linux)"
done

# Only one fetch at a time per cache directory.
exec 9>"$cache_dir/.lock"
flock 9

# --- where apt looks ------------------------------------------------------------

# use_private_apt NAME URI SUITE: from here on apt reads a private
# configuration in CACHE_DIR/apt-NAME (its own sources, lists and package
# cache, Debian's archive keyring); the host's apt is never changed.
apt_opts=()
use_private_apt() {
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -r $keyring ]] || vm_die "$keyring is missing (package debian-archive-keyring)"
  local priv="$cache_dir/apt-$1"
  mkdir -p "$priv/lists/partial" "$priv/cache/archives/partial"
  printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$2" "$3" >"$priv/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$priv/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$priv/lists" -o "Dir::Cache=$priv/cache"
            -o Dir::State::status=/dev/null)
}
if [[ $series == 7 ]]; then
  use_private_apt trixie http://deb.debian.org/debian trixie-backports
fi

apt_update() {
  if [[ ${#apt_opts[@]} -eq 0 && $(id -u) -ne 0 ]]; then
    vm_log "not root: cannot run apt-get update"
    return 1
  fi
  vm_log "running apt-get update${apt_opts:+ (private lists)}"
  DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" -o APT::Sandbox::User=root \
    update -qq </dev/null >&2
}

# --- 1. resolve the package name and version -------------------------------

# Prints "PACKAGE VERSION" of the newest package of the series, or nothing.
resolve_package() {
  local pkg version
  pkg=$(apt-cache "${apt_opts[@]}" search --names-only "^${name_re}\$" 2>/dev/null |
    awk '{print $1}' | sort -V | tail -n 1) || true
  [[ -n $pkg ]] || return 0
  # Must be downloadable: it has a candidate version.
  version=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" 2>/dev/null |
    awk '/^Version:/ {print $2; exit}') || true
  [[ -n $version ]] && printf '%s %s\n' "$pkg" "$version"
  return 0
}

# Prints the vmlinuz path inside an unpacked tree $1, or nothing: boot/
# up to 6.12, usr/lib/modules/<release>/vmlinuz.unsigned in 7.x's
# linux-binary-unsigned-* packages.
vmlinuz_in() {
  local f
  for f in "$1"/boot/vmlinuz-* "$1"/usr/lib/modules/*/vmlinuz.unsigned; do
    [[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
  done
  return 0
}

# use_cached_or_die MESSAGE: offline fallback. Print the newest kernel of
# this series already unpacked in the cache (with a warning) and exit 0; if
# there is none, fail with MESSAGE.
use_cached_or_die() {
  local marker dir candidate fallback=""
  for marker in "$cache_dir"/*/.complete; do
    [[ -f $marker ]] || continue
    dir=$(dirname "$marker")
    [[ $(basename "$dir") =~ ^${name_re}_ ]] || continue
    candidate=$(vmlinuz_in "$dir")
    [[ -n $candidate ]] && fallback=$(printf '%s\n%s\n' "$fallback" "$candidate" | sort -V | tail -n 1)
  done
  if [[ -n $fallback ]]; then
    vm_log "warning: $1"
    vm_log "warning: using the kernel already in the cache: $fallback"
    printf '%s\n' "$fallback"
    exit 0
  fi
  vm_die "$1, and $cache_dir holds no $series kernel yet"
}

resolved=$(resolve_package)
if [[ -z $resolved ]]; then
  vm_log "apt-cache knows no $series kernel package yet"
  apt_update || vm_log "apt-get update failed"
  resolved=$(resolve_package)
fi
if [[ -z $resolved && $series == 6.12 && ${#apt_opts[@]} -eq 0 ]]; then
  # A machine whose sources lack bookworm-security: read it privately.
  vm_log "this machine's apt sources have no $series kernel; reading bookworm-security privately"
  use_private_apt bookworm-security http://deb.debian.org/debian-security bookworm-security
  resolved=$(resolve_package)
  [[ -n $resolved ]] || { apt_update || vm_log "apt-get update failed"; resolved=$(resolve_package); }
fi
[[ -n $resolved ]] ||
  use_cached_or_die "cannot resolve a $series cloud kernel package ($name_re): no apt lists or no network?"

read -r pkg version <<<"$resolved"
# Epochs ("1:2.3") would put a colon in a path; replace it.
tree="$cache_dir/${pkg}_${version//:/_}"

# --- 2. cached? ---------------------------------------------------------------

if [[ -f $tree/.complete ]]; then
  vmlinuz=$(vmlinuz_in "$tree")
  if [[ -n $vmlinuz ]]; then
    vm_log "cached: $pkg $version"
    printf '%s\n' "$vmlinuz"
    exit 0
  fi
  vm_log "cache entry $tree has no vmlinuz; fetching again"
fi

# --- 3. download and unpack -----------------------------------------------------

tmp=$(mktemp -d "$cache_dir/.fetch.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

download() {
  # As root, apt's download sandbox user (_apt) may not be able to write to
  # $tmp; downloading as root is fine for a package we never install.
  (cd "$tmp" && apt-get "${apt_opts[@]}" download -q -o APT::Sandbox::User=root \
    "$pkg=$version" </dev/null >&2)
}

vm_log "downloading $pkg $version"
if ! download; then
  # Stale lists (the point release moved and the old .deb is gone): refresh
  # once and resolve again.
  vm_log "download failed; refreshing the package lists and retrying"
  apt_update || use_cached_or_die "apt-get update failed (no network?)"
  resolved=$(resolve_package)
  [[ -n $resolved ]] || use_cached_or_die "cannot resolve the $series kernel package after apt-get update"
  read -r pkg version <<<"$resolved"
  tree="$cache_dir/${pkg}_${version//:/_}"
  download || use_cached_or_die "apt-get download $pkg=$version failed (no network?)"
fi

deb=$(find "$tmp" -maxdepth 1 -name '*.deb' -print -quit)
[[ -n $deb ]] || vm_die "apt-get download produced no .deb for $pkg"

vm_log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp/tree" || vm_die "dpkg-deb -x $deb failed"
[[ -n $(vmlinuz_in "$tmp/tree") ]] || vm_die "$deb contains no kernel image (boot/vmlinuz-*, usr/lib/modules/*/vmlinuz.unsigned)"
touch "$tmp/tree/.complete"

rm -rf -- "$tree"
mv -- "$tmp/tree" "$tree"

vmlinuz=$(vmlinuz_in "$tree")
vm_log "kernel: $vmlinuz"
printf '%s\n' "$vmlinuz"

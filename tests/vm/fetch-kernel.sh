#!/usr/bin/env bash
# fetch-kernel.sh - fetch Debian's 6.1 cloud kernel for the VM test tier.
#
# Usage:   tests/vm/fetch-kernel.sh CACHE_DIR
# Output:  stdout: one line, the absolute path of the kernel image (vmlinuz).
#          stderr: progress and error messages.
# Exit:    0 on success; non-zero (with a message on stderr) when the kernel
#          cannot be resolved, downloaded or unpacked.
#
# What it does:
#   1. Resolves the current kernel package at run time: the package that the
#      metapackage linux-image-cloud-amd64 depends on (e.g.
#      linux-image-6.1.0-56-cloud-amd64), falling back to the newest
#      linux-image-6.1.0-N-cloud-amd64-unsigned that apt-cache knows. If apt
#      knows nothing yet (fresh machine), it runs `apt-get update` once.
#   2. `apt-get download`s the *-unsigned* package into CACHE_DIR and unpacks
#      it with `dpkg-deb -x` into CACHE_DIR/<package>_<version>/. Nothing is
#      installed, the host's /boot is never touched.
#   3. A second run with the same package version downloads nothing: the
#      unpacked tree is reused (marker file .complete).
#   4. Offline fallback: if the package cannot be resolved or downloaded (no
#      apt lists, no network) but CACHE_DIR already holds an unpacked kernel,
#      the newest one is used, with a warning on stderr. With an empty cache
#      that is a hard failure.
#
# Concurrent runs (ctest -j) are serialised with flock on CACHE_DIR/.lock.
set -euo pipefail

VM_PROG=fetch-kernel.sh
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

if [[ $# -ne 1 || -z $1 || $1 == -* ]]; then
  echo "usage: $0 CACHE_DIR" >&2
  exit 2
fi

mkdir -p -- "$1" || vm_die "cannot create cache directory $1"
cache_dir=$(readlink -f -- "$1")

for tool in apt-cache apt-get dpkg-deb flock; do
  command -v "$tool" >/dev/null 2>&1 ||
    vm_die "$tool not found: this script needs a Debian system (apt, dpkg, util-linux)"
done

# Only one fetch at a time per cache directory.
exec 9>"$cache_dir/.lock"
flock 9

# --- 1. resolve the package name and version -------------------------------

# Prints "linux-image-6.1.0-N-cloud-amd64-unsigned VERSION" or nothing.
resolve_package() {
  local abi_pkg=""
  # The metapackage depends on the current ABI package, e.g.
  #   "  Depends: linux-image-6.1.0-56-cloud-amd64"
  abi_pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^ *|\{0,1\}Depends: \(linux-image-6\.1\.[0-9]*-[0-9]*-cloud-amd64\)\(-unsigned\)\{0,1\}$/\1/p' |
    sort -V | tail -n 1) || true
  if [[ -z $abi_pkg ]]; then
    # Metapackage unknown, or it points at another kernel series: take the
    # newest 6.1 cloud package apt knows.
    abi_pkg=$(apt-cache search --names-only '^linux-image-6\.1\.[0-9]+-[0-9]+-cloud-amd64-unsigned$' 2>/dev/null |
      awk '{print $1}' | sed 's/-unsigned$//' | sort -V | tail -n 1) || true
  fi
  [[ -n $abi_pkg ]] || return 0
  local pkg="${abi_pkg}-unsigned" version=""
  # Must be downloadable: it has a candidate version.
  version=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null |
    awk '/^Version:/ {print $2; exit}') || true
  [[ -n $version ]] && printf '%s %s\n' "$pkg" "$version"
  return 0
}

# Prints the vmlinuz path inside an unpacked tree $1, or nothing.
vmlinuz_in() {
  local f
  for f in "$1"/boot/vmlinuz-*; do
    [[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
  done
  return 0
}

resolved=$(resolve_package)
if [[ -z $resolved ]]; then
  vm_log "apt-cache does not know linux-image-cloud-amd64; running apt-get update"
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 ||
      vm_log "apt-get update failed"
    resolved=$(resolve_package)
  else
    vm_log "not root: cannot run apt-get update"
  fi
fi

# use_cached_or_die MESSAGE: offline fallback. Print the newest kernel that
# is already unpacked in the cache (with a warning) and exit 0; if there is
# none, fail with MESSAGE.
use_cached_or_die() {
  local marker candidate fallback=""
  for marker in "$cache_dir"/*/.complete; do
    [[ -f $marker ]] || continue
    candidate=$(vmlinuz_in "$(dirname "$marker")")
    [[ -n $candidate ]] && fallback=$(printf '%s\n%s\n' "$fallback" "$candidate" | sort -V | tail -n 1)
  done
  if [[ -n $fallback ]]; then
    vm_log "warning: $1"
    vm_log "warning: using the kernel already in the cache: $fallback"
    printf '%s\n' "$fallback"
    exit 0
  fi
  vm_die "$1, and $cache_dir holds no kernel yet"
}

if [[ -z $resolved ]]; then
  use_cached_or_die "cannot resolve a linux-image-6.1.0-*-cloud-amd64-unsigned package (no apt lists or no network?)"
fi

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
  (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$version" </dev/null >&2)
}

vm_log "downloading $pkg $version"
if ! download; then
  # Stale lists (the point release moved and the old .deb is gone): refresh
  # once and resolve again.
  if [[ $(id -u) -eq 0 ]]; then
    vm_log "download failed; running apt-get update and retrying"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 ||
      use_cached_or_die "apt-get update failed (no network?)"
    resolved=$(resolve_package)
    [[ -n $resolved ]] || use_cached_or_die "cannot resolve the cloud kernel package after apt-get update"
    read -r pkg version <<<"$resolved"
    tree="$cache_dir/${pkg}_${version//:/_}"
    download || use_cached_or_die "apt-get download $pkg=$version failed (no network?)"
  else
    use_cached_or_die "apt-get download $pkg=$version failed (no network?)"
  fi
fi

deb=$(find "$tmp" -maxdepth 1 -name '*.deb' -print -quit)
[[ -n $deb ]] || vm_die "apt-get download produced no .deb for $pkg"

vm_log "unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$tmp/tree" || vm_die "dpkg-deb -x $deb failed"
[[ -n $(vmlinuz_in "$tmp/tree") ]] || vm_die "$deb contains no boot/vmlinuz-*"
touch "$tmp/tree/.complete"

rm -rf -- "$tree"
mv -- "$tmp/tree" "$tree"

vmlinuz=$(vmlinuz_in "$tree")
vm_log "kernel: $vmlinuz"
printf '%s\n' "$vmlinuz"

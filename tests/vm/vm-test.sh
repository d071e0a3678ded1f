#!/usr/bin/env bash
# vm-test.sh - one VM test: fetch the kernel, then run a guest script in QEMU.
# This is what ctest calls for every test labelled "vm".
#
# Usage:
#   tests/vm/vm-test.sh [--cache DIR] [--series S] GUEST_SCRIPT [run-in-vm.sh options...]
#
#   GUEST_SCRIPT        becomes /test.sh in the guest (run-in-vm.sh --script).
#   --cache DIR         kernel cache used when $PALISADE_VM_CACHE is unset
#                       (CMake passes ${PALISADE_VM_CACHE}). Without
#                       both, or when DIR is not writable (not root):
#                       ${XDG_CACHE_HOME:-~/.cache}/palisade-vm.
#   --series S          the kernel of the matrix to boot: 6.1 (default),
#                       6.12 or 7 (see fetch-kernel.sh).
#   everything after GUEST_SCRIPT is passed to run-in-vm.sh unchanged:
#     --bin PATH, --file SRC:DST, --append "ARGS", --timeout S, --mem MB,
#     --log PATH, --workdir DIR  (see run-in-vm.sh for their meaning).
#
# Environment:
#   PALISADE_VM_CACHE   kernel cache directory (wins over --cache).
#   PALISADE_VM_KERNEL  boot this vmlinuz instead of fetching one.
#   CI, PALISADE_REQUIRE_VM=1
#                       "the VM tier must run": see exit status.
#
# Exit status:
#   the guest script's status (0 = pass), or run-in-vm.sh's harness codes
#   (124 timeout, 125 boot failure / panic / no result line, 1, 2).
#   A VM that was started but failed is ALWAYS a failure.
#   If the VM cannot be started at all (qemu/busybox/cpio missing and not
#   installable, kernel not downloadable):
#     - with CI set (non-empty, not "false") or PALISADE_REQUIRE_VM=1: exit 1;
#     - otherwise (local development, e.g. offline): exit 77, which the ctest
#       property SKIP_RETURN_CODE 77 reports as "skipped", with the reason.
#   A guest script may itself exit 77 to ask for a skip; in required mode
#   that is turned into a failure too.
set -euo pipefail

VM_PROG=vm-test.sh
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

user_cache="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/palisade-vm"
cache_default=$user_cache
if [[ ${1:-} == --cache ]]; then
  [[ $# -ge 2 ]] || { vm_log "error: --cache needs an argument"; exit 2; }
  cache_default=$2
  shift 2
  # CMake's default (/var/cache/palisade-vm) is for root; a developer
  # without write access there keeps kernels in their own cache.
  if ! mkdir -p -- "$cache_default" 2>/dev/null || [[ ! -w $cache_default ]]; then
    cache_default=$user_cache
  fi
fi
series=6.1
if [[ ${1:-} == --series ]]; then
  [[ $# -ge 2 ]] || { vm_log "error: --series needs an argument"; exit 2; }
  series=$2
  shift 2
fi
if [[ $# -lt 1 || $1 == -* ]]; then
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
guest_script=$1
shift
cache_dir=${PALISADE_VM_CACHE:-$cache_default}

required=0
if [[ -n ${CI:-} && ${CI:-} != false ]] || [[ ${PALISADE_REQUIRE_VM:-0} == 1 ]]; then
  required=1
fi

# unavailable REASON: the VM cannot be started on this machine.
unavailable() {
  if [[ $required -eq 1 ]]; then
    vm_log "FAIL: cannot run the VM test: $*"
    vm_log "(CI or PALISADE_REQUIRE_VM=1 is set, so the vm tier is mandatory here)"
    exit 1
  fi
  vm_log "SKIP: cannot run the VM test: $*"
  vm_log "(set PALISADE_REQUIRE_VM=1 to make this a failure)"
  exit 77
}

"$here/run-in-vm.sh" --check-deps ||
  unavailable "qemu-system-x86 / busybox-static / cpio are missing and could not be installed"

if [[ -n ${PALISADE_VM_KERNEL:-} ]]; then
  [[ -r $PALISADE_VM_KERNEL ]] || unavailable "PALISADE_VM_KERNEL=$PALISADE_VM_KERNEL is not readable"
  kernel=$PALISADE_VM_KERNEL
else
  kernel=$("$here/fetch-kernel.sh" --series "$series" "$cache_dir") ||
    unavailable "could not fetch Debian's $series cloud kernel into $cache_dir (see above)"
fi

set +e
"$here/run-in-vm.sh" --kernel "$kernel" --script "$guest_script" "$@"
rc=$?
set -e

if [[ $rc -eq 77 && $required -eq 1 ]]; then
  vm_log "FAIL: the guest script asked to skip (exit 77), but the vm tier is mandatory here"
  exit 1
fi
exit "$rc"

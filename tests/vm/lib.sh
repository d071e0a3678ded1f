# shellcheck shell=bash
# Helpers shared by the VM-tier scripts (sourced, not executed).
#
#   vm_log MSG...            message to stderr, prefixed with the script name
#   vm_die MSG...            vm_log, then exit 1
#   vm_ensure_packages PKG:CMD...
#                            make sure every CMD exists, installing PKG with
#                            apt-get (after one `apt-get update`) when it does
#                            not; returns non-zero with a message if that is
#                            impossible (not root, no network, ...)

vm_log() {
  printf '%s: %s\n' "${VM_PROG:-${0##*/}}" "$*" >&2
}

vm_die() {
  vm_log "error: $*"
  exit 1
}

# _vm_missing_packages PKG:CMD... prints the PKGs whose CMD is absent.
# COMMAND may be a name (looked up with command -v) or the absolute path
# of a file the package installs.
_vm_missing_packages() {
  local spec pkg cmd
  for spec in "$@"; do
    pkg=${spec%%:*}
    cmd=${spec#*:}
    if [[ $cmd == /* ]]; then
      [[ -e $cmd ]] && continue
    else
      command -v "$cmd" >/dev/null 2>&1 && continue
    fi
    printf '%s\n' "$pkg"
  done
}

# vm_ensure_packages busybox-static:/bin/busybox cpio:cpio ...
vm_ensure_packages() {
  local -a missing=()
  mapfile -t missing < <(_vm_missing_packages "$@")
  ((${#missing[@]} == 0)) && return 0

  vm_log "missing packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    vm_log "cannot install them: not root (run: apt-get install -y ${missing[*]})"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    vm_log "cannot install them: apt-get not found (this harness expects Debian 12)"
    return 1
  fi
  vm_log "installing: apt-get update && apt-get install -y ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2; then
    vm_log "apt-get update failed"
    return 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" </dev/null >&2; then
    vm_log "apt-get install ${missing[*]} failed"
    return 1
  fi
  mapfile -t missing < <(_vm_missing_packages "$@")
  if ((${#missing[@]} != 0)); then
    vm_log "still missing after install: ${missing[*]}"
    return 1
  fi
  return 0
}

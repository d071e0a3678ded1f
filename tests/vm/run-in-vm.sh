#!/usr/bin/env bash
# run-in-vm.sh - run a guest test script as root inside a throw-away QEMU VM.
#
# Usage:
#   tests/vm/run-in-vm.sh --kernel VMLINUZ --script GUEST_SCRIPT [options]
#   tests/vm/run-in-vm.sh --check-deps
#
# Options:
#   --kernel PATH      kernel image to boot (see fetch-kernel.sh). Required.
#   --script PATH      guest test script; becomes /test.sh in the guest and is
#                      run as root by busybox `/bin/sh /test.sh` from `/`.
#                      Its exit status is the exit status of this script.
#                      Required.
#   --bin PATH         (repeatable) executable copied to /bin/<basename> in the
#                      guest, together with every shared library `ldd` lists
#                      for it (same path in the guest) and the dynamic loader.
#                      A --bin replaces a busybox applet of the same name.
#   --file SRC:DST     (repeatable) copy a file or a directory into the guest
#                      at the absolute path DST (a directory's contents go
#                      into DST; a file with DST ending in '/' goes into that
#                      directory under its own name). No library resolution:
#                      use --bin for programs. Split at the last ':'.
#   --append "ARGS"    extra kernel command line, e.g. "lsm=landlock,lockdown,yama".
#                      Always present: "console=ttyS0 panic=-1 quiet".
#   --timeout SECONDS  wall-clock limit for the whole VM run (default 600).
#   --mem MB           guest memory (default 1024).
#   --log PATH         where to keep the serial console log
#                      (default WORKDIR/serial.log).
#   --systemd          boot systemd as PID 1 (this machine's systemd, journald,
#                      dbus-daemon and their units) instead of running
#                      /test.sh from /init: /test.sh then runs as the
#                      oneshot unit palisade-vm-test.service, after
#                      basic.target and the system bus socket, with the
#                      serial console as its output. For tests of the
#                      units a package installs (see "systemd guest").
#   --workdir DIR      build the initramfs in DIR and keep it there (rootfs/,
#                      initrd.gz, serial.log). Default: a temporary directory,
#                      removed on exit.
#   --check-deps       only make sure qemu-system-x86_64, busybox, cpio and
#                      gzip are available (installing them with apt-get as
#                      root when missing); exit 0 if they are.
#
# Guest environment (built as an initramfs, nothing else is in it):
#   - busybox (static) with all its applets as /bin/<applet> symlinks;
#   - /init mounts proc, sysfs, devtmpfs, securityfs (/sys/kernel/security),
#     bpffs (/sys/fs/bpf), tracefs (/sys/kernel/tracing), debugfs
#     (/sys/kernel/debug), tmpfs (/tmp, /run) and cgroup2 (/sys/fs/cgroup);
#     a mount that fails is reported as "vm-init: warning: ..." and the test
#     still runs (the test script checks what it needs);
#   - PATH=/bin:/sbin:/usr/bin:/usr/sbin, HOME=/root, cwd /;
#   - the kernel command line is in /proc/cmdline.
#   After /test.sh exits, /init prints the guest's dmesg if the status is not
#   zero, then the line "PALISADE-VM-RESULT rc=<N>", then powers off.
#
# Output and exit status:
#   stdout: the serial console log (the test script's output), then
#           "vm: booted and ran in N.N s".
#   stderr: harness messages.
#   exit:   the guest's rc when the result line appeared; otherwise non-zero
#           with a message on stderr: 124 timeout, 125 no result line (boot
#           failure, kernel panic, init crash), 2 bad usage, 1 other harness
#           errors (missing tools, unreadable files, ldd "not found").
#
# Always software emulation (-accel tcg): KVM does not work on these machines.
set -euo pipefail

VM_PROG=run-in-vm.sh
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$here/lib.sh"

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# Packages the harness needs, as PACKAGE:COMMAND.
deps=(qemu-system-x86:qemu-system-x86_64 busybox-static:busybox cpio:cpio
      gzip:gzip coreutils:timeout libc-bin:ldd perl-base:perl)

# --- arguments ----------------------------------------------------------------

kernel=""
script=""
append=""
timeout_s=600
mem_mb=1024
log=""
workdir=""
temp_workdir=0
bins=()
files=()
with_systemd=0

need_arg() { [[ $# -ge 2 ]] || { vm_log "error: $1 needs an argument"; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --kernel)  need_arg "$@"; kernel=$2; shift 2 ;;
    --script)  need_arg "$@"; script=$2; shift 2 ;;
    --bin)     need_arg "$@"; bins+=("$2"); shift 2 ;;
    --file)    need_arg "$@"; files+=("$2"); shift 2 ;;
    --append)  need_arg "$@"; append=$2; shift 2 ;;
    --timeout) need_arg "$@"; timeout_s=$2; shift 2 ;;
    --mem)     need_arg "$@"; mem_mb=$2; shift 2 ;;
    --log)     need_arg "$@"; log=$2; shift 2 ;;
    --workdir) need_arg "$@"; workdir=$2; shift 2 ;;
    --systemd) with_systemd=1; shift ;;
    --check-deps)
      vm_ensure_packages "${deps[@]}" || exit 1
      exit 0 ;;
    -h|--help) usage ;;
    *) vm_log "error: unknown argument: $1"; usage ;;
  esac
done

[[ -n $kernel ]] || { vm_log "error: --kernel is required"; exit 2; }
[[ -n $script ]] || { vm_log "error: --script is required"; exit 2; }
[[ $timeout_s =~ ^[0-9]+$ && $timeout_s -gt 0 ]] || { vm_log "error: --timeout must be a positive integer"; exit 2; }
[[ $mem_mb =~ ^[0-9]+$ && $mem_mb -ge 128 ]] || { vm_log "error: --mem must be an integer >= 128"; exit 2; }
[[ -r $kernel ]] || vm_die "kernel $kernel is not readable"
[[ -r $script ]] || vm_die "guest script $script is not readable"

vm_ensure_packages "${deps[@]}" || vm_die "required tools are missing"

# --- work directory -------------------------------------------------------------

qemu_pid=""
# On exit: stop a still running VM (e.g. ctest killed us) and remove a
# temporary work directory.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  if [[ -n $qemu_pid ]]; then
    kill -TERM "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  if [[ $temp_workdir -eq 1 ]]; then
    rm -rf -- "$workdir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n $workdir ]]; then
  mkdir -p -- "$workdir"
  workdir=$(readlink -f -- "$workdir")
else
  workdir=$(mktemp -d "${TMPDIR:-/tmp}/palisade-vm.XXXXXX")
  temp_workdir=1
fi
rootfs="$workdir/rootfs"
initrd="$workdir/initrd.gz"
[[ -n $log ]] || log="$workdir/serial.log"
mkdir -p -- "$(dirname -- "$log")"
log=$(readlink -f -- "$log")
rm -rf -- "$rootfs"
rm -f -- "$initrd" "$log"
# How to refer to the log in error messages: a log inside a temporary work
# directory is gone after exit, but it was printed to stdout.
if [[ $temp_workdir -eq 1 && $log == "$workdir"/* ]]; then
  log_note="serial log printed above"
else
  log_note="serial log: $log"
fi

# --- root file system -------------------------------------------------------------

mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,mnt}
chmod 1777 "$rootfs/tmp"

# copy_libs EXE: copy the shared libraries and loader `ldd` lists for EXE to
# the same absolute paths under $rootfs. Static executables need nothing.
copy_libs() {
  local exe=$1 out line lib
  if ! out=$(LC_ALL=C ldd "$exe" 2>&1); then
    # ldd exits 1 for static executables ("not a dynamic executable").
    [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]] && return 0
    vm_die "ldd $exe failed: $out"
  fi
  [[ $out == *"statically linked"* ]] && return 0
  while IFS= read -r line; do
    case $line in
      *"not found"*) vm_die "$exe: missing shared library: ${line#"${line%%[![:space:]]*}"}" ;;
      *"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;   # libfoo.so.1 => /lib/.../libfoo.so.1 (0x...)
      *[[:space:]]/*) lib=${line#"${line%%[![:space:]]*}"}; lib=${lib%% (*} ;;  # /lib64/ld-linux-x86-64.so.2 (0x...)
      *) continue ;;                                         # linux-vdso.so.1 (0x...)
    esac
    [[ -e $rootfs$lib ]] && continue
    mkdir -p -- "$rootfs$(dirname -- "$lib")"
    # -L: copy the real file under the name the loader asks for.
    cp -L -- "$lib" "$rootfs$lib"
  done <<<"$out"
}

# busybox and its applets. /bin/busybox from busybox-static is preferred; a
# dynamic busybox also works (its libraries are copied).
busybox=/bin/busybox
[[ -x $busybox ]] || busybox=$(command -v busybox)
cp -L -- "$busybox" "$rootfs/bin/busybox"
copy_libs "$busybox"
# One symlink per applet (~270). perl (perl-base is Essential on Debian)
# makes them in one process; a fork per `ln` costs seconds here.
"$busybox" --list | perl -e '
  my $dir = shift;
  while (my $applet = <STDIN>) {
    chomp $applet;
    next if $applet eq "" || $applet eq "busybox";
    symlink("busybox", "$dir/$applet") or die "symlink $applet: $!\n";
  }' "$rootfs/bin" || vm_die "could not create the busybox applet links"
# Some tools look for these in sbin.
for applet in init poweroff reboot mount umount; do
  ln -s ../bin/busybox "$rootfs/sbin/$applet"
done

# Test binaries.
for bin in "${bins[@]}"; do
  [[ -f $bin && -x $bin ]] || vm_die "--bin $bin: not an executable file"
  name=$(basename -- "$bin")
  rm -f -- "$rootfs/bin/$name"
  cp -L --preserve=mode -- "$bin" "$rootfs/bin/$name"
  copy_libs "$bin"
done

# Extra files and directories.
for spec in "${files[@]}"; do
  [[ $spec == *:* ]] || vm_die "--file $spec: expected SRC:DST"
  src=${spec%:*}
  dst=${spec##*:}
  [[ $dst == /* ]] || vm_die "--file $spec: DST must be an absolute guest path"
  [[ -e $src ]] || vm_die "--file $spec: $src does not exist"
  # "DST/" means "into the directory DST".
  [[ $dst == */ && ! -d $src ]] && dst="$dst$(basename -- "$src")"
  if [[ -d $src ]]; then
    mkdir -p -- "$rootfs$dst"
    cp -R --preserve=mode -- "$src/." "$rootfs$dst/"
  else
    mkdir -p -- "$rootfs$(dirname -- "$dst")"
    rm -f -- "$rootfs$dst"
    cp -L --preserve=mode -- "$src" "$rootfs$dst"
  fi
done

if [[ $with_systemd -eq 1 ]]; then
  # shellcheck source=systemd-guest.sh source-path=SCRIPTDIR
  source "$here/systemd-guest.sh"
  systemd_guest_install
fi

cp -L -- "$script" "$rootfs/test.sh"
chmod 0755 "$rootfs/test.sh"

# The console node lets the kernel give /init a stdout before devtmpfs is
# mounted (needs root to create; /init re-opens the console anyway).
mknod -m 600 "$rootfs/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$rootfs/dev/null" c 1 3 2>/dev/null || true

cat >"$rootfs/init" <<'INIT'
#!/bin/sh
# Palisade VM-test init (generated by tests/vm/run-in-vm.sh).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
cd /

warn() { echo "vm-init: warning: $*"; }

# vm_mount TYPE DIR [OPTIONS]
vm_mount() {
  mkdir -p "$2" 2>/dev/null
  mount -t "$1" ${3:+-o "$3"} "$1" "$2" 2>/dev/null || warn "could not mount $1 on $2"
}

mount -t proc proc /proc || warn "could not mount proc"
mount -t sysfs sysfs /sys || warn "could not mount sysfs"
mount -t devtmpfs devtmpfs /dev || warn "could not mount devtmpfs"
# Everything from here on goes to the serial console.
exec </dev/console >/dev/console 2>&1

vm_mount securityfs /sys/kernel/security
vm_mount bpf        /sys/fs/bpf
vm_mount tracefs    /sys/kernel/tracing
vm_mount debugfs    /sys/kernel/debug
vm_mount tmpfs      /tmp mode=1777
vm_mount tmpfs      /run mode=0755
vm_mount cgroup2    /sys/fs/cgroup
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname palisade-vm 2>/dev/null

echo "vm-init: kernel $(uname -r), cmdline: $(cat /proc/cmdline)"
if [ -x /lib/systemd/systemd ] && [ -f /etc/systemd/system/palisade-vm-test.service ]; then
  echo "vm-init: starting systemd; /test.sh runs as palisade-vm-test.service"
  exec /lib/systemd/systemd
fi
echo "vm-init: running /test.sh"
/bin/sh /test.sh </dev/null
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "vm-init: ----- guest dmesg (test failed) -----"
  dmesg
  echo "vm-init: ----- end of dmesg -----"
fi
echo "PALISADE-VM-RESULT rc=$rc"
sync
poweroff -f
# Not reached; if poweroff fails, exiting init panics the kernel and
# panic=-1 with -no-reboot stops QEMU.
INIT
chmod 0755 "$rootfs/init"

# Pack: newc format, everything owned by root, stable order.
(cd "$rootfs" && find . -print0 | LC_ALL=C sort -z |
  cpio --null --quiet -o -H newc -R 0:0 | gzip -6 -n) >"$initrd" ||
  vm_die "could not pack the initramfs"

# --- boot ----------------------------------------------------------------------------

cmdline="console=ttyS0 panic=-1 quiet${append:+ $append}"
vm_log "booting $(basename -- "$kernel") (initramfs $(du -k "$initrd" | cut -f1) KiB, timeout ${timeout_s}s, cmdline: $cmdline)"

start=$(date +%s.%N)
# In the background so that a signal to this script reaches cleanup() at once.
timeout --kill-after=10 "$timeout_s" \
  qemu-system-x86_64 -accel tcg -cpu max -m "$mem_mb" -smp 1 \
    -display none -monitor none -serial "file:$log" -no-reboot \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
    </dev/null >"$workdir/qemu.out" 2>&1 &
qemu_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=""
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# --- results -------------------------------------------------------------------------

# The serial log has CRLF line ends; show it plain.
if [[ -f $log ]]; then
  tr -d '\r' <"$log"
else
  vm_log "no serial log was written"
fi
if [[ -s $workdir/qemu.out ]]; then
  echo "vm: qemu said:"
  cat "$workdir/qemu.out"
fi
echo "vm: booted and ran in $elapsed s"

result=""
if [[ -f $log ]]; then
  result=$(tr -d '\r' <"$log" | sed -n 's/^PALISADE-VM-RESULT rc=\([0-9][0-9]*\)$/\1/p' | tail -n 1)
fi

if [[ -n $result ]]; then
  if [[ $result -ne 0 ]]; then
    vm_log "guest test failed: rc=$result ($log_note)"
  fi
  exit "$result"
fi

if [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
  vm_log "error: timeout: the VM did not finish within ${timeout_s}s ($log_note)"
  exit 124
fi
if [[ -f $log ]] && grep -aq 'Kernel panic' "$log"; then
  vm_log "error: kernel panic in the guest, no result line ($log_note)"
elif [[ ! -s $log ]]; then
  vm_log "error: the guest wrote nothing to the serial console: boot failure (qemu exit $qemu_rc)"
else
  vm_log "error: no PALISADE-VM-RESULT line: the guest did not finish (qemu exit $qemu_rc, $log_note)"
fi
exit 125

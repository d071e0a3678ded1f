#!/bin/sh
# smoke.sh - guest script for the vm_smoke tests (runs inside the VM as
# /test.sh under busybox sh; see run-in-vm.sh).
#
# Expects the host to pass:
#   --bin  vm-hello                         (built from tests/vm/vm-hello.c)
#   --file <src>/vm-hello.c:/opt/smoke/vm-hello.c
#
# Checks that the harness gives later VM tests what they rely on:
#   - the BPF LSM is active exactly when it should be: `bpf` is in
#     /sys/kernel/security/lsm unless the kernel was booted with an lsm= list
#     that leaves it out (e.g. --append "lsm=landlock,lockdown,yama");
#   - bpffs, tracefs, cgroup2, securityfs and tmpfs are mounted where expected;
#   - /sys/kernel/btf/vmlinux exists (CO-RE works);
#   - a dynamically linked binary passed with --bin runs, and --file copies.
# Exit status: number of failed checks (0 = pass).

failures=0
pass() { echo "smoke: ok   $*"; }
fail() { echo "smoke: FAIL $*"; failures=$((failures + 1)); }

# check DESCRIPTION COMMAND...: run COMMAND, pass if it succeeds.
check() {
  desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# shellcheck disable=SC2317  # called through check()
mounted() { grep -q " $1 $2 " /proc/mounts; }

echo "smoke: kernel $(uname -r)"

# --- BPF LSM ------------------------------------------------------------------
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
echo "smoke: active LSMs: ${lsm:-<unreadable>}"
want_bpf=yes
# shellcheck disable=SC2013  # the command line is split into words on purpose
for arg in $(cat /proc/cmdline); do
  case $arg in
    lsm=*)
      case ",${arg#lsm=}," in
        *,bpf,*) want_bpf=yes ;;
        *)       want_bpf=no ;;
      esac ;;
  esac
done
case ",$lsm," in
  *,bpf,*) have_bpf=yes ;;
  *)       have_bpf=no ;;
esac
if [ "$have_bpf" = "$want_bpf" ]; then
  pass "bpf LSM active: $have_bpf (expected $want_bpf)"
else
  fail "bpf LSM active: $have_bpf (expected $want_bpf)"
fi

# --- file systems ----------------------------------------------------------------
check "securityfs on /sys/kernel/security" mounted /sys/kernel/security securityfs
check "bpffs on /sys/fs/bpf"              mounted /sys/fs/bpf bpf
check "tracefs on /sys/kernel/tracing"    mounted /sys/kernel/tracing tracefs
check "cgroup2 on /sys/fs/cgroup"         mounted /sys/fs/cgroup cgroup2
check "tmpfs on /tmp"                     mounted /tmp tmpfs
check "tmpfs on /run"                     mounted /run tmpfs
check "syscall tracepoints present" test -d /sys/kernel/tracing/events/syscalls
check "/sys/kernel/btf/vmlinux exists"    test -s /sys/kernel/btf/vmlinux
# shellcheck disable=SC2016  # expanded by the inner sh
check "/tmp is writable" sh -c 'echo x >/tmp/smoke && [ "$(cat /tmp/smoke)" = x ]'

# --- binaries and files from the host ---------------------------------------------
out=$(vm-hello 2>&1)
rc=$?
echo "smoke: vm-hello said: $out"
if [ "$rc" -eq 0 ] && echo "$out" | grep -q '^vm-hello: dynamically linked, libbpf'; then
  pass "dynamically linked --bin runs"
else
  fail "dynamically linked --bin runs (rc=$rc)"
fi
check "--file copied" grep -q 'vm-hello' /opt/smoke/vm-hello.c

echo "smoke: $failures failure(s)"
exit "$failures"

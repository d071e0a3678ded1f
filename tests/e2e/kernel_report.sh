#!/bin/sh
# Guest side of the kernel matrix report: prints what this kernel runs
# (`enforcectl probe`) and each BPF program's verifier work (`enforcectl
# probe --verifier`) between marker lines, which scripts/kernel-report.sh
# collects from the serial logs into docs/kernels.md and the headroom
# table of docs/mechanisms.md.
#   kernel_report.sh ENFORCECTL
# Exit status: that of `probe --verifier` (1: a program over half the
# verifier's limit, or refused where its kind loads).
ENFORCECTL=$1
label=$(sed -n 's/.*palisade\.boot=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "=== palisade-report probe ${label:-default} $(uname -r)"
echo "lsm: $(cat /sys/kernel/security/lsm)"
"$ENFORCECTL" probe
echo "=== palisade-report verifier ${label:-default} $(uname -r)"
"$ENFORCECTL" probe --verifier
rc=$?
echo "=== palisade-report end"
exit $rc

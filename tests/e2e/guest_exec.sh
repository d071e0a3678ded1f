#!/bin/sh
# VM guest script: exec enforcement on Debian's kernel. The mechanism the
# probe must choose comes from the kernel command line (palisade.expect=),
# so one script serves the boot with BPF LSM and the boot without it.
expect=$(sed -n 's/.*palisade\.expect=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "guest: lsm list: $(cat /sys/kernel/security/lsm), expecting $expect"
/opt/e2e/exec_enforcement.sh /bin/enforcectl /bin/pal-testprog "$expect"

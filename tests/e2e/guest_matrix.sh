#!/bin/sh
# VM guest script for a kernel of the matrix that does not run the whole
# e2e suite: the kernel report (every program loaded alone, verifier
# headroom), then one denial per hook (one_deny_per_hook.sh). The mechanism
# the probe must choose comes from the command line (palisade.expect=).
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
expect=$(sed -n 's/.*palisade\.expect=\([^ ]*\).*/\1/p' /proc/cmdline)
/opt/e2e/kernel_report.sh /bin/enforcectl || { echo "FAIL: verifier headroom"; exit 1; }
/opt/e2e/one_deny_per_hook.sh /bin/enforcectl /bin/pal-testprog "$expect"

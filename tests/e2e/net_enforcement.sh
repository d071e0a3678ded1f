#!/bin/sh
# End-to-end network enforcement, as a user would check it: start
# `enforcectl run` on an egress policy, then connect, send and bind over
# IPv4, IPv6 and IPv4-mapped IPv6, TCP and UDP, and watch each call fail
# with EPERM or go through; the same connect as root and as uid 4242 (the
# uid field). Finally read the audit trail.
#
# Runs on the host (bash) and in the VM (busybox sh), as root:
#   net_enforcement.sh ENFORCECTL TESTPROG LISTEN
# LISTEN is the mechanism the probe must pick for listen: lsm or fmod_ret
# (then listen rules are tested too), or none (this host: listen rules are
# left out, connect and bind still run through the cgroup hooks).
# Exit status: 0 all checks passed, 1 a check failed, 77 not root.
set -u

ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
LISTEN=$3

. "$(dirname "$0")/lib.sh"
e2e_init net

cp "$TESTPROG" "$W/admin"
# Parents for parent.binary (`spawn` forks, the child connects).
mkdir -p "$W/untrusted"
cp "$TESTPROG" "$W/untrusted/spawner"
cp "$TESTPROG" "$W/spawner"

# A cgroup of our own in the v2 hierarchy, for the cgroup field: the rule
# names its path as the kernel walks it (from the hierarchy's root).
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG_NAME=/palisade-e2e-$$
mkdir "$CG_ROOT$CG_NAME" || { echo "FAIL: cannot create cgroup $CG_ROOT$CG_NAME"; exit 1; }
E2E_CLEANUP=e2e_remove_cgroup
e2e_remove_cgroup() { rmdir "$CG_ROOT$CG_NAME" 2>/dev/null; }
# in_cgroup CMD...: CMD run as a member of the test cgroup.
in_cgroup() { sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' _ "$CG_ROOT$CG_NAME" "$@"; }

cat > "$W/policy.rules" <<EOF
# Written by tests/e2e/net_enforcement.sh
policy "egress" mode enforce {
  deny connect when port == 9999 "no port 9999"
  deny connect when address in ["10.0.0.0/8", "fd00::/8"] "no private networks"
  kill connect when port == 6666 "tripwire port"
  deny bind when port in [2000..2099] and protocol == "udp"
  allow connect when port == 9999 and binary == "$W/admin"
  deny connect when port == 9996 and uid != 0 "no 9996 but for root"
  allow connect when port == 9995 and uid == 0
  deny connect when port == 9995 and uid in [0..4241, 4243..65535]
  deny connect when port == 9994 and euid == 4242 and gid == 4242 and pid > 1
  deny connect when port == 9993 and cgroup == "$CG_NAME" "no 9993 from the test cgroup"
  deny connect when port == 9992 and parent.binary under "$W/untrusted" "no 9992 from children of untrusted"
}
policy "trial" mode audit {
  deny connect when port == 8888
  deny bind when port == 8889
}
EOF
if [ "$LISTEN" != none ]; then
	cat >> "$W/policy.rules" <<EOF
policy "servers" mode enforce {
  deny listen when port == 7777 "no server on 7777"
}
policy "servers-trial" mode audit {
  deny listen when port == 7779
}
EOF
fi

e2e_start_run

grep -q "connect/bind enforced by cgroup " "$W/stderr" &&
	pass "probe chose the cgroup hooks" || fail "probe did not choose the cgroup hooks"
if [ "$LISTEN" != none ]; then
	grep -q "listen enforced by $LISTEN " "$W/stderr" &&
		pass "probe chose $LISTEN for listen" || fail "probe did not choose $LISTEN for listen"
fi

denied() {
	what=$1
	shift
	e2e_run "$what" "$TESTPROG" "$@"
	verb=$1
	[ "$1" = as ] && verb=$4 # as UID PATH VERB ...
	[ "$rc" = 2 ] && [ "$out" = "$verb failed: EPERM" ] &&
		pass "$what: EPERM" || fail "$what was not refused with EPERM"
}
allowed() {
	what=$1
	shift
	e2e_run "$what" "$TESTPROG" "$@"
	[ "$rc" = 0 ] && pass "$what: not blocked" || fail "$what was refused"
}

denied "TCP connect to port 9999" connect 127.0.0.1 9999 tcp
allowed "TCP connect to port 9998" connect 127.0.0.1 9998 tcp
denied "IPv6 connect to port 9999" connect ::1 9999 tcp
denied "IPv4-mapped IPv6 connect to port 9999" connect ::ffff:127.0.0.1 9999 tcp
denied "UDP connect to port 9999" connect 127.0.0.1 9999 udp
denied "UDP sendto port 9999 without connect" sendto 127.0.0.1 9999
denied "IPv6 UDP sendto port 9999" sendto ::1 9999
denied "connect into 10.0.0.0/8" connect 10.1.2.3 80 tcp
denied "IPv4-mapped connect into 10.0.0.0/8" connect ::ffff:10.1.2.3 80 tcp
denied "connect into fd00::/8" connect fd12::1 80 tcp
e2e_run "the allowed binary connects to 9999" "$W/admin" connect 127.0.0.1 9999 tcp
[ "$rc" = 0 ] && pass "allow exception for its binary" || fail "allow exception ignored"
# The uid field: the kernel reads the acting task's real uid.
allowed "root connects to 9996" connect 127.0.0.1 9996 tcp
denied "uid 4242 connects to 9996" as 4242 /proc/self/exe connect 127.0.0.1 9996 tcp
allowed "uid 4242 connects to 9995 (allowed by uid)" as 4242 /proc/self/exe connect 127.0.0.1 9995 tcp
allowed "root connects to 9995 (allow for uid 0)" connect 127.0.0.1 9995 tcp
denied "uid 1000 connects to 9995" as 1000 /proc/self/exe connect 127.0.0.1 9995 tcp
denied "euid and gid 4242 connect to 9994" as 4242 /proc/self/exe connect 127.0.0.1 9994 tcp
allowed "root connects to 9994" connect 127.0.0.1 9994 tcp
e2e_run "connect to 9993 from the test cgroup" in_cgroup "$TESTPROG" connect 127.0.0.1 9993 tcp
[ "$rc" = 2 ] && [ "$out" = "connect failed: EPERM" ] &&
	pass "the cgroup rule holds inside its cgroup" || fail "connect from the test cgroup was not refused"
allowed "connect to 9993 from outside the test cgroup" connect 127.0.0.1 9993 tcp
# parent.binary: the kernel reads the connecting process's parent's
# executable; the same connect from a child of another parent goes through.
e2e_run "connect to 9992 from a child of untrusted/spawner" "$W/untrusted/spawner" spawn "$TESTPROG" connect 127.0.0.1 9992 tcp
[ "$rc" = 2 ] && [ "$out" = "connect failed: EPERM" ] &&
	pass "the parent.binary rule holds for a child of its parent" ||
	fail "connect from a child of untrusted/spawner was not refused"
e2e_run "connect to 9992 from a child of spawner" "$W/spawner" spawn "$TESTPROG" connect 127.0.0.1 9992 tcp
[ "$rc" = 0 ] && pass "the same connect from another parent's child: not blocked" ||
	fail "connect from another parent's child was refused"
allowed "connect to 9992 from the shell's child" connect 127.0.0.1 9992 tcp
denied "UDP bind in 2000..2099" bind 127.0.0.1 2050 udp
allowed "TCP bind in 2000..2099" bind 127.0.0.1 2050 tcp
allowed "UDP bind at 2100" bind 127.0.0.1 2100 udp

e2e_run "connect to the tripwire port" "$TESTPROG" connect 127.0.0.1 6666 tcp
[ "$rc" = 137 ] && pass "kill rule killed the caller" || fail "kill rule did not kill (rc=$rc)"

if [ "$LISTEN" != none ]; then
	denied "listen on 7777" listen 127.0.0.1 7777
	allowed "listen on 7778" listen 127.0.0.1 7778
	allowed "listen under an audit-mode rule" listen 127.0.0.1 7779
fi
allowed "bind under an audit-mode rule" bind 127.0.0.1 8889 tcp

allowed "connect under an audit-mode rule" connect 127.0.0.1 8888 tcp
"$ENFORCECTL" mode trial enforce >"$W/mode.out" 2>&1
grep -q 'audit -> enforce' "$W/mode.out" && pass "mode switched to enforce" ||
	{ fail "mode switch failed"; cat "$W/mode.out"; }
denied "connect after the switch to enforce" connect 127.0.0.1 8888 tcp
"$ENFORCECTL" mode trial audit >/dev/null 2>&1

e2e_stop_run
allowed "connect to 9999 after stop" connect 127.0.0.1 9999 tcp

# --- the audit trail -----------------------------------------------------
A="$W/audit.jsonl"
n=$(lines_with '"kind":"connect"' '"port":9999' '"message":"no port 9999"')
[ "$n" -ge 6 ] && pass "trail has the denied connects with their message" ||
	fail "trail has $n denied connects to 9999, expected 6"
n=$(lines_with '"address":"127.0.0.1"' '"family":"ipv6"' '"outcome":"blocked"')
[ "$n" -ge 1 ] && pass "the IPv4-mapped connect is shown as its IPv4 address" ||
	fail "mapped connect missing ($n)"
n=$(lines_with '"address":"::1"' '"protocol":"udp"' '"mechanism":"cgroup"')
[ "$n" -ge 1 ] && pass "IPv6 UDP send recorded with protocol and mechanism" ||
	fail "IPv6 UDP send missing ($n)"
n=$(lines_with '"kind":"bind"' '"port":2050' '"action":"deny"')
[ "$n" -ge 1 ] && pass "the denied bind is in the trail" || fail "bind missing ($n)"
n=$(lines_with '"kind":"connect"' '"port":8888' '"would":"deny"')
[ "$n" -ge 1 ] && pass "audit mode recorded would: deny" || fail "no would: deny for 8888 ($n)"
n=$(lines_with '"kind":"bind"' '"port":8889' '"would":"deny"')
[ "$n" -ge 1 ] && pass "audit mode recorded would: deny for bind" || fail "no would: deny for the bind ($n)"
if [ "$LISTEN" != none ]; then
	n=$(lines_with '"kind":"listen"' '"port":7779' '"would":"deny"')
	[ "$n" -ge 1 ] && pass "audit mode recorded would: deny for listen" ||
		fail "no would: deny for the listen ($n)"
	n=$(lines_with '"kind":"listen"' '"port":7777' '"outcome":"blocked"')
	[ "$n" -ge 1 ] && pass "the denied listen is in the trail" || fail "listen denial missing ($n)"
fi
n=$(lines_with '"kind":"connect"' '"port":6666' '"outcome":"blocked+killed"')
[ "$n" -ge 1 ] && pass "the tripwire kill is in the trail" || fail "tripwire kill missing ($n)"
n=$(lines_with '"port":9996' '"uid":4242' '"message":"no 9996 but for root"')
[ "$n" -ge 1 ] && pass "the connect denied for uid 4242 is in the trail" ||
	fail "uid 4242's connect to 9996 missing ($n)"
n=$(lines_with '"port":9992' "\"parent_binary\":\"$W/untrusted/spawner\"" '"outcome":"blocked"')
[ "$n" -ge 1 ] && pass "the trail names the parent of the refused connect" ||
	fail "the connect refused for its parent is missing ($n)"
n=$(grep -F '"kind":"connect"' "$A" | grep -cF '"port":9998')
[ "$n" = 0 ] && pass "undecided connects are not reported" || fail "an allowed connect was reported ($n)"

e2e_finish "network enforcement (listen: $LISTEN)"

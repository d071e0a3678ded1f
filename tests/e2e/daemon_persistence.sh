#!/bin/sh
# palisaded's enforcement outlives it, on a kernel with BPF LSM or
# fmod_ret (the VM tier; the host tier's daemon.sh covers tracepoint and
# cgroup links): a denied exec and a denied open fail with EPERM while the
# daemon runs, still fail after `kill -9` of it, and the restarted daemon
# adopts the same programs (the kernel ids of the pinned links' programs
# are unchanged) with the events of the gap in the trail; a clean stop
# removes everything.
#   daemon_persistence.sh ENFORCECTL PALISADED TESTPROG EXPECT
# EXPECT: the mechanism the probe must pick (lsm or fmod_ret).
set -u
ENFORCECTL=$(readlink -f "$1")
PALISADED=$(readlink -f "$2")
TESTPROG=$(readlink -f "$3")
EXPECT=$4

. "$(dirname "$0")/lib.sh"
e2e_init daemon
# What dbus-daemon looks up (a machine id, root's user and group); the
# initramfs has none of them.
[ -s /etc/machine-id ] || echo 0123456789abcdef0123456789abcdef >/etc/machine-id
[ -s /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
[ -s /etc/group ] || echo 'root:x:0:' >/etc/group
e2e_start_bus

cp "$TESTPROG" "$W/guarded"
cp "$TESTPROG" "$W/free"
echo secret >"$W/secret"
cat >"$W/guard.rules" <<POLICY
policy "guard" mode enforce {
  deny exec when path == "$W/guarded"
  deny open when path == "$W/secret"
}
POLICY

# exec_status PROGRAM: its exit status (126: the exec was refused)
exec_status() { "$1" ok >/dev/null 2>&1; echo $?; }
open_refused() { cat "$W/secret" 2>&1 | grep -q "not permitted"; }
pinned() { "$ENFORCECTL" status --json | grep -o '"pinned_programs":\[[^]]*\]'; }
check_enforced() {
	[ "$(exec_status "$W/guarded")" = 126 ] && pass "$1: the denied exec fails with EPERM" ||
		fail "$1: the denied exec was not refused"
	open_refused && pass "$1: the denied open fails with EPERM" || fail "$1: the denied open was not refused"
	[ "$(exec_status "$W/free")" = 0 ] && pass "$1: the neighbour runs" || fail "$1: the neighbour was stopped"
}

e2e_start_daemon
out=$("$ENFORCECTL" apply "$W/guard.rules" 2>&1)
case "$out" in *'applied "guard"'*) pass "apply" ;; *) fail "apply: $out" ;; esac
"$ENFORCECTL" status | grep -q "exec: $EXPECT" && pass "exec enforced by $EXPECT" ||
	{ fail "not $EXPECT"; "$ENFORCECTL" status; }
check_enforced "palisaded running"
before=$(pinned)
case "$before" in *'"name":"pal_exec_'"${EXPECT%_ret}"*) pass "the $EXPECT programs are pinned" ;;
*) fail "pinned programs: $before" ;; esac
denials=$(lines_with "\"path\":\"$W/guarded\"" '"outcome":"blocked"' '"policy":"guard"')
# The kernel's count for the exec rule (the first rule of the file).
blocked() { "$ENFORCECTL" list --json | grep -o '"blocked":[0-9]*' | head -1 | cut -d: -f2; }
counted=$(blocked)

kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
check_enforced "after kill -9 of palisaded"
"$ENFORCECTL" status | grep -q "which is gone" && pass "status: left in force, its process gone" ||
	fail "status after kill -9"

e2e_start_daemon
grep -q "adopted the enforcement of pid" "$W/daemon.err" && pass "the restarted daemon adopts it" ||
	{ fail "not adopted"; cat "$W/daemon.err"; }
[ "$(pinned)" = "$before" ] && pass "the same program ids: nothing loaded twice" ||
	{ fail "programs changed"; echo "before: $before"; echo "after: $(pinned)"; }
[ "$(lines_with "\"path\":\"$W/guarded\"" '"outcome":"blocked"' '"policy":"guard"')" -gt "$denials" ] &&
	pass "the denial while no daemon ran is in the trail" || fail "the gap's denial is lost"
[ "$(blocked)" = $((counted + 1)) ] && pass "the rule's count goes on across the adoption" ||
	fail "count after adoption: $(blocked), before $counted"
check_enforced "adopted"

out=$("$ENFORCECTL" remove guard 2>&1)
case "$out" in *'removed "guard"'*) pass "remove" ;; *) fail "remove: $out" ;; esac
[ "$(exec_status "$W/guarded")" = 0 ] && pass "removed: the program runs" || fail "removed: still refused"
e2e_stop_daemon
[ ! -e /sys/fs/bpf/palisade ] && pass "a clean stop removes the pins" || fail "pins left after a clean stop"
e2e_finish daemon

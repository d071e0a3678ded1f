#!/bin/sh
# End-to-end exec enforcement, as a user would check it: start
# `enforcectl run` on a real policy, execute denied and allowed binaries,
# watch the syscalls fail or succeed, then read the audit trail.
#
# Runs on the host (bash) and in the VM (busybox sh), as root:
#   exec_enforcement.sh ENFORCECTL TESTPROG EXPECT [enforcectl run options]
# EXPECT is the mechanism the probe must pick here:
#   lsm, fmod_ret       denied exec fails with EPERM (nothing runs)
#   tracepoint+sigkill  denied exec is killed by SIGKILL (exit status 137)
# Exit status: 0 all checks passed, 1 a check failed, 77 not root.
set -u

ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
EXPECT=$3
shift 3

. "$(dirname "$0")/lib.sh"
e2e_init e2e

# Copies of one static binary play every role.
mkdir -p "$W/bin" "$W/deny" "$W/cwd"
for name in allowed nc wget child; do cp "$TESTPROG" "$W/bin/$name"; done
mkdir -p "$W/jobs/a" "$W/jobs/a/b"
cp "$TESTPROG" "$W/jobs/a/run-x.sh"
cp "$TESTPROG" "$W/jobs/a/b/run-y.sh"
cp "$TESTPROG" "$W/deny/miner"
cp "$TESTPROG" "$W/launcher"
# Two parents (`spawn` forks, the child execs): parent.binary tells them apart.
cp "$TESTPROG" "$W/spawner"
cp "$TESTPROG" "$W/other-spawner"
ln -s "$W/bin/nc" "$W/link-to-nc"
ln "$W/bin/nc" "$W/cwd/nc-older-link" # a hard link made before the policy

cat > "$W/policy.rules" <<EOF
# Written by tests/e2e/exec_enforcement.sh
policy "e2e" mode enforce {
  no-netcat: deny exec when path == "$W/bin/nc" "no raw network tools"
  kill exec when path under "$W/deny"
  allow exec when path under "$W/deny" and binary == "$W/launcher"
  deny exec when parent.binary == "$W/spawner" and path == "$W/bin/child" "not from spawner"
  deny exec when path matches "$W/jobs/*/run-*.sh" "no job scripts"
}
policy "trial" mode audit {
  deny exec when path == "$W/bin/wget"
}
EOF

e2e_start_run "$@"

grep -q "exec enforced by $EXPECT " "$W/stderr" &&
	pass "probe chose $EXPECT" || fail "probe did not choose $EXPECT"

# status reads the running enforcement back from the kernel's maps.
status_has() {
	"$ENFORCECTL" status --json >"$W/status.json" 2>&1
	grep -q "\"pid\":$RUN_PID," "$W/status.json" && grep -qF "$1" "$W/status.json"
}
status_has "\"mechanism\":\"$EXPECT\"" && status_has '"mode":"audit","name":"trial"' &&
	pass "status shows the mechanism and the audit policy" ||
	{ fail "status is wrong"; cat "$W/status.json"; }

# try WHAT PATH: exec PATH through the test program, record how it ended.
try() {
	out=$("$TESTPROG" exec "$2" ok 2>&1)
	rc=$?
	echo "  $1: rc=$rc ${out}"
}

expect_denied() {
	try "$1" "$2"
	if [ "$EXPECT" = lsm ] || [ "$EXPECT" = fmod_ret ]; then
		[ "$rc" = 2 ] && [ "$out" = "exec failed: EPERM" ] &&
			pass "$1 failed with EPERM" || fail "$1 was not refused with EPERM"
	else
		[ "$rc" = 137 ] && pass "$1 was killed (SIGKILL)" ||
			fail "$1 was not killed (rc=$rc)"
	fi
}

try "allowed binary" "$W/bin/allowed"
[ "$rc" = 0 ] && pass "allowed binary ran" || fail "allowed binary did not run"

expect_denied "denied by absolute path" "$W/bin/nc"
expect_denied "denied through a symlink" "$W/link-to-nc"
expect_denied "denied through .." "$W/deny/../bin/nc"
cd "$W/bin" && expect_denied "denied by relative path" ./nc
cd /
# Hard links are other names of the same file: the kernel's walk meets
# the inode `run` stat()ed for the rule and reports the rule's own path.
expect_denied "denied through a hard link made before the policy" "$W/cwd/nc-older-link"
ln "$W/bin/nc" "$W/cwd/nc-newer-link"
expect_denied "denied through a hard link made after the policy" "$W/cwd/nc-newer-link"
expect_denied "denied by a glob (matches)" "$W/jobs/a/run-x.sh"
try "a glob's '*' stops at '/'" "$W/jobs/a/b/run-y.sh"
[ "$rc" = 0 ] && pass "a deeper script ran" || fail "a deeper script did not run"

try "kill rule" "$W/deny/miner"
[ "$rc" = 137 ] && pass "kill rule killed the caller" || fail "kill rule did not kill (rc=$rc)"

# The allow exception (binary == launcher) wins over the kill rule of its
# policy, but only for that binary: when launcher first execs the test
# program, the caller of the second exec is the test program, so it dies.
out=$("$W/launcher" exec "$TESTPROG" exec "$W/deny/miner" ok 2>&1)
rc=$?
[ "$rc" = 137 ] && pass "allow exception limited to its binary" ||
	fail "allow exception leaked to another binary (rc=$rc)"
out=$("$W/launcher" exec "$W/deny/miner" ok 2>&1)
rc=$?
[ "$rc" = 0 ] && pass "allow exception let launcher run miner" ||
	fail "allow exception ignored (rc=$rc $out)"

# parent.binary: the same exec of child is refused when spawner is the
# parent of the process that execs it, and runs from any other parent.
out=$("$W/spawner" spawn "$W/bin/child" ok 2>&1)
rc=$?
if [ "$EXPECT" = lsm ] || [ "$EXPECT" = fmod_ret ]; then
	[ "$rc" = 2 ] && [ "$out" = "exec failed: EPERM" ] &&
		pass "parent.binary: exec from spawner's child failed with EPERM" ||
		fail "parent.binary: exec from spawner's child not refused (rc=$rc $out)"
else
	[ "$rc" = 137 ] && pass "parent.binary: spawner's child was killed (SIGKILL)" ||
		fail "parent.binary: spawner's child not killed (rc=$rc $out)"
fi
out=$("$W/other-spawner" spawn "$W/bin/child" ok 2>&1)
rc=$?
[ "$rc" = 0 ] && pass "parent.binary: the same exec from another parent ran" ||
	fail "parent.binary: exec from another parent refused (rc=$rc $out)"
try "child from the shell" "$W/bin/child"
[ "$rc" = 0 ] && pass "parent.binary: the same exec from the shell ran" ||
	fail "parent.binary: exec from the shell refused (rc=$rc)"

try "audit-mode rule" "$W/bin/wget"
[ "$rc" = 0 ] && pass "audit mode blocked nothing" || fail "audit mode blocked (rc=$rc)"

# Roll out: switch "trial" to enforce while running (one map write, no
# reload), watch it block, and switch it back.
"$ENFORCECTL" mode trial enforce >"$W/mode.out" 2>&1
grep -q 'audit -> enforce' "$W/mode.out" && pass "mode switched to enforce" ||
	{ fail "mode switch failed"; cat "$W/mode.out"; }
status_has '"mode":"enforce","name":"trial"' && pass "status shows the switched mode" ||
	{ fail "status does not show the switch"; cat "$W/status.json"; }
expect_denied "audit policy switched to enforce" "$W/bin/wget"
"$ENFORCECTL" mode trial audit >"$W/mode.out" 2>&1
grep -q 'enforce -> audit' "$W/mode.out" && pass "mode switched back to audit" ||
	{ fail "mode switch back failed"; cat "$W/mode.out"; }
try "switched back to audit" "$W/bin/wget"
[ "$rc" = 0 ] && pass "audit again: nothing blocked" || fail "still blocked after switching back (rc=$rc)"

e2e_stop_run

try "after stop" "$W/bin/nc"
[ "$rc" = 0 ] && pass "nothing enforced after stop" || fail "still enforced after stop (rc=$rc)"

# --- the audit trail -----------------------------------------------------
A="$W/audit.jsonl"
if [ "$EXPECT" != tracepoint+sigkill ]; then OUTCOME=blocked; else OUTCOME=killed; fi

n=$(lines_with "\"path\":\"$W/bin/nc\"" '"action":"deny"' "\"outcome\":\"$OUTCOME\"")
[ "$n" -ge 6 ] && pass "trail has 6 denied execs of nc ($OUTCOME)" ||
	fail "trail has $n denied execs of nc, expected 6"
n=$(lines_with "\"path\":\"$W/bin/nc\"" '"path_by_inode"' '"action":"deny"')
[ "$n" -ge 6 ] && pass "denied execs, hard links included, carry the rule's path, found by inode" ||
	fail "denied execs lack path_by_inode ($n)"
n=$(lines_with "\"path\":\"$W/bin/nc\"" "\"mechanism\":\"$EXPECT\"" '"message":"no raw network tools"')
[ "$n" -ge 6 ] && pass "events carry mechanism and rule message" ||
	fail "events lack mechanism/message ($n)"
n=$(lines_with "\"path\":\"$W/bin/nc\"" '"action":"deny"' '"label":"no-netcat"')
[ "$n" -ge 6 ] && pass "events carry the rule's label" ||
	fail "denied execs of nc lack label no-netcat ($n)"
n=$(lines_with "\"path\":\"$W/deny/miner\"" '"action":"kill"' '"policy":"e2e"')
[ "$n" -ge 2 ] && pass "trail has the kill decisions" || fail "kill decisions missing ($n)"
n=$(lines_with "\"path\":\"$W/bin/wget\"" '"would":"deny"' '"outcome":"allowed"')
[ "$n" -ge 2 ] && pass "audit mode recorded would: deny" || fail "no would: deny for wget ($n)"
n=$(lines_with "\"path\":\"$W/bin/wget\"" '"action":"deny"' '"policy":"trial"')
[ "$n" -ge 1 ] && pass "the switched policy's denial is in the trail" || fail "no deny of wget after the switch"
n=$(lines_with '"kind":"exit"' '"signal":"SIGKILL"' '"pid"')
[ "$n" -ge 2 ] && pass "exits by SIGKILL recorded" || fail "SIGKILL exits missing ($n)"
n=$(lines_with "\"path\":\"$W/bin/allowed\"" '"action":"none"' '"outcome":"allowed"')
[ "$n" -ge 1 ] && pass "allowed exec recorded as a process start" || fail "allowed exec missing"
n=$(lines_with "\"path\":\"$W/bin/child\"" '"action":"deny"' "\"parent_binary\":\"$W/spawner\"")
[ "$n" -ge 1 ] && pass "trail names the parent binary of the refused exec" ||
	fail "no deny of child with parent_binary spawner in the trail ($n)"
n=$(lines_with "\"path\":\"$W/bin/nc\"" '"args":[' '"ok"]')
[ "$n" -ge 1 ] && pass "arguments recorded" || fail "arguments missing"

e2e_finish "exec enforcement ($EXPECT)"

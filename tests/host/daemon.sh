#!/bin/sh
# palisaded on this kernel, driven the way an operator does, on a private
# dbus-daemon the test starts (DBUS_SYSTEM_BUS_ADDRESS points both ends at
# it): apply a policy file in audit mode, the denied exec runs and the
# trail says "would deny"; switch it to enforce, the exec is killed
# (tracepoint + SIGKILL, the mechanism this kernel has); a non-root caller
# is refused with AccessDenied and a malformed policy with its located
# diagnostics, and the policy in force stays; a restarted daemon enforces
# the stored policy again, in the mode it was switched to; after kill -9
# the policy stays enforced and the next daemon adopts the same programs;
# remove ends it.
# Usage: daemon.sh ENFORCECTL PALISADED
E=$1
D=$2
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init daemon
for tool in dbus-daemon busctl setpriv bpftool; do
	command -v $tool >/dev/null && continue
	# scripts/setup.sh installs them: missing in CI is a failure.
	[ -n "${CI:-}" ] && { fail "$tool is not installed"; e2e_finish daemon; }
	echo "SKIP: $tool is not installed (scripts/setup.sh installs it)"
	exit 77
done

ENFORCECTL=$E
PALISADED=$D
e2e_start_bus
chmod 0777 "$W" "$W/bus" # the non-root caller must reach the bus
start_daemon() { e2e_start_daemon --mechanism tracepoint "$@"; }
stop_daemon() { e2e_stop_daemon; }

out=$("$E" list 2>&1)
case "$out" in *"palisaded is not running"*) pass "no daemon: a one-line answer" ;;
*) fail "without a daemon list said: $out" ;; esac

cp /bin/true "$W/guarded"
cp /bin/true "$W/free"
# The file's name differs from its policy's: `mode trial-file` can only
# mean the daemon's policy file, never a policy of `run`.
cat >"$W/trial-file.rules" <<POLICY
policy "trial" mode enforce {
  deny exec when path == "$W/guarded" "guarded program"
}
POLICY

# exits PROGRAM: its exit status (137: killed)
exits() { { "$1"; } 2>/dev/null; echo $?; }

start_daemon
out=$("$E" apply "$W/trial-file.rules" --mode audit 2>&1)
case "$out" in *'applied "trial-file" (generation 1)'*) pass "apply in audit mode" ;;
*) fail "apply: $out" ;; esac
[ "$(exits "$W/guarded")" = 0 ] && pass "audit: the guarded program runs" ||
	fail "audit blocked the guarded program"
for i in $(seq 50); do
	[ "$(lines_with "\"path\":\"$W/guarded\"" '"would":"deny"' '"policy":"trial"')" -ge 1 ] && break
	sleep 0.1
done
[ "$(lines_with "\"path\":\"$W/guarded\"" '"would":"deny"' '"policy":"trial"')" -ge 1 ] &&
	pass "the trail says it would have been denied" || fail "no would-deny event"
"$E" list | grep -q "^trial-file  *audit  *1 " && pass "list: trial, audit, 1 rule" ||
	{ fail "list is wrong"; "$E" list; }

out=$("$E" mode trial-file enforce 2>&1)
case "$out" in *'"trial-file" (palisaded): audit -> enforce'*) pass "mode trial-file enforce, through palisaded" ;;
*) fail "mode: $out" ;; esac
[ "$(exits "$W/guarded")" = 137 ] && pass "enforce: the guarded program is killed" ||
	fail "enforce did not stop the guarded program"
[ "$(exits "$W/free")" = 0 ] && pass "its neighbour runs" || fail "the neighbour was stopped"

# The API is a contract: the interface as introspected is docs/dbus.md's.
busctl --system introspect --xml-interface org.palisade.Enforcer1 /org/palisade/Enforcer1 |
	sed -n '/<interface name="org.palisade.Enforcer1">/,/<\/interface>/p' >"$W/api.xml"
if diff -u "$(dirname "$0")/enforcer1.xml" "$W/api.xml"; then
	pass "the introspected interface is the documented one"
else
	fail "the D-Bus interface differs from tests/host/enforcer1.xml"
fi

# Who may change things: root only, whatever the bus allows.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$E" remove trial-file 2>&1)
case "$out" in *AccessDenied*) pass "a non-root remove is refused (AccessDenied)" ;;
*) fail "non-root remove: $out" ;; esac
setpriv --reuid=65534 --regid=65534 --clear-groups "$E" list | grep -q "^trial-file " &&
	pass "a non-root caller may list" || fail "non-root list failed"

# A malformed policy sent past enforcectl's own check: refused by the
# daemon with the diagnostics, and the policy in force stays.
out=$(busctl --system call org.palisade.Enforcer1 /org/palisade/Enforcer1 \
	org.palisade.Enforcer1 Apply ssss trial-file 'policy "trial" mode enforce { deny exec when pth == "/x" }' rules "" 2>&1)
case "$out" in *"trial-file.rules:1:"*"unknown field"*) pass "a malformed policy is refused with its diagnostics" ;;
*) fail "malformed Apply: $out" ;; esac
[ "$(exits "$W/guarded")" = 137 ] && pass "after the refusal the policy still holds" ||
	fail "the refused apply changed what is enforced"

# --json for scripts: one object on stdout, the same exit status.
printf 'policy "x" mode enforce {\n  deny exec when pth == "/x"\n}\n' >"$W/bad.rules"
out=$("$E" apply --json "$W/bad.rules" 2>/dev/null)
rc=$?
case "$rc:$out" in 1:'{"applied":false,"diagnostics":[{"column":18,'*'"line":2,'*'"error":"InvalidPolicy"'*) pass "apply --json: refused, with the located diagnostics" ;;
*) fail "apply --json of a bad file: rc $rc: $out" ;; esac
cat >"$W/extra.rules" <<POLICY
policy "extra" mode audit {
  deny exec when path == "$W/nothing-here"
}
POLICY
out=$("$E" apply --json "$W/extra.rules" 2>/dev/null)
case "$out" in '{"applied":true,"diagnostics":[],"generation":'*',"name":"extra","warnings":[]}') pass "apply --json" ;;
*) fail "apply --json: $out" ;; esac
out=$("$E" remove --json extra 2>/dev/null)
[ "$out" = '{"name":"extra","removed":true}' ] && pass "remove --json" || fail "remove --json: $out"
out=$("$E" remove --json extra 2>/dev/null)
rc=$?
case "$rc:$out" in 1:*'"error":"NotFound"'*'"removed":false'*) pass "remove --json of a name not in force: NotFound" ;;
*) fail "remove --json again: rc $rc: $out" ;; esac

# Reload (systemctl reload runs `enforcectl reload`): exit 1 and the
# diagnostics when the admin's directory holds a broken file; what is in
# force stays.
cp "$W/bad.rules" "$W/conf.d/bad.rules"
out=$("$E" reload 2>&1)
rc=$?
case "$rc:$out" in 1:*"conf.d/bad.rules:2:18: error: unknown field 'pth'"*) pass "reload with a broken file: exit 1, located" ;;
*) fail "reload: rc $rc: $out" ;; esac
out=$("$E" reload --json 2>/dev/null)
case "$out" in '{"notes":["'*'bad.rules:2:18'*'],"reloaded":true}') pass "reload --json names the file left out" ;;
*) fail "reload --json: $out" ;; esac
[ "$(exits "$W/guarded")" = 137 ] && pass "after the broken reload the policy still holds" ||
	fail "a broken reload changed what is enforced"
rm "$W/conf.d/bad.rules"
out=$("$E" reload 2>&1)
[ $? = 0 ] && pass "reload: every file in force, exit 0" || fail "clean reload: $out"

out=$("$E" status --json 2>&1)
case "$out" in *"\"pid\":$DAEMON_PID,"*'"mode":"enforce","name":"trial"'*) pass "status reads the daemon's pins" ;;
*) fail "status: $out" ;; esac

# Restart: the stored file and its switched mode come back.
stop_daemon
[ "$(exits "$W/guarded")" = 0 ] && pass "stopped: nothing enforced" ||
	fail "enforcement outlived a clean stop"
start_daemon
"$E" list | grep -q "^trial-file  *enforce " && pass "restart: trial stored, in enforce mode" ||
	{ fail "restart lost the policy"; "$E" list; }
[ "$(exits "$W/guarded")" = 137 ] && pass "restart: enforced again" ||
	fail "the restarted daemon does not enforce"

# kill -9: the programs stay attached through their pinned links, and the
# next daemon adopts them (the same program ids: nothing loaded twice)
# with the events of the gap in the trail.
programs() { bpftool prog show | sed -n 's/^\([0-9]*\): .* name \(pal_[a-z0-9_]*\) .*/\1 \2/p' | sort; }
before=$(programs)
[ -n "$before" ] || fail "bpftool lists no pal_ programs"
kills=$(lines_with "\"path\":\"$W/guarded\"" '"outcome":"killed"' '"policy":"trial"')
# The kernel's count for the rule, from List.
blocked() { "$E" list --json | grep -o '"blocked":[0-9]*' | head -1 | cut -d: -f2; }
counted=$(blocked)
[ "${counted:-0}" -ge 1 ] && pass "list counts the rule's kills ($counted)" || fail "list --json: no count"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
[ "$(exits "$W/guarded")" = 137 ] && pass "kill -9 of palisaded: the guarded program is still killed" ||
	fail "enforcement ended with the daemon's process"
[ "$(exits "$W/free")" = 0 ] && pass "kill -9: its neighbour runs" || fail "kill -9: the neighbour was stopped"
out=$("$E" status 2>&1)
case "$out" in *"left in force by pid"*"which is gone"*) pass "status: in force, its process gone" ;;
*) fail "status after kill -9: $out" ;; esac
out=$(timeout 60 "$E" run "$W/trial-file.rules" 2>&1)
case "$out" in *"palisaded left in force"*) pass "run refuses to enforce beside it" ;;
*) fail "run beside the left enforcement: $out" ;; esac
start_daemon
grep -q "adopted the enforcement of pid" "$W/daemon.err" && pass "the restarted daemon adopts it" ||
	{ fail "not adopted"; cat "$W/daemon.err"; }
after=$(programs)
[ "$before" = "$after" ] && pass "the same $(echo "$before" | wc -l) programs before and after: none loaded twice" ||
	{ fail "programs changed"; echo "before: $before"; echo "after: $after"; }
[ "$(lines_with "\"path\":\"$W/guarded\"" '"outcome":"killed"' '"policy":"trial"')" -gt "$kills" ] &&
	pass "the kill while no daemon ran is in the trail, with its policy" || fail "the gap's event is lost"
[ "$(blocked)" = $((counted + 1)) ] && pass "the rule's count goes on: the gap's kill is counted" ||
	fail "count after adoption: $(blocked), before $counted"
[ "$(exits "$W/guarded")" = 137 ] && pass "adopted: still enforced" || fail "adopted: not enforced"
"$E" list | grep -q "^trial-file  *enforce  *1  *[3-9] " && pass "generations go on after restarts" ||
	{ fail "list after adoption"; "$E" list; }

# --on-stop keep: a clean stop leaves it in force for the next start.
stop_daemon
start_daemon --on-stop keep
kept=$(programs)
stop_daemon
[ "$(exits "$W/guarded")" = 137 ] && pass "--on-stop keep: enforced with the daemon stopped" ||
	fail "--on-stop keep removed enforcement"
start_daemon
[ "$kept" = "$(programs)" ] && grep -c "adopted the enforcement of pid" "$W/daemon.err" | grep -q 2 &&
	pass "the next start adopts it" || fail "not adopted after a keeping stop"

out=$("$E" remove trial-file 2>&1)
case "$out" in *'removed "trial-file"'*) pass "remove" ;; *) fail "remove: $out" ;; esac
[ "$(exits "$W/guarded")" = 0 ] && pass "removed: the program runs" ||
	fail "remove left the rule in force"
[ ! -e "$W/state/trial-file.rules" ] && pass "removed from the store" || fail "still stored"
stop_daemon
for i in $(seq 50); do [ -z "$(programs)" ] && break; sleep 0.1; done # freed after a grace period
[ ! -e /sys/fs/bpf/palisade ] && [ -z "$(programs)" ] &&
	pass "a clean stop removes the pins and the programs" || fail "a clean stop left enforcement"
grep -q "palisaded: ready" "$W/daemon.err" || fail "no ready line"
e2e_finish daemon

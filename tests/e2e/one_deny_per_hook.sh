#!/bin/sh
# One denial per hook, as a user would check a new kernel: start
# `enforcectl run` on a policy with one rule per hook (exec, open, unlink,
# connect, bind, listen) among long lists, a glob and a path 60
# directories deep, then watch each denied syscall fail with EPERM and a
# neighbour of each succeed, and find the denials in the audit trail.
# The short suite for a kernel of the matrix that does not run the whole
# e2e suite (docs/testing.md, "The kernel matrix").
#   one_deny_per_hook.sh ENFORCECTL TESTPROG EXPECT
# EXPECT: the mechanism the probe must pick for exec, file and listen (lsm
# or fmod_ret); connect and bind always go through the cgroup hooks.
# Exit status: 0 all checks passed, 1 a check failed, 77 not root.
set -u

ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
EXPECT=$3

. "$(dirname "$0")/lib.sh"
e2e_init matrix

deep="$W/d"
i=0
while [ $i -lt 60 ]; do deep="$deep/$i"; i=$((i + 1)); done
mkdir -p "$deep" "$W/pub/a"
echo data > "$deep/secret"
echo data > "$deep/other"
echo data > "$W/pub/file"
echo data > "$W/pub/a/site.key"
echo data > "$W/keep"
echo data > "$W/scratch"
cp "$TESTPROG" "$W/denied-bin"
cp "$TESTPROG" "$W/allowed-bin"

# 1,000 exact paths and ports in lists: the rules sit among many others.
paths="" ports=""
i=0
while [ $i -lt 1000 ]; do
	paths="$paths\"$W/list/f$i\", "
	ports="$ports$((20000 + i)), "
	i=$((i + 1))
done

cat > "$W/policy.rules" <<EOF
# Written by tests/e2e/one_deny_per_hook.sh
let many_paths = [${paths}"$W/denied-bin"]
let many_ports = [${ports}4444]

policy "matrix" mode enforce {
  deny exec when path in many_paths "exec"
  deny open when path == "$deep/secret" "open, 60 directories deep"
  deny open when path matches "$W/pub/**/*.key" "glob"
  deny unlink when path == "$W/keep" "unlink"
  deny connect when port in many_ports "connect"
  deny bind when port == 4445 "bind"
  deny listen when port == 4446 "listen"
}
EOF

e2e_start_run

for hook in exec file listen; do
	grep -q "$hook enforced by $EXPECT " "$W/stderr" &&
		pass "$hook enforced by $EXPECT" || fail "$hook not enforced by $EXPECT"
done
grep -q "connect/bind enforced by cgroup " "$W/stderr" &&
	pass "connect/bind enforced by cgroup" || fail "connect/bind not on the cgroup hooks"

# denied WHAT OPNAME CMD...: CMD must fail with "OPNAME failed: EPERM".
denied() {
	what=$1 op=$2
	shift 2
	e2e_run "$what" "$@"
	[ "$rc" = 2 ] && [ "$out" = "$op failed: EPERM" ] &&
		pass "$what: EPERM" || fail "$what was not refused with EPERM"
}
# allowed WHAT CMD...: CMD must succeed.
allowed() {
	what=$1
	shift
	e2e_run "$what" "$@"
	[ "$rc" = 0 ] && pass "$what: allowed" || fail "$what was refused"
}

denied "exec of a listed binary" exec "$TESTPROG" exec "$W/denied-bin" ok
allowed "exec of its copy elsewhere" "$TESTPROG" exec "$W/allowed-bin" ok
denied "open 60 directories deep" open "$TESTPROG" open "$deep/secret" r
allowed "open of its neighbour" "$TESTPROG" open "$deep/other" r
denied "open matching a glob" open "$TESTPROG" open "$W/pub/a/site.key" r
allowed "open not matching it" "$TESTPROG" open "$W/pub/file" r
denied "unlink" unlink "$TESTPROG" unlink "$W/keep"
allowed "unlink of another file" "$TESTPROG" unlink "$W/scratch"
denied "connect to a listed port" connect "$TESTPROG" connect 127.0.0.1 4444 tcp
allowed "connect to another port (nobody listens: ECONNREFUSED)" "$TESTPROG" connect 127.0.0.1 4447 tcp
denied "bind" bind "$TESTPROG" bind 127.0.0.1 4445 tcp
allowed "bind to another port" "$TESTPROG" bind 127.0.0.1 4448 tcp
denied "listen" listen "$TESTPROG" listen 127.0.0.1 4446 tcp
allowed "listen on another port" "$TESTPROG" listen 127.0.0.1 4449 tcp

e2e_stop_run
for msg in exec "open, 60 directories deep" glob unlink connect bind listen; do
	n=$(grep -F '"action":"deny"' "$W/audit.jsonl" | grep -cF "\"message\":\"$msg\"")
	[ "$n" -ge 1 ] && pass "audit trail has the $msg denial" ||
		fail "no '$msg' denial in the audit trail"
done
e2e_finish one-deny-per-hook

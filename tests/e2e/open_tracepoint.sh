#!/bin/sh
# Opens on a kernel without BPF LSM and fmod_ret (this host): the
# tracepoint fallback decides each open at syscall exit and kills a denied
# caller with SIGKILL. As a user would check it: a denied open kills
# `pal-testprog open`, the file next to it opens, an audit-mode rule kills
# nothing and says `would`, a truncate rule tells intents apart, and a hard
# link of a protected file is the protected file (canonical paths by inode).
# Runs on the host (bash), where the probe picks this mechanism, and in the
# VM (busybox sh) with --mechanism tracepoint, which forces it on a kernel
# with BPF LSM (so 6.1's verifier loads these programs too):
#   open_tracepoint.sh ENFORCECTL TESTPROG [enforcectl run options]
# Exit status: 0 all checks passed, 1 a check failed, 77 not root, or no
# options and this kernel has a stronger file mechanism.
set -u
ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
shift 2

. "$(dirname "$0")/lib.sh"
e2e_init open-tp
if [ $# = 0 ]; then
	case "$("$ENFORCECTL" probe --json)" in
	*'"file":{'*'"mechanism":"tracepoint+sigkill"'*) ;;
	*) echo "SKIP: this kernel enforces file events before the fact"; exit 77 ;;
	esac
fi

mkdir -p "$W/s" "$W/trial"
for f in key other log; do echo data > "$W/s/$f"; done
echo data > "$W/neighbour"
echo data > "$W/trial/f"
ln "$W/s/key" "$W/key-link"

cat > "$W/policy.rules" <<RULES
# Written by tests/host/open_tracepoint.sh
policy "files" mode enforce {
  deny open when path == "$W/s/key" "the key stays closed"
  deny open when path == "$W/s/log" and access == "truncate" "no wiping the log"
}
policy "trial" mode audit {
  deny open when path under "$W/trial"
}
RULES

e2e_start_run "$@"
grep -q "file enforced by tracepoint+sigkill " "$W/stderr" &&
	pass "tracepoint+sigkill enforces opens" ||
	fail "tracepoint+sigkill not chosen for file events"
"$ENFORCECTL" status --json >"$W/status.json" 2>&1
grep -o '"file":{[^}]*}' "$W/status.json" | grep -qF '"mechanism":"tracepoint+sigkill"' &&
	pass "status shows the file hook's mechanism" ||
	{ fail "status lacks the file hook"; cat "$W/status.json"; }

# op WHAT EXPECTED-RC ARGS...: one open through the test program.
op() {
	what=$1 want=$2
	shift 2
	out=$("$TESTPROG" "$@" 2>&1)
	rc=$?
	echo "  $what: rc=$rc $out"
	[ "$rc" = "$want" ] && pass "$what: rc $want" || fail "$what: rc $rc, expected $want"
}
op "open the key for reading (killed)" 137 open "$W/s/key" r
op "open the key for writing (killed)" 137 open "$W/s/key" w
op "open the file next to it" 0 open "$W/s/other" w
op "open a neighbour outside" 0 open "$W/neighbour" w
op "append to the log" 0 open "$W/s/log" w
op "truncate the log (killed)" 137 open "$W/s/log" wt
op "open the key through a hard link (killed)" 137 open "$W/key-link" r
op "open under an audit-mode rule" 0 open "$W/trial/f" w
op "create under an audit-mode rule" 0 open "$W/trial/new" wc

e2e_stop_run
op "open the key after stop" 0 open "$W/s/key" r

A="$W/audit.jsonl"
n=$(lines_with "\"path\":\"$W/s/key\"" '"outcome":"killed"' '"mechanism":"tracepoint+sigkill"')
[ "$n" -ge 3 ] && pass "trail has the 3 killed opens of the key" ||
	fail "trail has $n killed opens of the key, expected 3"
n=$(lines_with "\"path\":\"$W/s/key\"" '"path_by_inode"' '"message":"the key stays closed"')
[ "$n" -ge 3 ] && pass "the opens of the key, hard link included, carry its path found by inode" ||
	fail "path_by_inode missing ($n)"
n=$(lines_with "\"path\":\"$W/s/log\"" '"truncate"' '"outcome":"killed"')
[ "$n" -ge 1 ] && pass "the truncating open is in the trail with its intent" ||
	fail "truncating open missing ($n)"
n=$(lines_with "\"path\":\"$W/trial/" '"would":"deny"' '"outcome":"allowed"')
[ "$n" -ge 2 ] && pass "audit mode recorded would: deny and killed nothing" ||
	fail "audit-mode opens missing ($n)"
n=$(lines_with '"kind":"exit"' '"signal":"SIGKILL"' '"pid"')
[ "$n" -ge 4 ] && pass "the killed openers exited by SIGKILL" || fail "SIGKILL exits missing ($n)"
n=$(grep -F '"kind":"open"' "$A" | grep -cF "\"path\":\"$W/neighbour\"")
[ "$n" = 0 ] && pass "undecided opens are not reported" || fail "an allowed open was reported ($n)"

e2e_finish "open enforcement (tracepoint+sigkill)"

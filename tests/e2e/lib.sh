# Shared by the e2e scripts (exec, file, net enforcement), sourced from the
# script's own directory; runs under bash and busybox sh.
#   e2e_init NAME          root check (77 locally, failure in CI), work dir
#                          $W, counters, cleanup on exit
#   e2e_start_run ARGS...  `$ENFORCECTL run $W/policy.rules -o json` (or
#                          run $E2E_POLICY when set) with the audit trail
#                          in $W/audit.jsonl; waits until it is enforcing,
#                          prints its banner
#   e2e_stop_run           SIGINT, checks it exits 0
#   pass / fail MESSAGE    one result line; fail counts
#   lines_with A B C       trail lines containing all three strings
#   e2e_start_bus          a private dbus-daemon at $W/bus, the system bus
#                          of this script and what it starts
#   e2e_start_daemon ARGS  $PALISADED on it, its files under $W (state/,
#                          conf.d/, audit.jsonl, daemon.err); waits until
#                          `$ENFORCECTL list` answers
#   e2e_stop_daemon        SIGTERM, checks it exits 0
#   e2e_finish NAME        prints the trail on failure; exits 0 or 1

e2e_init() {
	if [ "$(id -u)" != 0 ]; then
		# In CI this tier must run: not being root there is a failure.
		if [ -n "${CI:-}" ]; then echo "FAIL: not root in CI"; exit 1; fi
		echo "SKIP: needs root (loads BPF programs)"
		exit 77
	fi
	W=$(mktemp -d "/tmp/palisade-$1.XXXXXX")
	FAILS=0
	RUN_PID=""
	trap e2e_cleanup EXIT
}

e2e_cleanup() {
	[ -n "$RUN_PID" ] && kill "$RUN_PID" 2>/dev/null
	[ -n "${DAEMON_PID:-}" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID"
	[ -n "${BUS_PID:-}" ] && kill "$BUS_PID" 2>/dev/null
	[ -n "${E2E_CLEANUP:-}" ] && $E2E_CLEANUP
	rm -rf "$W"
}

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

e2e_start_run() {
	rm -f "$W/ready" # a script may start several runs
	"$ENFORCECTL" run "${E2E_POLICY:-$W/policy.rules}" -o json --audit-log "$W/audit.jsonl" \
		--ready-file "$W/ready" "$@" >"$W/stdout" 2>"$W/stderr" &
	RUN_PID=$!
	# Loading is the verifier's work: under TCG on a busy machine, 7.x's
	# verifier (a third more work than 6.1's) took over 60 s for every
	# program of an LSM boot. A wall-clock deadline, not a count of sleeps.
	started=$(date +%s)
	while [ ! -f "$W/ready" ]; do
		if ! kill -0 "$RUN_PID" 2>/dev/null; then
			echo "enforcectl run exited early:"; cat "$W/stderr"; exit 1
		fi
		if [ $(($(date +%s) - started)) -gt 240 ]; then
			echo "enforcectl run not ready after 240 s"; cat "$W/stderr"; exit 1
		fi
		sleep 0.1
	done
	echo "enforcectl run ready after $(($(date +%s) - started)) s"
	cat "$W/stderr"
}

e2e_stop_run() {
	sleep 1 # let the last records reach the trail
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	run_rc=$?
	RUN_PID=""
	[ "$run_rc" = 0 ] && pass "enforcectl run stopped cleanly" || fail "enforcectl run exited $run_rc"
}

e2e_start_bus() {
	cat >"$W/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$W/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
	dbus-daemon --config-file="$W/bus.conf" --nofork --nopidfile 2>"$W/bus.err" &
	BUS_PID=$!
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/bus"
	for i in $(seq 50); do [ -S "$W/bus" ] && return 0; sleep 0.1; done
	echo "dbus-daemon did not start:"; cat "$W/bus.err"; exit 1
}

e2e_start_daemon() {
	mkdir -p "$W/state" "$W/conf.d"
	"$PALISADED" --state-dir "$W/state" --config-dir "$W/conf.d" \
		--audit-log "$W/audit.jsonl" "$@" 2>>"$W/daemon.err" &
	DAEMON_PID=$!
	# As for `run`: loading can take minutes on an emulated CPU.
	started=$(date +%s)
	while [ $(($(date +%s) - started)) -le 240 ]; do
		if "$ENFORCECTL" list >/dev/null 2>&1; then
			echo "palisaded ready after $(($(date +%s) - started)) s"
			return 0
		fi
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "palisaded did not come up"; cat "$W/daemon.err"; e2e_finish daemon
}

e2e_stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID"
	daemon_rc=$?
	DAEMON_PID=""
	[ "$daemon_rc" = 0 ] && pass "palisaded stopped cleanly" || fail "palisaded exited $daemon_rc"
}

# e2e_run WHAT CMD...: runs CMD, leaves its output in $out and its exit
# status in $rc, and prints both under the label WHAT.
e2e_run() {
	what=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	echo "  $what: rc=$rc $out"
}

lines_with() { grep -F "$1" "$W/audit.jsonl" | grep -F "$2" | grep -cF "$3"; }

e2e_finish() {
	if [ "$FAILS" != 0 ]; then
		echo "--- audit trail"; cat "$W/audit.jsonl"; echo "---"
		echo "$FAILS check(s) failed"
		exit 1
	fi
	echo "all $1 checks passed"
	exit 0
}

#!/bin/sh
# What canonical paths by inode cost an open, on this host (opens decided by
# the tracepoint fallback: every open of a running policy with open rules
# walks its path). A benchmark, not a test. Root; prints one line per state:
#   none     no Palisade
#   noino    open rules on paths that do not exist: no inode entries
#            (the walk reads one array element, then nothing more)
#   ino10    10 rules naming existing files off the opened path: every
#            dentry of the walk tests the inode bitmap
#   hit      a rule on the opened file's directory: the walk stops there
#   bench/host/open_inode.sh BUILD_DIR [N]   (SYSCALL_BENCH=path overrides
#   BUILD_DIR/bench/vm/syscall-bench)
set -eu
B=$(readlink -f "$1")
N=${2:-200000}
E=$B/enforce/enforcectl
S=${SYSCALL_BENCH:-$B/bench/vm/syscall-bench}
W=$(mktemp -d /tmp/pal-bench.XXXXXX)
trap 'kill $pid 2>/dev/null; rm -rf "$W"' EXIT
pid=
mkdir -p "$W/a/b/c"
echo data > "$W/a/b/c/target"

best() { # best of 5 runs of N opens
	b=
	for _ in 1 2 3 4 5; do
		v=$("$S" open "$W/a/b/c/target" "$N" | cut -d' ' -f2)
		if [ -z "$b" ] || [ "$v" -lt "$b" ]; then b=$v; fi
	done
	echo "$b"
}

run_with() { # LABEL RULES...
	label=$1
	shift
	{
		echo 'policy "bench" mode enforce {'
		for r in "$@"; do echo "  $r"; done
		echo '}'
	} > "$W/p.rules"
	rm -f "$W/ready"
	"$E" run "$W/p.rules" --audit-log "$W/audit.jsonl" --ready-file "$W/ready" \
		>/dev/null 2>"$W/err" &
	pid=$!
	while [ ! -f "$W/ready" ]; do
		kill -0 "$pid" 2>/dev/null || { cat "$W/err"; exit 1; }
		sleep 0.1
	done
	echo "$label $(best) ns/open"
	kill -INT "$pid"
	wait "$pid" || true
	pid=
}

echo "none $(best) ns/open"
run_with noino 'deny open when path == "/nonexistent/x" and access == "truncate"'
set --
for f in $(ls /usr/bin | head -10); do
	set -- "$@" "deny open when path == \"/usr/bin/$f\" and access == \"truncate\""
done
run_with ino10 "$@"
run_with hit "deny open when path under \"$W/a/b\" and access == \"truncate\""
echo "$(uname -r), $N opens per run, best of 5"

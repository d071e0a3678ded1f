#!/bin/sh
# VM guest script (bench/vm/run.sh boots it): the cost of open, exec and
# connect as a process sees it, in one boot, for four states:
#   none     no Palisade
#   empty    every program attached, a policy with no rules
#   10       10 rules per event that never match these calls
#   10k      3,334 rules per event (10,002), none matching
#   10ino    as "10", but naming files that exist, so the path walk tests
#            each dentry in the inode bitmap (canonical paths by inode);
#            none matching these calls
# Each figure is the best of 3 runs of N calls (TCG is noisy); the ratios
# are to "none" from the same boot.
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
B=/bin/syscall-bench
E=/bin/enforcectl
echo data > /tmp/target

measure() {
	best=""
	for rep in 1 2 3; do
		v=$($B "$@" | cut -d' ' -f2)
		if [ -z "$best" ] || [ "$v" -lt "$best" ]; then best=$v; fi
	done
	echo "$best"
}

gen() {
	n=$1
	echo 'policy "bench" mode enforce {'
	i=0
	while [ "$i" -lt "$n" ]; do
		echo "  deny open when path == \"/nonexistent/f$i\""
		echo "  deny exec when path == \"/nonexistent/b$i\""
		echo "  deny connect when port == $((10000 + i))"
		i=$((i + 1))
	done
	echo '}'
}

echo 'policy "empty" mode enforce {
}' > /tmp/empty.rules
gen 10 > /tmp/10.rules
gen 3334 > /tmp/10k.rules
{
	# Like "10", but the paths exist (regular files, not symlinks: a
	# symlink's name is not its file's path): libraries, which this script
	# neither executes nor opens once enforcectl has started.
	echo 'policy "bench" mode enforce {'
	n=0
	for f in /lib/*/* /usr/lib/*/*; do
		[ -f "$f" ] && [ ! -L "$f" ] && [ "$n" -lt 10 ] || continue
		echo "  deny open when path == \"$f\""
		echo "  deny exec when path == \"$f\""
		echo "  deny connect when port == $((10000 + n))"
		n=$((n + 1))
	done
	echo '}'
} > /tmp/10ino.rules

phase() {
	label=$1
	o=$(measure open /tmp/target 20000)
	x=$(measure exec 200)
	c=$(measure connect 5000)
	echo "$label $o $x $c" >> /tmp/results
	echo "bench: $label open=${o}ns exec=${x}ns connect=${c}ns"
}

with_policy() {
	rm -f /tmp/ready
	$E run "$2" --audit-log /tmp/bench.jsonl --ready-file /tmp/ready >/dev/null 2>/tmp/run.err &
	pid=$!
	i=0
	while [ ! -f /tmp/ready ]; do
		kill -0 $pid 2>/dev/null || { echo "bench: run failed"; cat /tmp/run.err; exit 1; }
		i=$((i + 1)); [ $i -gt 1200 ] && { echo "bench: not ready"; exit 1; }
		sleep 0.1
	done
	grep 'matched by inode' /tmp/run.err | sed 's/^/bench: /'
	phase "$1"
	kill -INT $pid
	wait $pid
}

: > /tmp/results
phase none
with_policy empty /tmp/empty.rules
with_policy 10 /tmp/10.rules
with_policy 10k /tmp/10k.rules
with_policy 10ino /tmp/10ino.rules

echo "bench: ns per call (ratio to none), $(uname -r), QEMU TCG"
awk 'NR == 1 { o = $2; x = $3; c = $4 }
     { printf "bench: %-6s open %7d (%.2fx)  exec %9d (%.2fx)  connect %7d (%.2fx)\n",
              $1, $2, $2 / o, $3, $3 / x, $4, $4 / c }' /tmp/results

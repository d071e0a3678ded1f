#!/bin/sh
# No silent loss: with a tiny ring buffer and the reader stopped (SIGSTOP),
# execs still happen; the records that did not fit must be counted by the
# kernel and reported in the audit trail and on stderr once the reader runs.
set -u
ENFORCECTL=$(readlink -f "$1")
. "$(dirname "$0")/require_root.sh"
W=$(mktemp -d)
trap 'kill -CONT "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; rm -rf "$W"' EXIT
printf 'policy "p" mode audit {\n  audit exec\n}\n' > "$W/p.rules"
cp /bin/true "$W/t"

# 16 KiB holds one exec record (about 9 KiB).
"$ENFORCECTL" run "$W/p.rules" -o json --audit-log "$W/audit.jsonl" \
	--ready-file "$W/ready" --ring-buffer-kib 16 >/dev/null 2>"$W/err" &
pid=$!
i=0
while [ ! -f "$W/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$W/ready" ] || { echo "FAIL: not ready"; cat "$W/err"; exit 1; }

kill -STOP "$pid"
n=0
while [ $n -lt 20 ]; do "$W/t"; n=$((n + 1)); done
kill -CONT "$pid"
sleep 1
kill -INT "$pid"
wait "$pid"

fails=0
lost=$(sed -n 's/.*"kind":"drops","count":\([0-9]*\).*/\1/p' "$W/audit.jsonl" |
	awk '{s += $1} END {print s + 0}')
echo "records reported lost: $lost"
[ "$lost" -ge 10 ] || { echo "FAIL: expected at least 10 lost records reported"; fails=1; }
grep -q "events lost (ring buffer full)" "$W/err" ||
	{ echo "FAIL: no loss warning on stderr"; fails=1; }
bad=$(grep -cv '^{.*}$' "$W/audit.jsonl")
[ "$bad" = 0 ] || { echo "FAIL: $bad malformed lines in the trail"; fails=1; }
[ "$fails" = 0 ] && echo "ok: losses counted and reported"
exit "$fails"

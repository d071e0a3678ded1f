#!/bin/sh
# A policy that fails to compile changes nothing: enforcectl run exits 1
# with a located diagnostic, before any BPF program is loaded.
set -u
ENFORCECTL=$1
. "$(dirname "$0")/require_root.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat > "$W/bad.rules" <<'RULES'
policy "bad" mode enforce {
  deny exec when pth == "/usr/bin/nc"
}
RULES
"$ENFORCECTL" run "$W/bad.rules" --audit-log "$W/audit.jsonl" --duration 5 \
	>"$W/out" 2>"$W/err"
rc=$?
cat "$W/err"
fails=0
[ "$rc" = 1 ] || { echo "FAIL: exit status $rc, expected 1"; fails=1; }
grep -q "bad.rules:2:18: error: unknown field 'pth'" "$W/err" ||
	{ echo "FAIL: no located diagnostic"; fails=1; }
if grep -q "exec enforced by" "$W/err"; then
	echo "FAIL: programs were loaded for a policy that does not compile"; fails=1
fi
[ ! -e "$W/audit.jsonl" ] || { echo "FAIL: audit trail created"; fails=1; }
[ "$fails" = 0 ] && echo "ok: bad policy rejected, nothing loaded"
exit "$fails"

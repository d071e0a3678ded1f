#!/bin/sh
# On a kernel that runs neither BPF LSM nor fmod_ret programs (this host),
# file rules cannot be enforced: `enforcectl run` must refuse the policy at
# the rule, with a hint, and load nothing, rather than run as if it held.
set -u
ENFORCECTL=$1
. "$(dirname "$0")/require_root.sh"
case "$("$ENFORCECTL" probe --json)" in
*'"file":{'*'"mechanism":"none"'*) ;;
*) echo "SKIP: this kernel enforces file events; nothing to refuse"; exit 77 ;;
esac
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat > "$W/files.rules" <<'RULES'
policy "files" mode enforce {
  deny exec when path == "/usr/bin/nc"
  deny open when path == "/etc/shadow"
}
RULES
"$ENFORCECTL" run "$W/files.rules" --audit-log "$W/audit.jsonl" --duration 5 \
	>"$W/out" 2>"$W/err"
rc=$?
cat "$W/err"
fails=0
[ "$rc" = 1 ] || { echo "FAIL: exit status $rc, expected 1"; fails=1; }
grep -q "files.rules:3:3: error: open rules cannot be enforced on this kernel" "$W/err" ||
	{ echo "FAIL: no located error at the open rule"; fails=1; }
grep -q "hint: these events need BPF LSM" "$W/err" || { echo "FAIL: no hint"; fails=1; }
grep -q "policy \"files\" enforcing" "$W/err" &&
	{ echo "FAIL: the policy was applied"; fails=1; }
[ ! -e "$W/audit.jsonl" ] || { echo "FAIL: audit trail created"; fails=1; }
[ "$fails" = 0 ] && echo "ok: unenforceable file rules refused, nothing loaded"
exit "$fails"

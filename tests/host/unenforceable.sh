#!/bin/sh
# On a kernel that runs neither BPF LSM nor fmod_ret programs (this host),
# only opens are enforced (by the tracepoint fallback, after the fact);
# unlink, rename, chmod and chown rules cannot be: `enforcectl run` must
# refuse the policy at such a rule, with a hint, and load nothing, rather
# than run as if it held.
set -u
ENFORCECTL=$1
. "$(dirname "$0")/require_root.sh"
case "$("$ENFORCECTL" probe --json)" in
*'"file":{'*'"mechanism":"tracepoint+sigkill"'*) ;;
*) echo "SKIP: this kernel enforces every file event; nothing to refuse"; exit 77 ;;
esac
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat > "$W/files.rules" <<'RULES'
policy "files" mode enforce {
  deny exec when path == "/usr/bin/nc"
  deny open when path == "/etc/shadow"
  deny unlink when path == "/etc/shadow"
}
RULES
"$ENFORCECTL" run "$W/files.rules" --audit-log "$W/audit.jsonl" --duration 5 \
	>"$W/out" 2>"$W/err"
rc=$?
cat "$W/err"
fails=0
[ "$rc" = 1 ] || { echo "FAIL: exit status $rc, expected 1"; fails=1; }
grep -q "files.rules:4:3: error: unlink rules cannot be enforced on this kernel (only opens are enforced by the tracepoint fallback: an unlink leaves no kernel-resolved file at syscall exit)" "$W/err" ||
	{ echo "FAIL: no located error at the unlink rule"; fails=1; }
grep -q "files.rules:3:3: error" "$W/err" &&
	{ echo "FAIL: the open rule was refused"; fails=1; }
grep -q "hint: these events need BPF LSM" "$W/err" || { echo "FAIL: no hint"; fails=1; }
grep -q "policy \"files\" enforcing" "$W/err" &&
	{ echo "FAIL: the policy was applied"; fails=1; }
[ ! -e "$W/audit.jsonl" ] || { echo "FAIL: audit trail created"; fails=1; }
[ "$fails" = 0 ] && echo "ok: the unlink rule refused (opens are not), nothing loaded"
exit "$fails"

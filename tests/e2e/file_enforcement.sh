#!/bin/sh
# End-to-end file enforcement, as a user would check it: start
# `enforcectl run` on a policy protecting a directory, then open, unlink,
# rename, chmod and chown inside and next to it, through every path trick
# of the bypass suite, and watch each syscall fail with EPERM or succeed.
# Finally read the audit trail.
#
# Runs in the VM (busybox sh) as root, on a kernel where BPF LSM or fmod_ret
# programs run:
#   file_enforcement.sh ENFORCECTL TESTPROG EXPECT
# EXPECT is the file mechanism the probe must pick: lsm or fmod_ret.
# Exit status: 0 all checks passed, 1 a check failed, 77 not root.
set -u

ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
EXPECT=$3

. "$(dirname "$0")/lib.sh"
e2e_init files
E2E_CLEANUP=e2e_unmount
e2e_unmount() { umount "$W/bind" 2>/dev/null; }

S="$W/secret"
P="$W/public"
mkdir -p "$S" "$P" "$W/trial" "$W/bind" "$W/home/ann/.ssh" "$W/home/bob/x/.ssh"
mkdir -p "$W/drop1" "$W/drop2/sub" # a set after under
for f in key other victim; do echo data > "$S/$f"; done
for f in x y z1 z2 mine; do echo data > "$P/$f"; done
echo data > "$W/canary"
# startswith, endswith and matches
for f in cert.pem cert.pem.txt .hidden plain; do echo data > "$P/$f"; done
echo data > "$W/home/ann/.ssh/id_rsa"
echo data > "$W/home/bob/x/.ssh/id_rsa"
echo data > "$W/trial/z1"
echo data > "$W/trial/z2"
echo data > "$W/trial/f"
cp "$TESTPROG" "$W/reader"
ln -s "$S/key" "$W/link-to-key"
ln "$S/victim" "$P/hardlink" # made before the policy: see "hard links"
ln "$S/key" "$P/keylink"     # a hard link of an exact path, before the policy
mount --bind "$S" "$W/bind"

cat > "$W/policy.rules" <<EOF
# Written by tests/e2e/file_enforcement.sh
let dropzones = ["$W/drop1", "$W/drop2/sub"]

policy "files" mode enforce {
  deny open when path == "$S/key" and binary != "$W/reader"
    "only the reader reads the key"
  deny open when path under "$S" and access in ["write", "create", "truncate"]
    "secrets are read-only"
  deny unlink when path under "$S" "secrets stay"
  deny rename when path under "$S" or target under "$S" "no moving secrets"
  deny chmod when path under "$S"
  deny chown when path under "$S"
  kill open when path == "$W/canary" "tripwire"
  deny open when path endswith ".pem" and access == "write" "no writing keys"
  deny unlink when path startswith "$P/." "dot files stay"
  deny open when path matches "$W/home/*/.ssh/**" and access == "read"
  deny open when path under dropzones and access == "create" "no new files in drop zones"
}
policy "trial" mode audit {
  deny unlink when path under "$W/trial"
  deny open when path under "$W/trial" and access == "write"
  deny rename when path under "$W/trial"
  deny chmod when path under "$W/trial"
  deny chown when path under "$W/trial"
}
EOF

e2e_start_run

grep -q "file enforced by $EXPECT " "$W/stderr" &&
	pass "probe chose $EXPECT for file events" || fail "probe did not choose $EXPECT"
"$ENFORCECTL" status --json >"$W/status.json" 2>&1
grep -o '"file":{[^}]*}' "$W/status.json" | grep -qF "\"mechanism\":\"$EXPECT\"" &&
	pass "status shows the file hook's mechanism" ||
	{ fail "status lacks the file hook"; cat "$W/status.json"; }

# op WHAT ARGS...: run one file operation through the test program.
# op WHAT ARGS...: pal-testprog ARGS, through e2e_run.
op() {
	what=$1
	shift
	e2e_run "$what" "$TESTPROG" "$@"
}
denied() {
	op "$@"
	[ "$rc" = 2 ] && [ "$out" = "$2 failed: EPERM" ] &&
		pass "$1: EPERM" || fail "$1 was not refused with EPERM"
}
allowed() {
	op "$@"
	[ "$rc" = 0 ] && pass "$1: allowed" || fail "$1 was refused"
}

# open, by intent and by binary
denied "read the key" open "$S/key" r
out=$("$W/reader" open "$S/key" r 2>&1)
[ "$?" = 0 ] && pass "the reader reads the key" || fail "the reader was refused: $out"
allowed "read another secret" open "$S/other" r
denied "write a secret" open "$S/other" w
denied "truncate a secret" open "$S/other" rt
denied "create in the secret dir" open "$S/new" wc
allowed "write next door" open "$P/x" w
allowed "create next door" open "$P/new" wc

# prefix, suffix and glob forms, each next to a neighbour that does not fit
denied "write a .pem" open "$P/cert.pem" w
allowed "read a .pem" open "$P/cert.pem" r
allowed "write a .pem.txt" open "$P/cert.pem.txt" w
denied "unlink a dot file (startswith)" unlink "$P/.hidden"
allowed "unlink a plain file" unlink "$P/plain"
denied "read a key in ~/.ssh (matches)" open "$W/home/ann/.ssh/id_rsa" r
allowed "read a .ssh one directory deeper" open "$W/home/bob/x/.ssh/id_rsa" r

# a set after under: under any of its directories, not next to them
denied "create in the first drop zone (under a set)" open "$W/drop1/new" wc
denied "create in the second drop zone (under a set)" open "$W/drop2/sub/new" wc
allowed "create beside a drop zone" open "$W/drop2/new" wc

# the same file by other names
denied "read the key through a symlink" open "$W/link-to-key" r
denied "write through .." open "$P/../secret/other" w
cd "$S" && denied "write by a relative path" open ./other w
cd /
denied "reopen /proc/self/fd/N for writing" reopen "$S/other"

# unlink, rename, chmod, chown
denied "unlink a secret" unlink "$S/other"
allowed "unlink next door" unlink "$P/y"
denied "rename a secret out" rename "$S/other" "$P/stolen"
denied "rename into the secret dir" rename "$P/mine" "$S/planted"
allowed "rename next door" rename "$P/z1" "$P/z1.moved"
denied "chmod a secret" chmod "$S/other"
allowed "chmod next door" chmod "$P/x"
denied "chown a secret" chown "$S/other"
allowed "chown next door" chown "$P/x"

# kill = deny + SIGKILL of the caller
op "open the tripwire" open "$W/canary" r
[ "$rc" = 137 ] && pass "kill rule killed the caller" || fail "kill rule did not kill (rc=$rc)"

# Bind mounts and hard links: other paths to the same file. `run` stat()ed
# every path and directory the rules name; the kernel's walk meets that
# inode and builds the rule's own path (docs/mechanisms.md).
denied "write through a bind mount" open "$W/bind/other" w
denied "read the key through a bind mount" open "$W/bind/key" r
denied "read the key through an older hard link" open "$P/keylink" r
ln "$S/key" "$P/keylink-new" && pass "hard link made while enforcing" ||
	fail "could not link the key"
denied "read the key through a hard link made after the policy" open "$P/keylink-new" r
out=$("$W/reader" open "$P/keylink" r 2>&1)
[ "$?" = 0 ] && pass "the reader reads the key through the hard link" ||
	fail "the reader was refused through the hard link: $out"
# Remaining gap, asserted so that a fix shows up here: a hard link to a
# file *inside* a protected directory, made outside it, has another
# parent; only the directory's inode is known, so nothing matches.
op "write through a hard link of a file under the directory" open "$P/hardlink" w
[ "$rc" = 0 ] && echo "  known gap: a hard link of a file under a protected directory is another path" ||
	fail "hard link result changed (rc=$rc): update docs/mechanisms.md"

# audit mode, then the switch to enforce without a reload
# audit mode: every event kind goes through, and is logged as `would`
allowed "unlink under an audit-mode rule" unlink "$W/trial/z1"
allowed "open for writing under an audit-mode rule" open "$W/trial/f" w
allowed "chmod under an audit-mode rule" chmod "$W/trial/f"
allowed "chown under an audit-mode rule" chown "$W/trial/f"
allowed "rename under an audit-mode rule" rename "$W/trial/f" "$W/trial/g"
"$ENFORCECTL" mode trial enforce >"$W/mode.out" 2>&1
grep -q 'audit -> enforce' "$W/mode.out" && pass "mode switched to enforce" ||
	{ fail "mode switch failed"; cat "$W/mode.out"; }
denied "unlink after the switch to enforce" unlink "$W/trial/z2"
"$ENFORCECTL" mode trial audit >/dev/null 2>&1

e2e_stop_run
allowed "write a secret after stop" open "$S/other" w

# --- the audit trail -----------------------------------------------------
A="$W/audit.jsonl"
n=$(lines_with '"kind":"open"' "\"path\":\"$S/other\"" '"message":"secrets are read-only"')
[ "$n" -ge 4 ] && pass "trail has the denied writes with their message" ||
	fail "trail has $n denied writes of $S/other, expected 4"
n=$(lines_with '"access":["write"]' '"outcome":"blocked"' "\"mechanism\":\"$EXPECT\"")
[ "$n" -ge 1 ] && pass "open events carry access, outcome and mechanism" ||
	fail "open events lack access/outcome/mechanism ($n)"
n=$(lines_with '"kind":"open"' "\"path\":\"$S/key\"" '"path_by_inode"')
[ "$n" -ge 4 ] && pass "opens through the bind mount and hard links report the rule's path" ||
	fail "trail has $n opens of $S/key marked path_by_inode, expected 4"
n=$(lines_with '"kind":"rename"' "\"target\":\"$S/planted\"" '"action":"deny"')
[ "$n" -ge 1 ] && pass "the rename into the secret dir is in the trail" || fail "rename missing ($n)"
for kind in unlink open chmod chown rename; do
	n=$(lines_with "\"kind\":\"$kind\"" "\"path\":\"$W/trial/" '"would":"deny"')
	[ "$n" -ge 1 ] && pass "audit mode recorded would: deny for $kind" ||
		fail "no would: deny for the trial $kind ($n)"
done
n=$(lines_with '"kind":"open"' "\"path\":\"$W/drop2/sub/new\"" '"message":"no new files in drop zones"')
[ "$n" -ge 1 ] && pass "the refused create under a set is in the trail" ||
	fail "create under the drop zone set missing ($n)"
n=$(lines_with '"kind":"open"' "\"path\":\"$W/canary\"" '"outcome":"blocked+killed"')
[ "$n" -ge 1 ] && pass "the tripwire kill is in the trail" || fail "tripwire kill missing ($n)"
n=$(grep -F '"kind":"open"' "$A" | grep -cF "\"path\":\"$P/x\"")
[ "$n" = 0 ] && pass "undecided opens are not reported" || fail "an allowed open was reported ($n)"

e2e_finish "file enforcement ($EXPECT)"

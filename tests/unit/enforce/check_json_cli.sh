#!/bin/sh
# `enforcectl check` end to end on tests/fixtures/check_json: --json prints
# exactly the expected array on stdout (warnings alone exit 0, errors 1);
# plain check keeps the rendered diagnostics on stderr.
#   check_json_cli.sh ENFORCECTL FIXTURE_DIR
set -u
ENFORCECTL=$1
cd "$2" || exit 1
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# expect_run EXIT_STATUS EXPECTED_STDOUT_FILE ARGS...
expect_run() {
	want_rc=$1 want_out=$2
	shift 2
	"$ENFORCECTL" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
	rc=$?
	[ "$rc" = "$want_rc" ] || fail "enforcectl $*: exit $rc, want $want_rc"
	diff -u "$want_out" "$OUT/stdout" || fail "enforcectl $*: stdout differs"
}

expect_run 0 warnings.json check --json warnings.rules
[ -s "$OUT/stderr" ] && fail "check --json wrote to stderr: $(cat "$OUT/stderr")"
expect_run 1 errors.json check --json errors.rules

expect_run 0 warnings.stdout check warnings.rules
diff -u warnings.stderr "$OUT/stderr" || fail "plain check: stderr differs"

[ "$FAILS" = 0 ] && echo "PASS" || exit 1

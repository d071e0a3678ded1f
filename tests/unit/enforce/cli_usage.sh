#!/bin/sh
# enforcectl's one option parser: every subcommand answers --help with its
# own usage (exit 0), and every usage error, whichever the subcommand,
# exits 2 with "enforcectl CMD: <what is wrong>" and where to read more.
# Usage: cli_usage.sh ENFORCECTL POLICY
E=$1
POLICY=$2
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for cmd in run apply remove list status mode check compile fmt explain probe fields; do
	out=$("$E" "$cmd" --help 2>&1)
	rc=$?
	[ "$rc" = 0 ] || fail "$cmd --help exited $rc"
	echo "$out" | grep -q "^Usage: enforcectl $cmd" ||
		fail "$cmd --help shows no usage line: $out"
done
out=$("$E" --help)
for cmd in run apply remove list status mode check compile fmt explain probe fields; do
	echo "$out" | grep -q "^  $cmd " || fail "--help does not list $cmd"
done

# usage_error WHAT EXPECTED_TEXT ARGS...: exit 2, the command named, the
# problem said, and the pointer to --help.
usage_error() {
	what=$1 text=$2
	shift 2
	err=$("$E" "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] || fail "$what: exit $rc, not 2"
	echo "$err" | grep -qF -- "$text" || fail "$what: no '$text' in: $err"
	echo "$err" | grep -q -- "--help" || fail "$what: no pointer to --help: $err"
}
usage_error "no command" "A subcommand is required"
usage_error "unknown command" "nosuch" nosuch
usage_error "unknown option" "enforcectl check: " check --nosuch "$POLICY"
usage_error "no files" "files is required" check
usage_error "bad view" "xml" run -o xml "$POLICY"
usage_error "bad ring size" "power of two" run --ring-buffer-kib 5 "$POLICY"
usage_error "two fmt modes" "excludes" fmt -i --check "$POLICY"
usage_error "bad mode" "maybe" mode p maybe
usage_error "budget alone" "requires --verifier" probe --budget 5
usage_error "explain without event" "--event is required" explain "$POLICY"

# A good command line still works and keeps its own exit status.
"$E" check "$POLICY" >/dev/null || fail "check of a good policy failed"

[ "$fails" = 0 ] && echo "ok: every subcommand parses the same way"
[ "$fails" = 0 ]

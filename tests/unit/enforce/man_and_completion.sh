#!/usr/bin/env bash
# What a user reads and types around enforcectl, checked against the
# parser itself (no root, no kernel):
#  - the man pages render without groff warnings, and name every command
#    and long option `enforcectl completion words` lists (enforcectl.1)
#    and every option of `palisaded --help` (palisaded.8);
#  - the bash completion script completes commands, options, option
#    values and the positionals of a command;
#  - colour: only with --color=always or a terminal, never with
#    NO_COLOR, and the text is the same without the escapes.
#   man_and_completion.sh ENFORCECTL PALISADED SOURCE_DIR
set -u
export LC_ALL=C
enforcectl=$1 palisaded=$2 src=$3
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# --- man pages -------------------------------------------------------------
for page in "$src/enforce/src/cli/enforcectl.1" "$src/enforce/daemon/palisaded.8"; do
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [[ -z $warnings ]] && pass "$(basename "$page") renders without warnings" ||
    fail "$(basename "$page"): $warnings"
done
# The rendered text, hyphens as typed: what `man` shows.
# (grotty -c -b -u: no escapes, no overstriking)
man1=$(groff -man -Tascii -P-cbu "$src/enforce/src/cli/enforcectl.1" 2>/dev/null)
man8=$(groff -man -Tascii -P-cbu "$src/enforce/daemon/palisaded.8" 2>/dev/null)
missing=""
while read -r cmd options; do
  grep -qE "(^|[^a-z-])$cmd([^a-z-]|$)" <<<"$man1" || missing+=" $cmd"
  for o in $options; do
    [[ $o == --help ]] && continue
    grep -qF -- "$o" <<<"$man1" || missing+=" $cmd$o"
  done
done < <("$enforcectl" completion words)
[[ -z $missing ]] && pass "enforcectl.1 names every command and option" ||
  fail "enforcectl.1 lacks:$missing"
missing=""
for o in $("$palisaded" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -qF -- "$o" <<<"$man8" || missing+=" $o"
done
[[ -z $missing ]] && pass "palisaded.8 names every option" || fail "palisaded.8 lacks:$missing"

# --- bash completion ---------------------------------------------------------
# Beside $tmp, not in it: file names there are completed below.
"$enforcectl" completion bash >"$tmp.bash"
trap 'rm -rf "$tmp" "$tmp.bash"' EXIT
bash -n "$tmp.bash" && pass "the completion script parses" || fail "completion script: syntax"
touch "$tmp/web.rules" "$tmp/db.rules"
complete_words() {
  # shellcheck disable=SC1091
  (cd "$tmp" && source "$tmp.bash" && enforcectl() { "$enforcectl" "$@"; } &&
    COMP_WORDS=("$@") && COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _enforcectl &&
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
}
expect() {
  local want=$1
  shift
  local got
  got=$(complete_words "$@")
  [[ $got == "$want" ]] && pass "complete '$*' -> $want" || fail "complete '$*': '$got', want '$want'"
}
expect "apply " enforcectl ap
expect "check compile completion " enforcectl c
expect "audit enforce " enforcectl apply --mode ""
expect "compact json " enforcectl run -o ""
expect "--color --help --json --rules " enforcectl list --
expect "db.rules " enforcectl check d
expect "db.rules web.rules " enforcectl check web.rules ""
expect "audit enforce " enforcectl mode web ""
expect "always auto never " enforcectl --color ""
expect "fmt " enforcectl --color never fm

# --- colour ------------------------------------------------------------------
printf 'policy "x" mode enforce {\n  deny exec when pth == "/x"\n}\n' >"$tmp/bad.rules"
plain=$("$enforcectl" check "$tmp/bad.rules" 2>&1)
coloured=$("$enforcectl" --color=always check "$tmp/bad.rules" 2>&1)
after=$("$enforcectl" check --color=always "$tmp/bad.rules" 2>&1)
esc=$'\033['
[[ $plain != *"$esc"* ]] && pass "no colour when stderr is not a terminal" || fail "colour in a pipe"
[[ $coloured == *"${esc}1;31merror:"* ]] && pass "--color=always: error: in red" || fail "no red error: $coloured"
[[ $after == "$coloured" ]] && pass "--color after the command works the same" || fail "--color after the command"
[[ $(sed 's/\x1b\[[0-9;]*m//g' <<<"$coloured") == "$plain" ]] &&
  pass "the same text without the escapes" || fail "coloured text differs"
# A terminal: script(1) gives the command one.
if command -v script >/dev/null; then
  tty_out=$(script -qec "$enforcectl check $tmp/bad.rules" /dev/null 2>&1)
  [[ $tty_out == *"$esc"* ]] && pass "a terminal gets colour" || fail "no colour on a terminal"
  tty_out=$(NO_COLOR=1 script -qec "$enforcectl check $tmp/bad.rules" /dev/null 2>&1)
  [[ $tty_out != *"$esc"* ]] && pass "NO_COLOR: none on a terminal" || fail "colour despite NO_COLOR"
else
  fail "script(1) (util-linux) is missing"
fi
"$enforcectl" --color=sometimes check "$tmp/bad.rules" >/dev/null 2>&1
[[ $? == 2 ]] && pass "--color=sometimes is a usage error" || fail "--color=sometimes accepted"

((fails == 0)) || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"

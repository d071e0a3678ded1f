#!/usr/bin/env bash
# README command 1: install what is missing, build, and enforce a policy in
# the foreground (default examples/quickstart.rules), printing every event.
# Ctrl-C stops it and removes enforcement. Extra arguments go to
# `enforcectl run` (e.g. -o json, --audit-log PATH).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" enforcectl # only what this command runs
policy=$root/examples/quickstart.rules
if [[ $# -gt 0 && $1 != -* ]]; then
  policy=$1
  shift
fi
exec "${BUILD_DIR:-$root/build}/enforce/enforcectl" run "$policy" "$@"

#!/bin/sh
# The probe must claim LSM only when an LSM program really ran. On the CI
# host LSM programs are refused at load, so it must choose the tracepoint.
set -u
ENFORCECTL=$1
. "$(dirname "$0")/require_root.sh"
out=$("$ENFORCECTL" probe --json) || { echo "FAIL: probe exited non-zero"; exit 1; }
echo "$out"
case "$out" in
*'"lsm_prog_runs":true'*'"mechanism":"lsm"'* | *'"mechanism":"lsm"'*'"lsm_prog_runs":true'*)
	echo "ok: LSM chosen and proven to run" ;;
*'"mechanism":"lsm"'*)
	echo "FAIL: LSM claimed without a probe program running"; exit 1 ;;
*'"mechanism":"tracepoint+sigkill"'*)
	echo "ok: fallback chosen" ;;
*)
	echo "FAIL: unexpected probe answer"; exit 1 ;;
esac

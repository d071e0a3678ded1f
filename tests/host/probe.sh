#!/bin/sh
# The probe must claim LSM (or fmod_ret) only when such a program really
# ran. On the CI host both are refused at load, so it must choose the
# tracepoint fallback for exec and for file events (opens only).
set -u
ENFORCECTL=$1
. "$(dirname "$0")/require_root.sh"
out=$("$ENFORCECTL" probe --json) || { echo "FAIL: probe exited non-zero"; exit 1; }
echo "$out"
# kprobe+override is probed by loading; this host has no kprobes.
case "$out" in
*'"kprobe_override":{"detail":"kprobe+override program refused at load'*'"loads":false}'*)
	echo "ok: kprobe+override probed by loading and refused" ;;
*) echo "FAIL: kprobe+override not probed, or claimed"; exit 1 ;;
esac
case "$out" in
*'"lsm_prog_runs":true'*'"mechanism":"lsm"'* | *'"mechanism":"lsm"'*'"lsm_prog_runs":true'*)
	echo "ok: LSM chosen and proven to run" ;;
*'"mechanism":"lsm"'*)
	echo "FAIL: LSM claimed without a probe program running"; exit 1 ;;
*'"fmod_ret_runs":true'*'"mechanism":"fmod_ret"'*)
	echo "ok: fmod_ret chosen and proven to run" ;;
*'"mechanism":"fmod_ret"'*)
	echo "FAIL: fmod_ret claimed without a probe program running"; exit 1 ;;
*'"exec":{'*'"mechanism":"tracepoint+sigkill"'*)
	case "$out" in
	*'"file":{"detail":'*'"guarantee":"opens only'*'"mechanism":"tracepoint+sigkill"'*)
		echo "ok: fallback chosen, file events by tracepoint (opens only)" ;;
	*) echo "FAIL: file events not on the tracepoint fallback, or not said to be opens only"; exit 1 ;;
	esac ;;
*)
	echo "FAIL: unexpected probe answer"; exit 1 ;;
esac

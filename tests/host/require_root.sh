# Sourced by the host-tier scripts: they load BPF programs, so they need
# root. Locally a non-root run skips (exit 77) with the reason; in CI the
# tier must run, so the same situation is a failure.
if [ "$(id -u)" != 0 ]; then
	if [ -n "${CI:-}" ]; then echo "FAIL: not root in CI"; exit 1; fi
	echo "SKIP: needs root (loads BPF programs)"; exit 77
fi

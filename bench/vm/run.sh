#!/usr/bin/env bash
# Per-syscall overhead inside the VM (Debian 6.1, BPF LSM): boots once and
# prints the table of bench/vm/overhead.sh. A benchmark, not a test.
#   bench/vm/run.sh [BUILD_DIR]      (default: build/; needs enforcectl and
#                                     syscall-bench built there)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(readlink -f "${1:-$root/build}")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$root/tests/vm/vm-test.sh" --cache "$build/vm-cache" "$root/bench/vm/overhead.sh" \
  --bin "$build/enforce/enforcectl" --bin "$build/bench/vm/syscall-bench" \
  --timeout 1200 --log "$log" >/dev/null || { grep -a "bench:" "$log"; exit 1; }
grep -a "^bench:" "$log" | sed 's/^bench: //'

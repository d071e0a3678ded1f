#!/usr/bin/env bash
# Configures and builds Palisade into BUILD_DIR (default: build/).
# --fresh removes BUILD_DIR first (what CI does).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
if [[ ${1:-} == --fresh ]]; then
  rm -rf "$build"
fi
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
cmake --build "$build" -j "$(nproc)"

#!/usr/bin/env bash
# Configures and builds Palisade into BUILD_DIR (default: build/).
#   build.sh [--fresh] [TARGET...]
# --fresh removes BUILD_DIR first (what CI does); TARGETs limit the build
# (default: everything).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
if [[ ${1:-} == --fresh ]]; then
  rm -rf "$build"
  shift
fi
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"

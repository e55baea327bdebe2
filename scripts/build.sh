#!/usr/bin/env bash
# Configures and builds perfgate into build/ (Release), or into $PERFGATE_BUILD_DIR: every
# target, or only the targets named (bash scripts/build.sh perfgate: the binary alone).
# Extra CMake arguments come from PERFGATE_CMAKE_ARGS, e.g. PERFGATE_CMAKE_ARGS="-DPERFGATE_WERROR=ON".
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC2086  # PERFGATE_CMAKE_ARGS is a list of arguments
cmake -S . -B "${PERFGATE_BUILD_DIR:-build}" -G Ninja -DCMAKE_BUILD_TYPE=Release --log-level=WARNING ${PERFGATE_CMAKE_ARGS:-}
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "${PERFGATE_BUILD_DIR:-build}" -j "$(nproc)" "${targets[@]}"

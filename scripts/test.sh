#!/usr/bin/env bash
# README command (2): installs what is missing, builds perfgate with warnings as errors,
# and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Tests and benchmarks on, whatever command (1) left in the build folder's cache.
PERFGATE_CMAKE_ARGS="-DPERFGATE_WERROR=ON -DPERFGATE_BUILD_TESTS=ON -DPERFGATE_BUILD_BENCH=ON ${PERFGATE_CMAKE_ARGS:-}" \
  bash scripts/build.sh
cd "${PERFGATE_BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)"

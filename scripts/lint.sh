#!/usr/bin/env bash
# The format and static-analysis checks CI runs: clang-format (.clang-format) over every
# C++ file, then cppcheck and clang-tidy (.clang-tidy) over every production source, any
# finding an error. Needs Debian's clang-format, clang-tidy and cppcheck
# (apt-get install clang-format clang-tidy cppcheck).
#   bash scripts/lint.sh            # both
#   bash scripts/lint.sh --format   # clang-format only (seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.cc' '*.h' | grep -v 'quantile_oracle.inc' | xargs clang-format --dry-run --Werror
echo "lint: clang-format: clean"
[[ ${1:-} == --format ]] && exit 0
cppcheck --std=c++20 --enable=warning,performance,portability --inline-suppr --quiet \
  --suppress=missingIncludeSystem --error-exitcode=1 -j "$(nproc)" -I . \
  core stats fetch gate alert explain reports cli
echo "lint: cppcheck: clean"
build=${PERFGATE_TIDY_DIR:-build-tidy}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DPERFGATE_BUILD_BENCH=OFF --log-level=WARNING >/dev/null
git ls-files 'core/*.cc' 'stats/*.cc' 'fetch/*.cc' 'gate/*.cc' 'alert/*.cc' 'explain/*.cc' 'reports/*.cc' 'cli/*.cc' \
  | xargs -P "$(nproc)" -n 4 clang-tidy -p "$build" --quiet --warnings-as-errors='*'
echo "lint: clang-tidy: clean"

#!/usr/bin/env bash
# README command (1): installs what building and running perfgate need (no test framework,
# no browser), builds the binary alone (and its man page, for cmake --install), and judges
# the bundled example: OpenTelemetry traces of two releases of a document-analysis service
# (examples/traces/, made by examples/generate_traces.py), rules from thresholds.yaml.
# Prints the verdict and why, writes the reports, and exits with perfgate's own exit code:
# 1, because the example holds a real regression.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
PERFGATE_CMAKE_ARGS="-DPERFGATE_BUILD_TESTS=OFF -DPERFGATE_BUILD_BENCH=OFF ${PERFGATE_CMAKE_ARGS:-}" \
  bash scripts/build.sh perfgate perfgate_manpage
echo
status=0
./build/perfgate check --config thresholds.yaml --baseline examples/traces/baseline.otlp.jsonl --candidate examples/traces/candidate.otlp.jsonl --markdown perfgate-report.md --json perfgate-report.json --html perfgate-report.html || status=$?
echo
echo "perfgate exit code: $status (0 pass, 1 regression, 2 usage/config/input error, 3 data unavailable)"
exit "$status"

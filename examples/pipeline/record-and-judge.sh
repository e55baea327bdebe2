#!/bin/sh
# The pull-request gate of examples/pipeline, end to end on one machine: record the main
# branch's service and the pull request's under the same load, then judge the second
# against the first. In CI, the main branch's recording is kept as an artifact instead of
# being made again (see docs/record.md). Needs Node.js and `npm ci` here once.
#   SLOW_STEP=batch-embed ./record-and-judge.sh    # a pull request that slowed a step: exit 1
#   ./record-and-judge.sh                          # one that did not: exit 0
set -u
cd "$(dirname "$0")"
perfgate=${PERFGATE:-perfgate}
[ -d node_modules ] || npm ci --no-audit --no-fund
SLOW_STEP= SERVICE_VERSION=main "$perfgate" record -o main.otlp.jsonl --listen 127.0.0.1:0 -- ./load.sh || exit 2
SERVICE_VERSION=pr "$perfgate" record -o pr.otlp.jsonl --listen 127.0.0.1:0 -- ./load.sh || exit 2
"$perfgate" check --baseline main.otlp.jsonl --candidate pr.otlp.jsonl --config thresholds.yaml

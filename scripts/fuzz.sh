#!/usr/bin/env bash
# Runs every libFuzzer target of a build made with -DPERFGATE_FUZZ=ON (see scripts/harden.sh),
# two at a time, from the seeds in fuzz/corpus/ plus what earlier runs in the same build
# folder found. By default each runs a fixed number of inputs from a fixed seed (about 4 min
# for all eleven here), so a CI gate on a fresh clone is reproducible; with
# PERFGATE_FUZZ_SECONDS it runs that long from a random seed, to search further. Prints each
# target's executions; fails on the first crash, leak, timeout or out-of-memory, keeping the
# input that caused it in BUILD/fuzz-findings/ (add it to the target's seeds and a test once
# fixed).
# Usage: scripts/fuzz.sh BUILD_DIR [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [TARGET...]}
shift
seconds=${PERFGATE_FUZZ_SECONDS:-}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for seeds in fuzz/corpus/*/; do targets+=("$(basename "$seeds")"); done
fi
mkdir -p "$build/fuzz-findings"

# Inputs per target in the reproducible mode: 3.6 min for all, two at a time, under ASan here.
declare -A runs=([alert_state]=2400000 [csv]=400000 [k6]=200000 [link_header]=2400000
  [literal]=160000 [ndjson]=160000 [otlp]=12000 [record]=40000 [retry_headers]=1200000 [sentry_answer]=600000
  [sentry_page]=400000 [thresholds]=16000)

run_one() {
  local target=$1 build=$2 seconds=$3 count=$4
  local corpus="$build/fuzz-corpus/$target" log="$build/fuzz-findings/$target.log"
  mkdir -p "$corpus"
  local budget=(-max_total_time="$seconds")
  [ -z "$seconds" ] && budget=(-seed=1 -runs="$count" -max_total_time=120)
  # -rss_limit_mb and -malloc_limit_mb: a parser that needs more than 1 GiB for a small
  # input is a finding; -timeout: one input taking 10 s is a hang.
  if "$build/${target}_fuzz" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-findings/$target-" "$corpus" "fuzz/corpus/$target" \
      >"$log" 2>&1; then
    printf 'fuzz: %-14s %12s executions, %s inputs in its corpus, no finding\n' "$target" \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" \
      "$(find "$corpus" -type f | wc -l)"
  else
    echo "fuzz: $target FAILED; the end of its log ($log):"
    tail -40 "$log"
    return 1
  fi
}
export -f run_one
# Each line "TARGET RUNS" becomes run_one TARGET BUILD SECONDS RUNS, two at a time.
for target in "${targets[@]}"; do echo "$target ${runs[$target]:-10000}"; done |
  xargs -P 2 -L 1 bash -c 'run_one "$3" "$1" "$2" "$4"' _ "$build" "$seconds"

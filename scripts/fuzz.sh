#!/usr/bin/env bash
# Runs every libFuzzer target of a build made with -DPERFGATE_FUZZ=ON (see scripts/harden.sh)
# for PERFGATE_FUZZ_SECONDS each (default 30), two at a time, from the seeds in fuzz/corpus/
# plus what earlier runs in the same build folder found. Prints each target's executions;
# fails on the first crash, leak, timeout or out-of-memory, keeping the input that caused it
# in BUILD/fuzz-findings/ (add it to the target's seeds and a test once fixed).
# Usage: scripts/fuzz.sh BUILD_DIR [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/fuzz.sh BUILD_DIR [TARGET...]}
shift
seconds=${PERFGATE_FUZZ_SECONDS:-30}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for seeds in fuzz/corpus/*/; do targets+=("$(basename "$seeds")"); done
fi
mkdir -p "$build/fuzz-findings"

run_one() {
  local target=$1 build=$2 seconds=$3
  local corpus="$build/fuzz-corpus/$target" log="$build/fuzz-findings/$target.log"
  mkdir -p "$corpus"
  # -rss_limit_mb and -malloc_limit_mb: a parser that needs more than 1 GiB for a small
  # input is a finding; -timeout: one input taking 10 s is a hang.
  if "$build/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-findings/$target-" "$corpus" "fuzz/corpus/$target" \
      >"$log" 2>&1; then
    printf 'fuzz: %-14s %12s executions in %s s, %s inputs in its corpus, no finding\n' "$target" \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" "$seconds" \
      "$(find "$corpus" -type f | wc -l)"
  else
    echo "fuzz: $target FAILED; the end of its log ($log):"
    tail -40 "$log"
    return 1
  fi
}
export -f run_one
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} "$build" "$seconds"

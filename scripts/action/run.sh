#!/usr/bin/env bash
# The action's gate step: perfgate check with the action's inputs. The inputs arrive in
# environment variables (INPUT_*), never pasted into a script, so no input can run code:
# `args` is split on blanks into words, nothing more. perfgate itself writes the step
# outputs verdict, failed and report (and the annotations and step summary) under GitHub
# Actions; this adds exit-code, and verdict=error when perfgate judged nothing. It exits 0
# so the comment step runs; the action's last step exits with perfgate's code.
# With a recording (the record step's RECORDING) and no candidate, the recording is the
# candidate; with a recording and no baseline (the main branch's job, which only records),
# nothing is judged and the verdict is "recorded".
#   PERFGATE=path/to/perfgate INPUT_BASELINE=... INPUT_CANDIDATE=... run.sh
set -uo pipefail
perfgate=${PERFGATE:-perfgate}
output=${GITHUB_OUTPUT:-/dev/null}
candidate=${INPUT_CANDIDATE:-${RECORDING:-}}
if [ -n "${RECORD_EXIT_CODE:-}" ] && [ -z "${INPUT_BASELINE:-}" ]; then
  echo "verdict=recorded" >> "$output"
  echo "exit-code=$RECORD_EXIT_CODE" >> "$output"
  exit 0
fi
args=(check --config "${INPUT_CONFIG:-thresholds.yaml}" --baseline "${INPUT_BASELINE:?}"
      --candidate "${candidate:?}" --markdown "${INPUT_MARKDOWN:-perfgate-report.md}")
[ -n "${INPUT_JSON:-}" ] && args+=(--json "$INPUT_JSON")
[ -n "${INPUT_HTML:-}" ] && args+=(--html "$INPUT_HTML")
[ -n "${INPUT_JUNIT:-}" ] && args+=(--junit "$INPUT_JUNIT")
read -r -a extra <<< "${INPUT_ARGS:-}"
status=0
"$perfgate" "${args[@]}" "${extra[@]}" || status=$?
# A recorded command that failed fails the step too, whatever the verdict.
if [ "$status" -eq 0 ] && [ "${RECORD_EXIT_CODE:-0}" != 0 ]; then status=$RECORD_EXIT_CODE; fi
echo "exit-code=$status" >> "$output"
if ! grep -qs '^verdict=' "$output"; then
  echo "verdict=error" >> "$output"
  echo "::error title=perfgate::perfgate judged nothing (exit $status): see the log above"
fi
exit 0

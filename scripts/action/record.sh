#!/usr/bin/env bash
# The action's record step: runs the workflow's `record` command (its tests or a load
# driver, with the app's OpenTelemetry or Sentry SDK) under `perfgate record`, which points
# the SDKs at itself, and writes the recording. The command is the workflow author's own, as
# a run: step's would be; it arrives in an environment variable, never pasted into a script.
# Writes the step outputs recording (the file) and record-exit-code; exits 0 so that the
# gate and the comment run, leaving the verdict to the action's last step.
#   PERFGATE=path/to/perfgate INPUT_RECORD='npm test' INPUT_RECORD_OUTPUT=pr.otlp.jsonl record.sh
set -uo pipefail
perfgate=${PERFGATE:-perfgate}
out=${INPUT_RECORD_OUTPUT:-perfgate-recording.otlp.jsonl}
status=0
"$perfgate" record -o "$out" --listen 127.0.0.1:0 -- bash -c "${INPUT_RECORD:?}" || status=$?
output=${GITHUB_OUTPUT:-/dev/null}
echo "record-exit-code=$status" >> "$output"
if [ -f "$out" ]; then
  echo "recording=$out" >> "$output"
else
  echo "::error title=perfgate record::nothing was recorded (exit $status): see the log above"
fi
exit 0

#!/usr/bin/env bash
# Posts the Markdown report as one pull-request comment, and on later runs updates that same
# comment (found by a hidden marker) instead of adding another. Uses GitHub's REST API with
# curl and the workflow's token. A failure to comment (a fork's read-only token, an API
# outage) is a warning, never the gate's verdict: it exits 0 after saying so.
#   GITHUB_TOKEN GITHUB_API_URL GITHUB_REPOSITORY GITHUB_EVENT_PATH REPORT [MARKER_ID] comment.sh
# Needs curl and jq (both on GitHub's runners). The token is passed to curl on stdin, never
# on its command line, and never printed.
set -euo pipefail
api=${GITHUB_API_URL:-https://api.github.com}
repository=${GITHUB_REPOSITORY:?}
report=${REPORT:?}
marker="<!-- perfgate-report${MARKER_ID:+ $MARKER_ID} -->"
# GitHub refuses comments longer than 65536 characters.
max_chars=65000

warn() { echo "::warning title=perfgate comment::$*"; exit 0; }
for tool in curl jq; do
  command -v "$tool" >/dev/null || warn "$tool is not installed, so no comment was posted"
done

number=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:?}" 2>/dev/null || true)
if [ -z "$number" ]; then
  echo "perfgate: not a pull request event: no comment posted"
  exit 0
fi
[ -n "${GITHUB_TOKEN:-}" ] || warn "no token: pass github-token (the default is the workflow's GITHUB_TOKEN)"
[ -r "$report" ] || warn "no report at $report to post"

# curl with the token from stdin (a config line), so it is in no process list. Prints the
# body; the HTTP status goes to the file named by $status_file.
status_file=$(mktemp)
body_file=$(mktemp)
trap 'rm -f "$status_file" "$body_file"' EXIT
call() {
  local method=$1 url=$2 data=${3:-}
  local extra=()
  [ -n "$data" ] && extra=(--data-binary "@$data" -H "Content-Type: application/json")
  printf 'header = "Authorization: Bearer %s"\n' "$GITHUB_TOKEN" |
    curl -sS --config - -X "$method" "$url" -H "Accept: application/vnd.github+json" \
      -H "X-GitHub-Api-Version: 2022-11-28" --max-time 30 --retry 2 \
      -o "$body_file" -w '%{http_code}' "${extra[@]}" > "$status_file" || true
  cat "$body_file"
}
status() { cat "$status_file"; }

# The comment with the marker, page by page (100 comments a page).
existing=""
for page in $(seq 1 50); do
  comments=$(call GET "$api/repos/$repository/issues/$number/comments?per_page=100&page=$page")
  [ "$(status)" = 200 ] || warn "cannot read the pull request's comments (HTTP $(status))"
  jq -e 'type == "array"' <<< "$comments" >/dev/null 2>&1 ||
    warn "the pull request's comments are not a JSON list: a proxy's page?"
  existing=$(jq -r --arg marker "$marker" \
    '[.[] | select(.body | contains($marker))][0].id // empty' <<< "$comments")
  [ -n "$existing" ] && break
  [ "$(jq length <<< "$comments")" -lt 100 ] && break
done

# The body: the marker, then the report, cut to GitHub's limit with a note.
text=$(cat "$report")
if [ "${#text}" -gt "$max_chars" ]; then
  text="${text:0:$max_chars}

… (cut: the report is ${#text} characters, more than a comment holds; the whole report is in the step summary and the workflow's artifacts)"
fi
payload=$(mktemp)
trap 'rm -f "$status_file" "$body_file" "$payload"' EXIT
jq -n --arg body "$marker
$text" '{body: $body}' > "$payload"

if [ -n "$existing" ]; then
  call PATCH "$api/repos/$repository/issues/comments/$existing" "$payload" > /dev/null
  [ "$(status)" = 200 ] || warn "cannot update comment $existing (HTTP $(status))"
  echo "perfgate: updated the report comment on pull request #$number"
else
  call POST "$api/repos/$repository/issues/$number/comments" "$payload" > /dev/null
  [ "$(status)" = 201 ] || warn "cannot comment on pull request #$number (HTTP $(status)); a pull request from a fork gets a read-only token"
  echo "perfgate: posted the report as a comment on pull request #$number"
fi

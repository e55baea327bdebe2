#!/usr/bin/env bash
# Writes perfgate(1) in roff to stdout, made from the binary's own help texts (perfgate
# --help and each command's --help), so the page never drifts from the program.
#   packaging/manpage.sh build/perfgate > perfgate.1
# Needs only bash, sed and the binary; the date is the commit's (SOURCE_DATE_EPOCH), so the
# page is the same bytes on every build of one commit.
set -euo pipefail
binary=${1:?usage: manpage.sh PERFGATE_BINARY}
version=$("$binary" --version | sed 's/^perfgate //')
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%d)

# Help text as roff: backslashes doubled, and a line starting with . or ' kept literal.
roff() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

cat <<HEADER
.TH PERFGATE 1 "$date" "perfgate $version" "User Commands"
.SH NAME
perfgate \\- a performance-regression gate for CI
.SH SYNOPSIS
.B perfgate
.I command
.RI [ options ]
.SH DESCRIPTION
perfgate judges a candidate release against a baseline release and the rules of
thresholds.yaml, from Sentry transactions, OpenTelemetry traces or files, explains from
spans why a transaction got slower, and exits with the verdict.
.PP
.nf
HEADER
"$binary" --help | roff
echo ".fi"
commands=$("$binary" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
for command in $commands; do
  echo ".SH \"PERFGATE ${command^^}\""
  echo ".nf"
  "$binary" "$command" --help | roff
  echo ".fi"
done
cat <<'FOOTER'
.SH ENVIRONMENT
.TP
.B SENTRY_AUTH_TOKEN
the Sentry token for sentry: sources (or the variable source.sentry.token_env names);
never printed, logged or cached.
.TP
.B NO_COLOR
no colour on a terminal.
.TP
.B GITHUB_ACTIONS, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT
under GitHub Actions, check adds annotations, the step summary and step outputs.
.SH FILES
.TP
.I thresholds.yaml
the rules, read from the current folder unless --config names another.
.TP
.I $XDG_CACHE_HOME/perfgate/ \fRor\fP ~/.cache/perfgate/
releases fetched from Sentry (--cache-dir).
.SH SEE ALSO
The README and docs/ in perfgate's source, installed under /usr/share/doc/perfgate.
FOOTER

// The commands, each a function of parsed options (options.h) and the environment; nothing
// here sees an argument vector.
#ifndef PERFGATE_CLI_COMMANDS_H_
#define PERFGATE_CLI_COMMANDS_H_

#include "cli/cli_env.h"
#include "cli/options.h"
#include "core/result.h"

namespace perfgate::cli {

// `perfgate check`: evaluate, print the verdict summary, write reports, exit by verdict.
int RunCheck(const GateOptions& options, CliEnv& env);
// `perfgate compare`: the same evaluation printed as an aligned table.
int RunCompare(const GateOptions& options, CliEnv& env);

// `perfgate explain`: why each transaction's duration changed, as whole tables; exit 0,
// or 2 when a transaction named is missing or has no span trees.
int RunExplain(const ExplainCommandOptions& options, CliEnv& env);

// `perfgate stats`: the summary of one source, per group and overall.
int RunStats(const StatsOptions& options, CliEnv& env);

// `perfgate fetch`: saves one release's events from Sentry as NDJSON for later comparison.
int RunFetch(const FetchOptions& options, CliEnv& env);

// `perfgate trend`: each transaction's p50, p95 and error rate over the last releases.
int RunTrend(const TrendOptions& options, CliEnv& env);

// `perfgate alert`: judges the absolute rules on one source, remembers the state per group
// and rule, and notifies the webhook only of changes. Exit 0 when the run did its job
// (breaching or not); a failed notification is exit 3 and leaves the state as it was, so
// the next run tries again.
int RunAlert(const AlertOptions& options, CliEnv& env);

// Looks at both releases every `every` until a regression is proven (exit 1), its absence
// is (exit 0), or `limit` has passed (the verdict of that look, its undecided rules under
// policy.inconclusive); a line per look, the reports at the end.
int RunWatch(const WatchOptions& options, CliEnv& env);

// `perfgate validate`: parses each config as check would, without data; prints what each
// defines, or the first error of each (exit 2).
int RunValidate(const ValidateOptions& options, CliEnv& env);

// `perfgate init`: proposes a thresholds.yaml from one observed release (gate/propose.h).
int RunInit(const InitOptions& options, CliEnv& env);

// `perfgate record`: receives what SDKs send (fetch/record/) into a recording until the
// wrapped command ends (then a grace period for the last exports) or, without a command,
// until SIGINT or SIGTERM. Exit 0, the command's status when it failed, or 2 when nothing
// could be recorded.
int RunRecord(const RecordOptions& options, CliEnv& env);

// Prints `error` as "perfgate: error: ..." and returns its exit code (2, or 3 for kUnavailable).
int ReportError(const Error& error, CliEnv& env);

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_COMMANDS_H_

// Where the CLI gets its inputs: the config file (or the built-in defaults) and the samples
// of a source, which is a file or sentry:RELEASE (fetched, or taken from the cache). The
// only place that turns source.sentry and the command line into a Sentry client.
#ifndef PERFGATE_CLI_SOURCES_H_
#define PERFGATE_CLI_SOURCES_H_

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "cli/cli_env.h"
#include "cli/options.h"
#include "core/samples.h"
#include "fetch/sentry/sentry_client.h"
#include "gate/thresholds.h"

namespace perfgate::cli {

// The release a source names when it is sentry:RELEASE ("latest" included), else nullopt:
// the one place that reads that grammar.
std::optional<std::string> SentryReleaseOf(std::string_view source);

// The chosen config; when it was not given and the default file is missing, the
// built-in defaults.
Result<gate::Thresholds> LoadConfig(const ConfigChoice& choice, CliEnv& env);

// What to fetch from Sentry, from `config`'s source.sentry and the flags; errors say which
// setting is missing or conflicts.
Result<SentrySelection> SentrySelectionFor(const SourceOptions& options,
                                           const gate::Thresholds& config);

// The Sentry settings for `release` from `config` and the flags, with the token; errors
// say which setting is missing.
struct SentrySetup {
  fetch::SentryOptions options;
  std::string token;
  std::chrono::milliseconds deadline{0};  // how long the run may fetch (source.sentry.deadline)
};
Result<SentrySetup> SentrySettings(const SourceOptions& options, const gate::Thresholds& config,
                                   CliEnv& env);

// The sources of one run: files, and sentry:RELEASE fetched (or taken from the cache)
// with `config`'s source.sentry and the flags. Every Sentry request of the run shares one
// deadline (source.sentry.deadline, counted from the first request), which this object
// keeps: a run's state, not the environment's.
class SourceLoader {
 public:
  // REQUIRES: `env` outlives the loader.
  SourceLoader(gate::Thresholds config, CliEnv& env) : config_(std::move(config)), env_(env) {}

  // `source` with sentry:latest resolved to the release it names now (said on stderr, so a
  // log shows which release was judged); every other source as it is. A release so named is
  // fetched anew by Load(), never taken from or put in the cache: it is still gathering
  // events. sentry:previous is resolved to the release before `candidate` (a resolved
  // sentry: source), sentry:deployed:ENV to the release last deployed to ENV (not the
  // candidate's), each said likewise and cached as any named release; sentry:previous:N
  // to the N releases before the candidate's, pooled with equal weights by Load(), named
  // "sentry:previous:N (A, B, C)".
  Result<std::string> Resolve(const std::string& source, const SourceOptions& options,
                              const std::string& candidate = "");

  // The `count` releases before `candidate`'s (a resolved sentry: source), newest first, by
  // first event (fewer when Sentry knows fewer), and how they were found.
  Result<fetch::SentryClient::Previous> PreviousReleases(const std::string& candidate, int count,
                                                         const SourceOptions& options);

  // The samples of `source`: a file, or sentry:RELEASE (sentry:latest resolved first).
  // Fetch progress goes to stderr.
  Result<SampleSet> Load(const std::string& source, const SourceOptions& options);

  // Sentry's span groups of `transaction` in the release `set` was fetched from
  // (sentry:RELEASE), from the cache beside the release or fetched and cached; nullopt when
  // `set` is not from Sentry, or with a warning on stderr, ending in `without` (what the
  // explanation does without them), when they cannot be had: the verdict never waits on them.
  std::optional<SpanGroupTotals> SpanGroups(const SampleSet& set, const std::string& transaction,
                                            const SourceOptions& options, std::string_view without);

  // The span tree of transaction event `event_id` in trace `trace_id`, of the release `set`
  // was fetched from, from Sentry's trace view (cached beside the release); nullopt when `set`
  // is not from Sentry or the ids are unknown, or with a warning on stderr when it cannot be
  // had (the exemplar then keeps its ops breakdown).
  std::optional<SpanTree> TraceTree(const SampleSet& set, const std::string& trace_id,
                                    const std::string& event_id, const SourceOptions& options);

 private:
  // Where fetched releases are kept: --cache-dir, else $XDG_CACHE_HOME/perfgate, else
  // $HOME/.cache/perfgate, else .perfgate-cache in the working folder.
  std::string CacheDir(const SourceOptions& options) const;
  // SentrySettings() for `options`, with the run's deadline and the --verbose log.
  Result<SentrySetup> Prepared(const SourceOptions& options);

  gate::Thresholds config_;  // for source.sentry
  CliEnv& env_;
  std::optional<std::chrono::system_clock::time_point> deadline_;  // set by the first client
  std::set<std::string> named_by_latest_;  // sources resolved from sentry:latest: not cached
  std::map<std::string, std::vector<std::string>> pooled_;  // sentry:previous:N: its releases
};

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_SOURCES_H_

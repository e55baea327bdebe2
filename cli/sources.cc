#include "cli/sources.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "core/duration.h"
#include "core/timestamp.h"
#include "fetch/sentry/release_cache.h"
#include "fetch/sentry/sentry_client.h"
#include "fetch/sentry/sentry_trace.h"
#include "gate/thresholds_parser.h"
#include "stats/signals.h"

namespace perfgate::cli {
namespace {

// The most read of files meant to be small: a config, a token.
constexpr std::size_t kMaxConfigBytes = 1 << 20;
constexpr std::size_t kMaxTokenBytes = 64 << 10;

}  // namespace

std::optional<std::string> SentryReleaseOf(std::string_view source) {
  constexpr std::string_view kScheme = "sentry:";
  if (!source.starts_with(kScheme)) return std::nullopt;
  return std::string(source.substr(kScheme.size()));
}

Result<gate::Thresholds> LoadConfig(const ConfigChoice& choice, CliEnv& env) {
  if (!choice.given && !env.fs.Exists(choice.path)) {
    if (!choice.judges) return gate::DefaultThresholds();
    // Said, so a config that is not where the run looks (a .yml, another folder) does not
    // go unnoticed while the built-in rules judge instead.
    env.err << "perfgate: note: no " << choice.path
            << " here, so the built-in rules apply (p95 <= 8000 ms, p50 <= 3000 ms, error_rate "
               "<= 1 %, p95 increase <= +10 % as a warning)";
    const std::string yml = choice.path.ends_with(".yaml")
                                ? choice.path.substr(0, choice.path.size() - 5) + ".yml"
                                : std::string();
    if (!yml.empty() && env.fs.Exists(yml))
      env.err << "; " << yml << " exists: pass --config " << yml;
    env.err << "\n";
    return gate::DefaultThresholds();
  }
  Result<std::string> text = env.fs.ReadFile(choice.path, kMaxConfigBytes);
  if (!text.ok()) return MakeError(ErrorKind::kConfig, text.error().message);
  return gate::ParseThresholds(*text, choice.path);
}

namespace {

// The fields raw mode asks for besides the duration's: each measurement a rule judges (the
// Web Vitals a performance score needs), and the user for a misery. Sorted, once each, so
// the same rules key the same cache entry.
std::vector<std::string> SentryFieldsFor(const gate::Thresholds& config) {
  std::set<std::string> fields;
  for (const gate::Rule* rule : gate::AllRules(config)) {
    const gate::Metric& metric = rule->metric;
    if (metric.value.starts_with("measurements.")) fields.insert(metric.value);
    if (metric.value == gate::kPerformanceScore) {
      for (const stats::VitalCurve& vital : stats::kVitalCurves)
        fields.insert(std::string(vital.measurement));
    }
    if (metric.kind == gate::MetricKind::kUserMisery) fields.insert("user");
  }
  return {fields.begin(), fields.end()};
}

// The duration percentiles the rules judge, which histogram mode zooms in on: sorted, once
// each.
std::vector<double> SentryQuantilesFor(const gate::Thresholds& config) {
  std::set<double> levels;
  for (const gate::Rule* rule : gate::AllRules(config)) {
    if (rule->metric.kind == gate::MetricKind::kQuantile && rule->metric.value.empty())
      levels.insert(rule->metric.q);
  }
  return {levels.begin(), levels.end()};
}

// The span attributes the rules judge (span.KEY, sum_per_request(KEY)), for the OTLP readers.
std::vector<std::string> SpanValuesFor(const gate::Thresholds& config) {
  std::set<std::string> keys;
  for (const gate::Rule* rule : gate::AllRules(config)) {
    if (const std::string_view key = rule->metric.SpanAttribute(); !key.empty()) keys.emplace(key);
  }
  return {keys.begin(), keys.end()};
}

// A time a Sentry source is read from or until: "now", a duration before now ("1h", "30m",
// "2d"), or an ISO 8601 time (kept as written), as an ISO 8601 time.
Result<std::string> ResolveTime(std::string_view option, const std::string& text,
                                std::chrono::system_clock::time_point now) {
  const long long now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (text == "now") return FormatIsoSeconds(now_seconds);
  if (std::optional<double> ago = ParseDurationMs(text, "");
      ago && *ago / 1000 < static_cast<double>(now_seconds)) {
    return FormatIsoSeconds(now_seconds - static_cast<long long>(*ago / 1000));
  }
  if (ParseIsoSeconds(text)) return text;
  return MakeError(ErrorKind::kUsage,
                   std::string(option) + " '" + text +
                       "' is neither a time (2026-12-06T10:00:00Z), a duration before now "
                       "(30m, 1h, 2d) nor 'now'");
}

}  // namespace

Result<SentrySelection> SentrySelectionFor(const SourceOptions& options,
                                           const gate::Thresholds& config) {
  SentrySelection selection = config.sentry.value_or(gate::SentrySource{}).selection;
  const SentryFlags& flags = options.sentry;
  if (flags.url) selection.url = *flags.url;
  if (flags.organization) selection.organization = *flags.organization;
  if (!flags.projects.empty()) selection.projects = flags.projects;
  if (flags.environment) selection.environment = *flags.environment;
  if (flags.dataset) selection.dataset = *flags.dataset;
  if (flags.mode) selection.mode = *flags.mode;
  // One group of every event wants the events themselves: auto reads raw then.
  if (selection.mode == SentryMode::kAuto && config.group_by == gate::GroupBy::kNone)
    selection.mode = SentryMode::kRaw;
  if (selection.mode != SentryMode::kRaw && config.group_by == gate::GroupBy::kNone) {
    return MakeError(ErrorKind::kUsage, std::string(NameOf(kSentryModeNames, selection.mode)) +
                                            " mode gives per-transaction values, which cannot "
                                            "be pooled for group_by: none; use raw mode");
  }
  if (flags.max_samples) selection.max_samples = *flags.max_samples;
  selection.start = flags.since;
  selection.end = flags.until;
  selection.fields = SentryFieldsFor(config);
  selection.quantiles = SentryQuantilesFor(config);
  if (selection.organization.empty()) {
    return MakeError(ErrorKind::kUsage,
                     "a sentry: source needs an organization: set source.sentry.organization "
                     "in the config or pass --organization");
  }
  return selection;
}

Result<SentrySetup> SentrySettings(const SourceOptions& options, const gate::Thresholds& config,
                                   CliEnv& env) {
  SentrySetup setup;
  fetch::SentryOptions& sentry = setup.options;
  const gate::SentrySource from_file = config.sentry.value_or(gate::SentrySource{});
  Result<SentrySelection> selection = SentrySelectionFor(options, config);
  if (!selection.ok()) return selection.error();
  sentry.selection = std::move(selection).value();
  // --since alone reads until now; relative times are from now.
  if (!sentry.selection.start.empty()) {
    const auto now = env.clock.Now();
    Result<std::string> start = ResolveTime("--since", sentry.selection.start, now);
    if (!start.ok()) return start.error();
    Result<std::string> end =
        ResolveTime("--until", sentry.selection.end.empty() ? "now" : sentry.selection.end, now);
    if (!end.ok()) return end.error();
    sentry.selection.start = *start;
    sentry.selection.end = *end;
  }
  sentry.allow_partial = from_file.allow_partial || options.sentry.allow_partial;
  setup.deadline = from_file.deadline;
  sentry.fetch_budget = std::chrono::duration_cast<std::chrono::seconds>(from_file.fetch_budget);
  const SentryFlags& flags = options.sentry;
  if (!flags.token_file.empty()) {
    Result<std::string> token = env.fs.ReadFile(flags.token_file, kMaxTokenBytes);
    if (!token.ok()) return MakeError(ErrorKind::kUsage, token.error().message);
    setup.token = *token;
    while (!setup.token.empty() && (setup.token.back() == '\n' || setup.token.back() == '\r' ||
                                    setup.token.back() == ' ')) {
      setup.token.pop_back();
    }
  } else {
    auto found = env.vars.find(from_file.token_env);
    if (found != env.vars.end()) setup.token = found->second;
  }
  if (setup.token.empty()) {
    return MakeError(ErrorKind::kUsage,
                     "no Sentry token: set " + from_file.token_env +
                         " to a token with the org:read scope, or pass --token-file FILE");
  }
  return setup;
}

Result<SentrySetup> SourceLoader::Prepared(const SourceOptions& options) {
  Result<SentrySetup> setup = SentrySettings(options, config_, env_);
  if (!setup.ok()) return setup;
  if (env_.transport == nullptr)
    return MakeError(ErrorKind::kInternal, "no HTTP transport configured");
  if (options.sentry.verbose) {
    setup->options.log = [&env = env_](const std::string& line) {
      env.err << "perfgate: " << line << "\n";
    };
  }
  if (!deadline_) deadline_ = env_.clock.Now() + setup->deadline;
  setup->options.deadline = deadline_;
  return setup;
}

std::string SourceLoader::CacheDir(const SourceOptions& options) const {
  if (!options.sentry.cache_dir.empty()) return options.sentry.cache_dir;
  const auto var = [&](const char* name) {
    const auto found = env_.vars.find(name);
    return found == env_.vars.end() ? std::string() : found->second;
  };
  // The XDG base directory specification: a relative XDG_CACHE_HOME is to be ignored.
  if (const std::string xdg = var("XDG_CACHE_HOME"); xdg.starts_with('/')) return xdg + "/perfgate";
  if (const std::string home = var("HOME"); !home.empty()) return home + "/.cache/perfgate";
  return ".perfgate-cache";
}

Result<std::string> SourceLoader::Resolve(const std::string& source, const SourceOptions& options,
                                          const std::string& candidate) {
  const bool previous = source == "sentry:previous" || source.starts_with("sentry:previous:");
  const bool deployed = source.starts_with("sentry:deployed:");
  if (source != "sentry:latest" && !previous && !deployed) return source;
  const std::optional<std::string> of = SentryReleaseOf(candidate);
  if (previous && !of) {
    return MakeError(ErrorKind::kUsage,
                     source +
                         " is the release before the candidate's, so the candidate must be a "
                         "sentry: release too, not " +
                         (candidate.empty() ? std::string("(none)") : candidate));
  }
  int count = 1;
  if (source.starts_with("sentry:previous:")) {
    const std::string n = source.substr(16);
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (n.empty() || n.size() > 2 || !std::all_of(n.begin(), n.end(), digit) || std::stoi(n) < 1 ||
        std::stoi(n) > 20) {
      return MakeError(ErrorKind::kUsage, source +
                                              ": sentry:previous:N pools the N releases "
                                              "before the candidate's, N from 1 to 20");
    }
    count = std::stoi(n);
  }
  const std::string environment = deployed ? source.substr(16) : "";
  if (deployed && environment.empty()) {
    return MakeError(ErrorKind::kUsage,
                     "sentry:deployed: needs an environment: sentry:deployed:production");
  }
  if (previous) {
    Result<fetch::SentryClient::Previous> found = PreviousReleases(candidate, count, options);
    if (!found.ok()) return found.error();
    if (count == 1 && found->releases.size() == 1) {
      env_.err << "perfgate: " << source << " is release " << found->releases[0] << " ("
               << found->basis << ")\n";
      return "sentry:" + found->releases[0];
    }
    std::string list;
    for (std::size_t i = 0; i < found->releases.size(); ++i)
      list += (i ? ", " : "") + found->releases[i];
    const std::string named = source + " (" + list + ")";
    env_.err << "perfgate: " << source << " is releases " << list << ", pooled with equal weights ("
             << found->basis << ")\n";
    pooled_[named] = found->releases;
    return named;
  }
  Result<SentrySetup> setup = Prepared(options);
  if (!setup.ok()) return setup.error();
  fetch::SentryClient client(*env_.transport, env_.clock, setup->options, setup->token);
  Result<fetch::SentryClient::Latest> found =
      deployed ? client.FindDeployed(environment, of.value_or("")) : client.FindLatest();
  if (!found.ok()) return found.error();
  env_.err << "perfgate: " << source << " is release " << found->release << " (" << found->basis
           << ")\n";
  // The newest release is still gathering events: fetched anew every run. A deployed one
  // is cached as any named release.
  if (!deployed) named_by_latest_.insert("sentry:" + found->release);
  return "sentry:" + found->release;
}

Result<fetch::SentryClient::Previous> SourceLoader::PreviousReleases(const std::string& candidate,
                                                                     int count,
                                                                     const SourceOptions& options) {
  const std::optional<std::string> of = SentryReleaseOf(candidate);
  if (!of) return MakeError(ErrorKind::kUsage, candidate + " is not a sentry: release");
  Result<SentrySetup> setup = Prepared(options);
  if (!setup.ok()) return setup.error();
  fetch::SentryClient client(*env_.transport, env_.clock, setup->options, setup->token);
  return client.FindPrevious(*of, count);
}

Result<SampleSet> SourceLoader::Load(const std::string& requested, const SourceOptions& options) {
  if (!SentryReleaseOf(requested)) {
    fetch::ReadOptions read = options.read;
    read.span_values = SpanValuesFor(config_);
    return fetch::ReadSampleFile(env_.fs, requested, options.format, read);
  }
  if (auto pool = pooled_.find(requested); pool != pooled_.end()) {
    std::vector<SampleSet> sets;
    for (const std::string& release : pool->second) {
      Result<SampleSet> set = Load("sentry:" + release, options);
      if (!set.ok()) return set.error();
      if (set->IsAggregated()) {
        return MakeError(
            ErrorKind::kUsage,
            requested +
                " pools releases' events, and aggregate mode gives Sentry's "
                "percentiles, which cannot be pooled: use mode auto, raw or histogram");
      }
      sets.push_back(std::move(set).value());
    }
    SampleSet pooled = PoolEqually(sets, requested);
    pooled.notes.push_back(requested + ": " + std::to_string(sets.size()) +
                           " releases pooled with equal weights: per transaction, each gives "
                           "as many events as the one with the fewest");
    return pooled;
  }
  Result<std::string> resolved = Resolve(requested, options);
  if (!resolved.ok()) return resolved.error();
  const std::string& source = *resolved;
  if (!options.read.release.empty()) {
    return MakeError(ErrorKind::kUsage, source +
                                            ": a release flag picks a release out of an OTLP "
                                            "file; a Sentry source names its own (sentry:RELEASE)");
  }
  const std::string release = *SentryReleaseOf(source);
  if (release.empty())
    return MakeError(ErrorKind::kUsage, "sentry: needs a release: sentry:1.2.3 or sentry:latest");
  Result<SentrySetup> setup = Prepared(options);
  if (!setup.ok()) return setup.error();

  // Aggregates are one request and have no events to store. The newest release is still
  // gathering events: asked for as sentry:latest, it is fetched anew every run (a scheduled
  // alert must not be served an hour-old copy), though named by its release.
  const bool cacheable =
      setup->options.selection.mode != SentryMode::kAggregate && !named_by_latest_.contains(source);
  const std::string cache_path =
      CacheDir(options) + "/" + fetch::CacheFileName(setup->options.selection, release);
  if (cacheable && !options.sentry.refresh) {
    Result<std::optional<SampleSet>> cached =
        fetch::LoadCachedRelease(env_.fs, cache_path, source,
                                 fetch::MaxCacheEntryBytes(setup->options.selection.max_samples));
    if (!cached.ok()) {
      // Never judged as the release: said, then fetched again (and the entry replaced).
      env_.err << "perfgate: warning: " << source << ": " << cached.error().message
               << "; fetching the release again\n";
    } else if (*cached) {
      env_.err << "perfgate: " << source << ": " << (*cached)->TotalEvents()
               << " events from the cache (" << cache_path << "; --refresh fetches again)\n";
      (*cached)->sentry_release = release;
      return std::move(**cached);
    }
  }
  fetch::SentryClient client(*env_.transport, env_.clock, setup->options, setup->token);
  const auto started = std::chrono::steady_clock::now();
  int pages_seen = 0;
  auto progress = [&](int pages, std::size_t events, std::size_t expected) {
    pages_seen = pages;
    if (!env_.err_is_terminal) return;  // CI logs get one line at the end, not hundreds
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const double rate = seconds > 0 ? static_cast<double>(events) / seconds : 0;
    env_.err << "\rperfgate: " << source << ": " << pages << " pages, " << events;
    if (expected > 0) env_.err << " of " << expected;
    env_.err << " events, " << static_cast<long long>(rate) << " events/s";
    if (expected > events && rate > 0) {
      env_.err << ", about " << std::llround(static_cast<double>(expected - events) / rate)
               << " s left";
    }
    env_.err << "   " << std::flush;
  };
  Result<SampleSet> set = client.FetchRelease(release, progress);
  if (env_.err_is_terminal && pages_seen > 0) env_.err << "\n";
  if (!set.ok()) return set.error();
  set->sentry_release = release;
  // The events were asked for by release, and Sentry's rows do not repeat it.
  if (set->origin.releases.empty()) set->origin.releases.emplace_back(release, set->TotalEvents());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);
  if (set->IsAggregated()) {
    env_.err << "perfgate: " << source << ": fetched Sentry's aggregates of " << set->groups.size()
             << " transactions (" << set->TotalEvents() << " events, " << elapsed << " s)\n";
  } else if (setup->options.selection.mode == SentryMode::kHistogram) {
    env_.err << "perfgate: " << source << ": rebuilt " << set->TotalEvents()
             << " events from Sentry's histograms of " << set->groups.size() << " transactions ("
             << elapsed << " s)\n";
  } else {
    env_.err << "perfgate: " << source << ": fetched " << set->TotalEvents() << " events in "
             << pages_seen << " pages (" << elapsed << " s)\n";
  }
  // A partial fetch (allow_partial) is never stored: a later run that does not allow
  // partial data must not be served it, and one that does should try for all of it again.
  // Nor are histogram bins: their midpoints would read back as the events' own durations.
  const bool binned = std::any_of(set->groups.begin(), set->groups.end(),
                                  [](const GroupSamples& group) { return !group.bins.empty(); });
  if (cacheable && !set->partial && !binned) {
    Status stored = fetch::StoreCachedRelease(env_.fs, CacheDir(options), cache_path, *set);
    if (!stored.ok())
      env_.err << "perfgate: warning: not cached: " << stored.error().message << "\n";
  }
  return set;
}

std::optional<SpanGroupTotals> SourceLoader::SpanGroups(const SampleSet& set,
                                                        const std::string& transaction,
                                                        const SourceOptions& options,
                                                        std::string_view without) {
  if (set.sentry_release.empty()) return std::nullopt;
  const std::string& release = set.sentry_release;
  auto warn = [&](const std::string& message) -> std::optional<SpanGroupTotals> {
    env_.err << "perfgate: warning: " << set.source << ": span groups of " << transaction
             << " not fetched, " << without << ": " << message << "\n";
    return std::nullopt;
  };
  Result<SentrySetup> setup = Prepared(options);
  if (!setup.ok()) return warn(setup.error().message);
  const std::string path =
      CacheDir(options) + "/" +
      fetch::SpanGroupsCacheFileName(setup->options.selection, release, transaction);
  if (!options.sentry.refresh) {
    Result<std::optional<SpanGroupTotals>> cached = fetch::LoadCachedSpanGroups(env_.fs, path);
    if (!cached.ok()) return warn(cached.error().message);
    if (*cached) return std::move(**cached);
  }
  fetch::SentryClient client(*env_.transport, env_.clock, setup->options, setup->token);
  Result<SpanGroupTotals> totals = client.FetchSpanGroups(release, transaction);
  if (!totals.ok()) return warn(totals.error().message);
  Status stored = fetch::StoreCachedSpanGroups(env_.fs, CacheDir(options), path, *totals);
  if (!stored.ok()) env_.err << "perfgate: warning: not cached: " << stored.error().message << "\n";
  return std::move(totals).value();
}

std::optional<SpanTree> SourceLoader::TraceTree(const SampleSet& set, const std::string& trace_id,
                                                const std::string& event_id,
                                                const SourceOptions& options) {
  if (set.sentry_release.empty() || trace_id.empty() || event_id.empty()) return std::nullopt;
  const std::string& release = set.sentry_release;
  auto warn = [&](const std::string& message) -> std::optional<SpanTree> {
    env_.err << "perfgate: warning: " << set.source << ": trace " << trace_id
             << " not fetched, its exemplar keeps the ops breakdown: " << message << "\n";
    return std::nullopt;
  };
  Result<SentrySetup> setup = Prepared(options);
  if (!setup.ok()) return warn(setup.error().message);
  std::string name = fetch::CacheFileName(setup->options.selection, release);
  // "<release>.ndjson" becomes "<release>-trace-<id>.json" (ids are hex: safe in a name).
  name.replace(name.size() - 7, 7, "-trace-" + trace_id + ".json");
  const std::string path = CacheDir(options) + "/" + name;
  std::optional<std::string> body;
  if (!options.sentry.refresh && env_.fs.Exists(path)) {
    Result<std::string> cached = env_.fs.ReadRegularFile(path, fetch::kMaxAnswerBytes);
    if (!cached.ok()) return warn(cached.error().message);
    body = std::move(cached).value();
  } else {
    fetch::SentryClient client(*env_.transport, env_.clock, setup->options, setup->token);
    Result<std::string> fetched = client.FetchTrace(release, trace_id, event_id);
    if (!fetched.ok()) return warn(fetched.error().message);
    body = std::move(fetched).value();
    Status made = env_.fs.MakeDirectories(CacheDir(options));
    Status stored = made.ok() ? env_.fs.WriteFileAtomic(path, *body) : made;
    if (!stored.ok())
      env_.err << "perfgate: warning: not cached: " << stored.error().message << "\n";
  }
  Result<SpanTree> tree = fetch::SentryTraceTree(*body, trace_id, event_id, path);
  if (!tree.ok()) return warn(tree.error().message);
  return std::move(tree).value();
}

}  // namespace perfgate::cli

#include "cli/run_cli.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <sstream>

#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "core/duration.h"
#include "core/spelling.h"
#include "gate/thresholds.h"

namespace perfgate::cli {
namespace {

namespace po = boost::program_options;

// From CMake's project(VERSION), the one place the version is written.
constexpr std::string_view kPerfgateVersion = PERFGATE_VERSION;

// Each command's exit codes, said in its --help.
constexpr std::string_view kGateExitCodes =
    "Exit codes: 0 pass (warnings and waivers allowed), 1 regression (also when a report\n"
    "could not be written), 2 usage, config or input error (nothing was judged), 3 data\n"
    "unavailable, or too little data where policy.insufficient_data is 'error'.\n";
constexpr std::string_view kExplainExitCodes =
    "Exit codes: 0 explained (whatever the verdict), 2 usage, config or input error, or a\n"
    "transaction named that is missing or has no spans, 3 data unavailable.\n";
constexpr std::string_view kReadExitCodes =
    "Exit codes: 0 done, 2 usage, config or input error, 3 data unavailable.\n";
constexpr std::string_view kAlertExitCodes =
    "Exit codes: 0 the run did its job, breaching or not (the breaches go to the webhook and\n"
    "stdout), 2 usage, config or input error, or the state cannot be kept, 3 data\n"
    "unavailable or the webhook failed (the state is not advanced, so the next run retries).\n";
constexpr std::string_view kValidateExitCodes =
    "Exit codes: 0 every config is valid, 2 one is not (each error with file:line:column).\n";
constexpr std::string_view kExitCodes =
    "Exit codes: 0 pass, 1 regression (check, compare), 2 usage, config or input error,\n"
    "3 data unavailable. 'perfgate <command> --help' gives each command's own.\n";

// A bad argument: reported as "perfgate: error: <command>: <message>" with exit code 2.
struct UsageError {
  std::string message;
};

// The options of commands that read sources: how files are read (unless `files` is false:
// fetch reads only Sentry), and the Sentry settings.
po::options_description SourceOptionsDescription(bool files = true) {
  po::options_description reading("Reading samples");
  // clang-format off
  reading.add_options()
      ("format", po::value<std::string>()->value_name("FORMAT")->default_value("auto"),
       "input format: auto (from the extension: .ndjson/.jsonl, .csv, .json, "
       ".otlp.json/.otlp.jsonl; k6's files and Sentry SDK events by their content), ndjson, "
       "csv, json (a saved Sentry events page), otlp (OpenTelemetry OTLP/JSON traces), k6 "
       "(k6 run --out json), k6-summary (k6's --summary-export or handleSummary JSON), "
       "sentry-events (Sentry SDK transaction events, one per line, or a saved envelope)")
      ("on-bad-row", po::value<std::string>()->value_name("POLICY")->default_value("fail"),
       "a malformed row: fail (exit 2, naming file:line) or skip (dropped, counted and "
       "reported)")
      ("duration-unit", po::value<std::string>()->value_name("UNIT")->default_value("ms"),
       "the unit of the durations (and spans.* times) in NDJSON, CSV and saved Sentry pages: "
       "s, ms, us or ns (a Sentry page's own meta.units wins)");
  // clang-format on
  po::options_description sentry(
      "Sentry sources (SRC = sentry:RELEASE or sentry:latest; each overrides "
      "source.sentry in the config)");
  // clang-format off
  sentry.add_options()
      ("sentry-url", po::value<std::string>()->value_name("URL"),
       "https://sentry.io (default), a region such as https://de.sentry.io, or self-hosted")
      ("organization", po::value<std::string>()->value_name("ORG"), "organization slug or id")
      ("project", po::value<std::vector<std::string>>()->value_name("PROJECT"),
       "project slug or id; repeat for several")
      ("environment", po::value<std::string>()->value_name("ENV"), "e.g. production")
      ("dataset", po::value<std::string>()->value_name("NAME"), "transactions (default) or spans")
      ("mode", po::value<std::string>()->value_name("MODE"),
       "raw (default: events, with intervals), aggregate (one request: Sentry's per-transaction "
       "percentiles and counts, no percentile intervals) or histogram (per-transaction duration "
       "histograms: intervals at the bin width's resolution)")
      ("max-samples", po::value<std::size_t>()->value_name("N"), "stop after N events (default 50000)")
      ("since", po::value<std::string>()->value_name("TIME"),
       "read from this time instead of the release's first event: ISO 8601, or a duration "
       "before now (1h, 30m, 2d)")
      ("until", po::value<std::string>()->value_name("TIME"),
       "with --since: read until this time (ISO 8601, a duration before now, or now: the default)")
      ("token-file", po::value<std::string>()->value_name("FILE"),
       "read the token from FILE instead of $SENTRY_AUTH_TOKEN (or source.sentry.token_env)")
      ("refresh", po::bool_switch(), "fetch again even when the release is cached")
      ("verbose", po::bool_switch(), "log every request to stderr (the token is redacted)")
      ("allow-partial", po::bool_switch(),
       "when some time windows cannot be fetched, judge with the rest and say so in every report "
       "(default: no verdict from partial data, exit 3)")
      ("cache-dir", po::value<std::string>()->value_name("DIR"),
       "where fetched releases are cached (default: $XDG_CACHE_HOME/perfgate, else "
       "~/.cache/perfgate)");
  // clang-format on
  po::options_description all;
  if (files) all.add(reading);
  all.add(sentry);
  return all;
}

void AddConfigOption(po::options_description& description) {
  description.add_options()(
      "config", po::value<std::string>()->value_name("FILE")->default_value("thresholds.yaml"),
      "the rules and source.sentry; when the default file does not exist, built-in defaults apply "
      "(p95 <= 8000 ms, p50 <= 3000 ms, error_rate <= 1 %, p95 increase <= +10 % as a warning)");
}

// An option whose value names an enum: its name table decides, and says what is allowed.
// `unset` is a further word that leaves the target unset (--format auto).
template <typename Table, typename Target>
void Choice(const po::variables_map& vm, const char* name, const Table& table, Target& target,
            std::string_view unset = "") {
  if (!vm.count(name)) return;
  const std::string value = vm[name].as<std::string>();
  if (!unset.empty() && value == unset) return;
  target = FromName(table, value);
  if (!target) {
    throw UsageError{"--" + std::string(name) + " must be one of " +
                     (unset.empty() ? "" : std::string(unset) + ", ") + JoinNames(table) +
                     ", not '" + value + "'"};
  }
}

SourceOptions ReadSourceOptions(const po::variables_map& vm) {
  SourceOptions options;
  auto choice = [&](const char* name, const auto& table, auto& target,
                    std::string_view unset = "") { Choice(vm, name, table, target, unset); };
  choice("format", fetch::kInputFormatNames, options.format, "auto");
  std::optional<fetch::BadRowPolicy> on_bad_row;
  choice("on-bad-row", fetch::kBadRowPolicyNames, on_bad_row);
  options.read.on_bad_row = on_bad_row.value_or(fetch::BadRowPolicy::kFail);
  std::optional<fetch::DurationUnit> unit;
  choice("duration-unit", fetch::kDurationUnitNames, unit);
  options.read.duration_unit = unit.value_or(fetch::DurationUnit::kMilliseconds);
  SentryFlags& sentry = options.sentry;
  auto text = [&](const char* name, std::optional<std::string>& target) {
    if (vm.count(name)) target = vm[name].as<std::string>();
  };
  text("sentry-url", sentry.url);
  text("organization", sentry.organization);
  text("environment", sentry.environment);
  choice("dataset", kSentryDatasetNames, sentry.dataset);
  choice("mode", kSentryModeNames, sentry.mode);
  if (vm.count("project")) sentry.projects = vm["project"].as<std::vector<std::string>>();
  if (vm.count("max-samples")) sentry.max_samples = vm["max-samples"].as<std::size_t>();
  if (vm.count("since")) sentry.since = vm["since"].as<std::string>();
  if (vm.count("until")) sentry.until = vm["until"].as<std::string>();
  if (sentry.since.empty() && !sentry.until.empty())
    throw UsageError{"--until needs --since (the start of the time range)"};
  if (vm.count("token-file")) sentry.token_file = vm["token-file"].as<std::string>();
  sentry.refresh = vm["refresh"].as<bool>();
  sentry.verbose = vm["verbose"].as<bool>();
  sentry.allow_partial = vm["allow-partial"].as<bool>();
  if (vm.count("cache-dir")) sentry.cache_dir = vm["cache-dir"].as<std::string>();
  return options;
}

// A command's own options followed by --config and the options of reading sources.
po::options_description WithSources(po::options_description own, bool files = true) {
  AddConfigOption(own);
  own.add(SourceOptionsDescription(files));
  return own;
}

// Picking each side's release out of one OTLP file, and each side's format.
void AddSideOptions(po::options_description& description) {
  // clang-format off
  description.add_options()
      ("baseline-release", po::value<std::string>()->value_name("VERSION"),
       "read only this release's transactions of the baseline OTLP file (service.version)")
      ("candidate-release", po::value<std::string>()->value_name("VERSION"),
       "the same for the candidate; with both, one OTLP file can hold both releases")
      ("baseline-format", po::value<std::string>()->value_name("FORMAT"),
       "the baseline's format, when it differs from --format")
      ("candidate-format", po::value<std::string>()->value_name("FORMAT"),
       "the candidate's format, when it differs from --format")
      ("baseline-duration-unit", po::value<std::string>()->value_name("UNIT"),
       "the unit of the baseline file's durations (s, ms, us, ns), over --duration-unit")
      ("candidate-duration-unit", po::value<std::string>()->value_name("UNIT"),
       "the same for the candidate; either one also lets sides whose durations are a power "
       "of 1000 apart be judged (they are refused as a likely unit mistake otherwise)");
  // clang-format on
}

// The value of a required option, or a usage error: "missing <shown>".
std::string Required(const po::variables_map& vm, const char* name, const std::string& shown) {
  if (!vm.count(name)) throw UsageError{"missing " + shown};
  return vm[name].as<std::string>();
}

// The sources of a gate: two, or one OTLP file holding both releases. `command` names a
// command whose sources are positional; empty for --baseline and --candidate.
void ReadGateSources(const po::variables_map& vm, std::string_view command, GateOptions& options) {
  auto text = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
  };
  options.baseline_release = text("baseline-release");
  options.candidate_release = text("candidate-release");
  Choice(vm, "baseline-format", fetch::kInputFormatNames, options.baseline_format, "auto");
  Choice(vm, "candidate-format", fetch::kInputFormatNames, options.candidate_format, "auto");
  Choice(vm, "baseline-duration-unit", fetch::kDurationUnitNames, options.baseline_duration_unit);
  Choice(vm, "candidate-duration-unit", fetch::kDurationUnitNames, options.candidate_duration_unit);
  const bool one_file = !options.baseline_release.empty() && !options.candidate_release.empty();
  if (!command.empty() && (!vm.count("baseline") || (!vm.count("candidate") && !one_file))) {
    const std::string name(command);
    throw UsageError{name + " needs two sources: perfgate " + name +
                     " BASELINE CANDIDATE, or one OTLP file with --baseline-release and "
                     "--candidate-release"};
  }
  options.baseline = Required(vm, "baseline", "--baseline SRC");
  options.candidate = one_file && !vm.count("candidate")
                          ? options.baseline
                          : Required(vm, "candidate", "--candidate SRC");
}

// `judges`: the command judges by the config's rules (stats and fetch read only
// source.sentry from it).
ConfigChoice ReadConfigChoice(const po::variables_map& vm, bool judges = true) {
  return ConfigChoice{vm["config"].as<std::string>(), !vm["config"].defaulted(), judges};
}

po::options_description GateOptionsDescription(bool positional_sources) {
  po::options_description inputs("Inputs");
  auto add = inputs.add_options();
  if (!positional_sources) {
    add("baseline", po::value<std::string>()->value_name("SRC"),
        "baseline release samples: a .ndjson, .jsonl, .csv, .json or .otlp.jsonl file, - for "
        "standard input, or sentry:RELEASE (required)");
    add("candidate", po::value<std::string>()->value_name("SRC"),
        "candidate release samples, in the same forms (required, unless both releases are in "
        "the --baseline file)");
  }
  AddSideOptions(inputs);
  AddConfigOption(inputs);
  add("today", po::value<std::string>()->value_name("YYYY-MM-DD"),
      "judge waivers as of this date (default: today, UTC)");
  po::options_description outputs("Reports");
  // clang-format off
  outputs.add_options()
      ("markdown", po::value<std::string>()->value_name("FILE"),
       "write the Markdown report (for $GITHUB_STEP_SUMMARY or a PR comment); FILE - writes "
       "it, or any report, to standard output")
      ("json", po::value<std::string>()->value_name("FILE"),
       "write the JSON report (schema_version 3, docs/json-report.md)")
      ("html", po::value<std::string>()->value_name("FILE"),
       "write one self-contained HTML page with a latency chart per transaction")
      ("junit", po::value<std::string>()->value_name("FILE"),
       "write JUnit XML: a testcase per transaction and rule, for GitLab, Jenkins and the like");
  // clang-format on
  po::options_description all;
  all.add(inputs).add(SourceOptionsDescription()).add(outputs);
  return all;
}

GateOptions ReadGateOptions(const po::variables_map& vm, bool positional_sources) {
  GateOptions options;
  ReadGateSources(vm, positional_sources ? "compare" : "", options);
  options.config = ReadConfigChoice(vm);
  options.sources = ReadSourceOptions(vm);
  if (vm.count("today")) {
    options.today = gate::ParseDateText(vm["today"].as<std::string>());
    if (!options.today || !options.today->ok())
      throw UsageError{"--today must be a date YYYY-MM-DD"};
  }
  if (vm.count("markdown")) options.markdown_path = vm["markdown"].as<std::string>();
  if (vm.count("json")) options.json_path = vm["json"].as<std::string>();
  if (vm.count("junit")) options.junit_path = vm["junit"].as<std::string>();
  if (vm.count("html")) options.html_path = vm["html"].as<std::string>();
  // Two reports in one file: the second would silently replace the first.
  const std::pair<const char*, const std::string*> reports[] = {
      {"--markdown", &options.markdown_path},
      {"--json", &options.json_path},
      {"--junit", &options.junit_path},
      {"--html", &options.html_path}};
  for (std::size_t i = 0; i < std::size(reports); ++i) {
    for (std::size_t j = i + 1; j < std::size(reports); ++j) {
      if (!reports[i].second->empty() && *reports[i].second == *reports[j].second) {
        throw UsageError{std::string(reports[i].first) + " and " + reports[j].first +
                         " name the same file, " + *reports[i].second + "; give each its own"};
      }
    }
  }
  return options;
}

// The value of `option`: "0", "90s", "30m", "12h", "2d".
// A duration option (core/duration.h; a bare number is seconds), to the second.
std::chrono::seconds ParseDuration(const std::string& option, const std::string& text) {
  const std::optional<double> ms = ParseDurationMs(text, "s");
  if (!ms) {
    throw UsageError{option + " takes a duration like 30s, 30m, 12h or 2d (" +
                     std::string(kDurationUnits) + "), not '" + text + "'"};
  }
  // A century is far beyond any reminder, and its seconds stay far inside the clock's range.
  constexpr double kMaxSeconds = 100.0 * 366 * 86400;
  if (*ms / 1000 > kMaxSeconds)
    throw UsageError{option + " is at most 100 years, not '" + text + "'"};
  return std::chrono::seconds(static_cast<long long>(*ms / 1000));
}

std::vector<double> ParsePercentiles(const std::string& text) {
  std::vector<double> percentiles;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (item.starts_with('p')) item.erase(0, 1);
    double value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || !(value > 0 && value <= 100)) {
      throw UsageError{
          "--percentiles takes numbers in (0, 100] separated by commas, like "
          "50,95,99.9; not '" +
          item + "'"};
    }
    percentiles.push_back(value);
  }
  if (percentiles.empty()) throw UsageError{"--percentiles is empty"};
  return percentiles;
}

// Parses `args` against `description` (shown in --help) and `hidden` (positional
// arguments). Returns true when --help was asked, after printing it.
bool Parse(const std::vector<std::string>& args, const po::options_description& description,
           const po::options_description& hidden,
           const po::positional_options_description& positional, po::variables_map& vm,
           std::string_view usage, std::string_view exit_codes, CliEnv& env) {
  po::options_description with_help = description;
  with_help.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(with_help).add(hidden);
  // No abbreviations: "--candidat" must be an error, not silently "--candidate".
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::store(po::command_line_parser(args).options(all).positional(positional).style(style).run(),
            vm);
  po::notify(vm);
  if (vm.count("help")) {
    env.out << usage << "\n" << with_help << "\n" << exit_codes;
    return true;
  }
  return false;
}

// The `stats` command's own options, and its run.
po::options_description StatsDescription() {
  po::options_description description("Output");
  // clang-format off
  description.add_options()
      ("json", po::bool_switch(), "print JSON instead of a table")
      ("percentiles", po::value<std::string>()->value_name("LIST")->default_value("50,75,90,95,99"),
       "the percentiles to show, comma-separated (99.9 and p99.9 both work)")
      ("percentile-method", po::value<std::string>()->value_name("METHOD")->default_value("linear"),
       "how percentiles interpolate, by numpy's names: linear (Hyndman-Fan type 7, numpy's "
       "and R's default), inverted_cdf, averaged_inverted_cdf, closest_observation, "
       "interpolated_inverted_cdf, hazen, weibull, median_unbiased, normal_unbiased, lower, "
       "higher, midpoint, nearest")
      ("release", po::value<std::string>()->value_name("VERSION"),
       "read only this release's transactions of an OTLP file (service.version)");
  // clang-format on
  return WithSources(std::move(description));
}

int Stats(const po::variables_map& vm, CliEnv& env) {
  StatsOptions options;
  options.source = Required(vm, "source", "the source: perfgate stats SRC");
  options.config = ReadConfigChoice(vm, false);
  options.sources = ReadSourceOptions(vm);
  if (vm.count("release")) options.sources.read.release = vm["release"].as<std::string>();
  options.json = vm["json"].as<bool>();
  options.percentiles = ParsePercentiles(vm["percentiles"].as<std::string>());
  const std::string method = vm["percentile-method"].as<std::string>();
  auto parsed = FromName(stats::kQuantileMethodNames, method);
  if (!parsed) {
    throw UsageError{"unknown --percentile-method '" + method + "'" +
                     DidYouMean(method, Names(stats::kQuantileMethodNames))};
  }
  options.method = *parsed;
  return RunStats(options, env);
}

po::options_description TrendDescription() {
  po::options_description description("Trend");
  // clang-format off
  description.add_options()
      ("releases", po::value<int>()->value_name("N")->default_value(10),
       "how many releases, the newest last (2 to 50)")
      ("release", po::value<std::string>()->value_name("RELEASE"),
       "the newest release of the trend (default: sentry:latest's)")
      ("top", po::value<std::size_t>()->value_name("N")->default_value(20),
       "show the N busiest transactions")
      ("markdown", po::value<std::string>()->value_name("FILE"), "also write Markdown here")
      ("json", po::value<std::string>()->value_name("FILE"), "also write JSON here")
      ("html", po::value<std::string>()->value_name("FILE"), "also write an HTML page with charts here");
  // clang-format on
  return WithSources(std::move(description), false);
}

int Trend(const po::variables_map& vm, CliEnv& env) {
  TrendOptions options;
  options.releases = vm["releases"].as<int>();
  if (options.releases < 2 || options.releases > 50)
    throw UsageError{"--releases is from 2 to 50, not " + std::to_string(options.releases)};
  if (vm.count("release")) options.release = vm["release"].as<std::string>();
  options.top = vm["top"].as<std::size_t>();
  if (options.top == 0) throw UsageError{"--top must be at least 1"};
  if (vm.count("markdown")) options.markdown = vm["markdown"].as<std::string>();
  if (vm.count("json")) options.json = vm["json"].as<std::string>();
  if (vm.count("html")) options.html = vm["html"].as<std::string>();
  options.config = ReadConfigChoice(vm, false);
  options.sources = ReadSourceOptions(vm);
  return RunTrend(options, env);
}

po::options_description FetchDescription() {
  po::options_description description("Fetching");
  // clang-format off
  description.add_options()
      ("release", po::value<std::string>()->value_name("RELEASE"), "the release version, or latest (required)")
      ("output,o", po::value<std::string>()->value_name("FILE"), "the NDJSON file to write (required)");
  // clang-format on
  return WithSources(std::move(description), false);
}

int Fetch(const po::variables_map& vm, CliEnv& env) {
  FetchOptions options;
  options.release = Required(vm, "release", "--release RELEASE");
  options.output = Required(vm, "output", "-o FILE");
  options.config = ReadConfigChoice(vm, false);
  options.sources = ReadSourceOptions(vm);
  return RunFetch(options, env);
}

po::options_description WatchDescription() {
  po::options_description description("Watching");
  // clang-format off
  description.add_options()
      ("every", po::value<std::string>()->value_name("DURATION")->default_value("5m"),
       "look at both releases this often")
      ("for", po::value<std::string>()->value_name("DURATION")->default_value("1h"),
       "give the verdict after this long if nothing is proven before (policy.inconclusive "
       "decides what is still undecided)");
  // clang-format on
  po::options_description all = GateOptionsDescription(false);
  all.add(description);
  return all;
}

int Watch(const po::variables_map& vm, CliEnv& env) {
  WatchOptions options;
  options.gate = ReadGateOptions(vm, false);
  options.every = ParseDuration("--every", vm["every"].as<std::string>());
  options.limit = ParseDuration("--for", vm["for"].as<std::string>());
  if (options.every.count() == 0) throw UsageError{"--every must be longer than 0"};
  if (options.limit < options.every)
    throw UsageError{"--for must be at least --every (one look after the first)"};
  return RunWatch(options, env);
}

po::options_description AlertDescription() {
  po::options_description description("Alerting");
  // clang-format off
  description.add_options()
      ("candidate", po::value<std::string>()->value_name("SRC"), "the release to watch, e.g. sentry:latest (required)")
      ("state", po::value<std::string>()->value_name("FILE"),
       "where the state of the last run is kept (required; keep it between runs)")
      ("webhook", po::value<std::string>()->value_name("URL"),
       "POST changes here as JSON with a Slack-compatible \"text\" (https; default: print only)")
      ("remind-after", po::value<std::string>()->value_name("DURATION")->default_value("0"),
       "announce a breach again after this long while it lasts: 30m, 12h, 2d (0: once)")
      ("no-data-after", po::value<std::string>()->value_name("DURATION")->default_value("24h"),
       "close a breach whose transaction (or rule) has not been judged for this long")
      ("fresh-state", po::bool_switch(),
       "start from an empty state even when --state holds one that is empty or not perfgate's "
       "(every open breach is then announced again)")
      ("lock-wait", po::value<std::string>()->value_name("DURATION")->default_value("60s"),
       "how long to wait for another alert run holding the state (FILE.lock) before exit 3")
      ("webhook-format", po::value<std::string>()->value_name("FORMAT")->default_value("json"),
       "the webhook's dialect: json (a Slack-compatible \"text\" and the changes), slack "
       "(Block Kit), teams (an Adaptive Card), discord (an embed)")
      ("report-url", po::value<std::string>()->value_name("URL"),
       "link every notification to the full report here (a CI job's artifact, a dashboard)")
      ("dry-run", po::bool_switch(),
       "print what would be sent, in the webhook's format; send nothing and leave the state")
      ("window", po::value<std::string>()->value_name("DURATION"),
       "read only this much of a sentry: source before now (1h, 30m): each run costs one "
       "window, and the tests count only events newer than the last run's either way")
      ("fixed-sample", po::bool_switch(),
       "judge each run on its own interval, as check does, instead of the anytime-valid tests "
       "over every run (which keep false alarms under alpha however often the job runs)");
  // clang-format on
  return WithSources(std::move(description));
}

int Alert(const po::variables_map& vm, CliEnv& env) {
  AlertOptions options;
  options.candidate = Required(vm, "candidate", "--candidate SRC");
  options.state_path = Required(vm, "state", "--state FILE");
  if (vm.count("webhook")) options.webhook = vm["webhook"].as<std::string>();
  options.times.remind_after =
      ParseDuration("--remind-after", vm["remind-after"].as<std::string>());
  options.times.no_data_after =
      ParseDuration("--no-data-after", vm["no-data-after"].as<std::string>());
  options.fresh_state = vm["fresh-state"].as<bool>();
  options.lock_wait = ParseDuration("--lock-wait", vm["lock-wait"].as<std::string>());
  options.fixed_sample = vm["fixed-sample"].as<bool>();
  options.dry_run = vm["dry-run"].as<bool>();
  if (vm.count("report-url")) options.report_url = vm["report-url"].as<std::string>();
  const std::string format = vm["webhook-format"].as<std::string>();
  const std::optional<reports::WebhookFormat> dialect =
      FromName(reports::kWebhookFormatNames, format);
  if (!dialect) {
    throw UsageError{"--webhook-format is json, slack, teams or discord, not '" + format + "'"};
  }
  options.webhook_format = *dialect;
  options.config = ReadConfigChoice(vm);
  options.sources = ReadSourceOptions(vm);
  if (vm.count("window")) {
    if (!options.sources.sentry.since.empty())
      throw UsageError{"--window reads the last DURATION; --since gives the range instead"};
    const std::chrono::seconds window = ParseDuration("--window", vm["window"].as<std::string>());
    if (window.count() == 0) throw UsageError{"--window must be longer than 0"};
    options.sources.sentry.since = std::to_string(window.count()) + "s";
  }
  return RunAlert(options, env);
}

// One row per command, as ninja's tool table: the usage text and the command list in
// --help are made from it, and RunCli() finds commands in it.
struct Command {
  std::string_view name;
  std::string_view summary;  // one line for the command list
  std::string_view usage;    // the head of `perfgate <command> --help`
  po::options_description (*options)();
  std::initializer_list<const char*> positionals;  // in order; parsed, not listed in --help
  int (*run)(const po::variables_map&, CliEnv&);
  std::string_view exit_codes;    // the end of its --help
  bool many_positionals = false;  // the last positional repeats (validate FILE...)
  bool takes_command = false;     // what follows -- is a command to run ("command" in vm)
};

po::options_description ExplainDescription() {
  po::options_description inputs("Inputs");
  // clang-format off
  inputs.add_options()
      ("transaction,t", po::value<std::vector<std::string>>()->value_name("NAME"),
       "explain this transaction, whatever its verdict (repeatable); default: every one whose "
       "duration rule did not pass");
  // clang-format on
  AddSideOptions(inputs);
  AddConfigOption(inputs);
  po::options_description all;
  all.add(inputs).add(SourceOptionsDescription());
  return all;
}

int Explain(const po::variables_map& vm, CliEnv& env) {
  ExplainCommandOptions options;
  ReadGateSources(vm, "explain", options.gate);
  options.gate.config = ReadConfigChoice(vm);
  options.gate.sources = ReadSourceOptions(vm);
  if (vm.count("transaction"))
    options.transactions = vm["transaction"].as<std::vector<std::string>>();
  return RunExplain(options, env);
}

po::options_description InitDescription() {
  po::options_description description("Proposing");
  // clang-format off
  description.add_options()
      ("from", po::value<std::string>()->value_name("SRC"),
       "the release to propose limits from: a file, - for standard input, or sentry:RELEASE "
       "(required)")
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write the proposal here (default: print it)")
      ("force", po::bool_switch(), "replace the --output file when it exists");
  // clang-format on
  return WithSources(std::move(description));
}

int Init(const po::variables_map& vm, CliEnv& env) {
  InitOptions options;
  options.from = Required(vm, "from", "--from SRC");
  if (vm.count("output")) options.output = vm["output"].as<std::string>();
  options.force = vm["force"].as<bool>();
  options.config = ReadConfigChoice(vm, false);
  options.sources = ReadSourceOptions(vm);
  return RunInit(options, env);
}

int Validate(const po::variables_map& vm, CliEnv& env) {
  ValidateOptions options;
  if (vm.count("file")) options.configs = vm["file"].as<std::vector<std::string>>();
  if (!vm["config"].defaulted() || options.configs.empty())
    options.configs.push_back(vm["config"].as<std::string>());
  return RunValidate(options, env);
}

po::options_description RecordDescription() {
  po::options_description description("Recording");
  // clang-format off
  description.add_options()
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write what was received here, as OTLP/JSON lines (*.otlp.jsonl; required)")
      ("listen", po::value<std::string>()->value_name("HOST:PORT")->default_value("127.0.0.1:4318"),
       "where to receive; 127.0.0.1:0 picks a free port (printed, and given to the command)")
      ("grace", po::value<std::string>()->value_name("DURATION")->default_value("5s"),
       "after the command ends, wait at most this long for the SDKs' last exports (less once "
       "they are quiet for 0.5 s)")
      ("verbose,v", po::bool_switch(), "a line per request received");
  // clang-format on
  return description;
}

int Record(const po::variables_map& vm, CliEnv& env) {
  RecordOptions options;
  options.output = Required(vm, "output", "-o FILE");
  const std::string listen = vm["listen"].as<std::string>();
  const std::size_t colon = listen.rfind(':');
  unsigned port = 0;
  bool valid = colon != std::string::npos && colon > 0;
  if (valid) {
    const char* digits = listen.data() + colon + 1;
    const char* const last = listen.data() + listen.size();
    const auto [end, error] = std::from_chars(digits, last, port);
    valid = error == std::errc() && end == last && port <= 65535;
  }
  if (!valid) {
    throw UsageError{"--listen must be HOST:PORT (127.0.0.1:4318, [::1]:4318), not '" + listen +
                     "'"};
  }
  options.address = listen.substr(0, colon);
  if (options.address.size() > 2 && options.address.front() == '[' && options.address.back() == ']')
    options.address = options.address.substr(1, options.address.size() - 2);
  options.port = static_cast<unsigned short>(port);
  const std::optional<double> grace = ParseDurationMs(vm["grace"].as<std::string>(), "");
  if (!grace || *grace < 0)
    throw UsageError{"--grace must be a duration (" + std::string(kDurationUnits) + ")"};
  options.grace = std::chrono::milliseconds(static_cast<long long>(*grace));
  options.verbose = vm["verbose"].as<bool>();
  if (vm.count("command")) options.command = vm["command"].as<std::vector<std::string>>();
  return RunRecord(options, env);
}

const Command kCommands[] = {
    {"check",
     "judge a candidate release against a baseline and thresholds.yaml; exits with the verdict",
     "Usage: perfgate check --baseline SRC --candidate SRC [options]\n\n"
     "Judges the candidate release against the baseline under the rules of the config,\n"
     "prints the verdict with the numbers behind it, writes the reports asked for, and\n"
     "exits with the verdict.",
     [] { return GateOptionsDescription(false); },
     {},
     [](const po::variables_map& vm, CliEnv& env) {
       return RunCheck(ReadGateOptions(vm, false), env);
     },
     kGateExitCodes},
    {"compare",
     "the same evaluation, printed as a table for a local comparison",
     "Usage: perfgate compare BASELINE CANDIDATE [options]\n\n"
     "The evaluation of 'check', printed as a table of every transaction and rule.",
     [] { return GateOptionsDescription(true); },
     {"baseline", "candidate"},
     [](const po::variables_map& vm, CliEnv& env) {
       return RunCompare(ReadGateOptions(vm, true), env);
     },
     kGateExitCodes},
    {"explain",
     "why transactions got slower, from their spans: every cause in a table",
     "Usage: perfgate explain BASELINE CANDIDATE [--transaction NAME]... [options]\n\n"
     "Judges like 'compare', then explains each transaction named (or each whose duration\n"
     "rule did not pass) from its spans: the change along the critical path by span op and\n"
     "span group (or by op family, from Sentry's ops breakdown), with intervals, shares and\n"
     "the traces to open.",
     ExplainDescription,
     {"baseline", "candidate"},
     Explain,
     kExplainExitCodes},
    {"stats",
     "count, error rate, mean and percentiles of one source, per transaction",
     "Usage: perfgate stats SRC [options]\n\n"
     "SRC is a file, - for standard input, or sentry:RELEASE.\n"
     "Summarises one source per transaction and overall: events, error rate (Sentry's\n"
     "failure_rate()), mean, min, percentiles and max.",
     StatsDescription,
     {"source"},
     Stats,
     kReadExitCodes},
    {"trend",
     "each transaction's p50, p95 and error rate over the last releases in Sentry",
     "Usage: perfgate trend [--releases 10] [--release RELEASE] [options]\n\n"
     "Shows each transaction's p50, p95 and error rate release by release, with their\n"
     "intervals, for the last releases (by first event) up to the newest: a table, and\n"
     "Markdown, JSON or an HTML page with charts. Each release is read as check reads it\n"
     "(mode auto: raw when it fits the fetch budget, else zoomed histograms; cached).",
     TrendDescription,
     {},
     Trend,
     kReadExitCodes},
    {"fetch",
     "save one release's transactions from Sentry as NDJSON",
     "Usage: perfgate fetch --release RELEASE -o FILE [options]\n\n"
     "Fetches one release's transactions from Sentry and saves them as NDJSON, for a later\n"
     "perfgate check or compare on files.",
     FetchDescription,
     {},
     Fetch,
     kReadExitCodes},
    {"watch",
     "a canary gate: look at both releases until a regression, or its absence, is proven",
     "Usage: perfgate watch --baseline SRC --candidate SRC [--every 5m] [--for 1h] [options]\n\n"
     "Looks at both releases every --every, judging the rules by anytime-valid tests that\n"
     "may be looked at as often as wanted: stops with exit 1 as soon as a regression is\n"
     "proven, with exit 0 as soon as its absence is (every fail rule cleared), and gives the\n"
     "verdict after --for otherwise. A line per look; the reports at the end.",
     WatchDescription,
     {},
     Watch,
     kGateExitCodes},
    {"alert",
     "judge one release on a schedule; notify a webhook when a breach starts or ends",
     "Usage: perfgate alert --candidate SRC --state FILE [--webhook URL] [options]\n\n"
     "Judges the absolute rules of the config on one release, compares with the last run,\n"
     "and notifies the webhook only of new breaches, reminders and resolved ones. Rules on a\n"
     "percentile or the error rate are judged by anytime-valid tests over every run: a\n"
     "breach is announced once proven, whatever the number of runs, and ends once its end\n"
     "is proven.",
     AlertDescription,
     {},
     Alert,
     kAlertExitCodes},
    {"init",
     "propose a thresholds.yaml from an observed release, commented line by line",
     "Usage: perfgate init --from SRC [-o thresholds.yaml] [options]\n\n"
     "Judges one release as 'alert' would and proposes limits just above what it showed:\n"
     "a duration's 95 % interval's upper end plus 20 %, twice an error rate (at least 1 %),\n"
     "rounded up to a friendly number; one general limit per metric, a groups: entry for\n"
     "each transaction far above it, and perfgate's relative rules. Every line says where\n"
     "its number came from.",
     InitDescription,
     {},
     Init,
     kReadExitCodes},
    {"validate",
     "check thresholds.yaml (or the files named) without data, e.g. in a pre-commit hook",
     "Usage: perfgate validate [FILE]... [--config FILE]\n\n"
     "Reads each config as 'check' would, with the same messages, and says what it defines.\n"
     "Without files, the --config file (thresholds.yaml).",
     [] {
       po::options_description description("Inputs");
       AddConfigOption(description);
       return description;
     },
     {"file"},
     Validate,
     kValidateExitCodes,
     true},
    {"record",
     "receive the traces an app's OpenTelemetry or Sentry SDK sends, e.g. under its tests",
     "Usage: perfgate record -o FILE.otlp.jsonl [--listen HOST:PORT] [-- COMMAND ARGS...]\n\n"
     "Listens on loopback for OTLP/HTTP traces (POST /v1/traces, protobuf or JSON, gzip or\n"
     "not) and Sentry envelopes (POST /api/PROJECT/envelope/: transactions and streamed\n"
     "spans), and writes them to FILE as OTLP/JSON lines, which check and compare read.\n"
     "With a command, runs it with OTEL_EXPORTER_OTLP_ENDPOINT (and _TRACES_ENDPOINT, and\n"
     "OTEL_EXPORTER_OTLP_PROTOCOL unless set) and SENTRY_DSN pointing here, waits for it\n"
     "and for the SDKs' last exports, then writes FILE; without one, records until SIGINT\n"
     "or SIGTERM. FILE appears whole when recording stops, never half written.",
     RecordDescription,
     {},
     Record,
     "Exit codes: 0 recorded, the command's own status when it failed (the recording is\n"
     "still written), 2 usage error or nothing recorded.\n",
     false,
     true},
};

const Command* FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// `perfgate --help`: the command list from the table.
std::string Usage() {
  std::string usage =
      "perfgate: a performance-regression gate for CI\n\nUsage: perfgate <command> "
      "[options]\n\nCommands:\n";
  for (const Command& command : kCommands) {
    usage += "  " + std::string(command.name) + std::string(10 - command.name.size(), ' ') +
             std::string(command.summary) + "\n";
  }
  return usage + "\nRun 'perfgate <command> --help' for a command's options.\n\n" +
         std::string(kExitCodes);
}

int Dispatch(const Command& command, std::vector<std::string> args, CliEnv& env) {
  po::variables_map vm;
  std::vector<std::string> wrapped;  // after --, for a command that runs one
  if (command.takes_command) {
    auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
      wrapped.assign(dashes + 1, args.end());
      args.erase(dashes, args.end());
      if (wrapped.empty()) throw UsageError{"-- must be followed by a command to run"};
    }
  }
  po::positional_options_description positional;
  po::options_description hidden;
  if (command.many_positionals) {
    positional.add(*(command.positionals.end() - 1), -1);
    hidden.add_options()(*(command.positionals.end() - 1), po::value<std::vector<std::string>>(),
                         "");
  } else {
    for (const char* name : command.positionals) {
      positional.add(name, 1);
      hidden.add_options()(name, po::value<std::string>(), "");
    }
  }
  try {
    if (Parse(args, command.options(), hidden, positional, vm, command.usage, command.exit_codes,
              env))
      return kExitPass;
  } catch (const po::too_many_positional_options_error&) {
    if (command.name == "check") {
      throw UsageError{
          "check takes its sources as --baseline SRC --candidate SRC, not as bare arguments "
          "('perfgate compare BASELINE CANDIDATE' takes them so)"};
    }
    throw;
  }
  if (!wrapped.empty()) vm.insert({"command", po::variable_value(wrapped, false)});
  return command.run(vm, env);
}

}  // namespace

int RunCli(const std::vector<std::string>& args, CliEnv& env) {
  if (args.empty()) {
    env.err << Usage();
    return kExitError;
  }
  const std::string& name = args[0];
  if (name == "--help" || name == "-h" || name == "help") {
    env.out << Usage();
    return kExitPass;
  }
  if (name == "--version") {
    env.out << "perfgate " << kPerfgateVersion << "\n";
    return kExitPass;
  }
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    std::vector<std::string_view> names;
    for (const Command& known : kCommands) names.push_back(known.name);
    std::string list;
    for (std::string_view known : names) list += (list.empty() ? "" : ", ") + std::string(known);
    env.err << "perfgate: error: unknown command '" << name << "'" << DidYouMean(name, names)
            << " (the commands are " << list << ")\n";
    return kExitError;
  }
  try {
    return Dispatch(*command, {args.begin() + 1, args.end()}, env);
  } catch (const UsageError& error) {
    env.err << "perfgate: error: " << error.message << "\n";
  } catch (const po::unknown_option& error) {
    // A misspelt option gets the suggestion a misspelt command gets.
    std::vector<std::string> known;
    const po::options_description options = command->options();
    for (const auto& option : options.options()) known.push_back("--" + option->long_name());
    const std::vector<std::string_view> names(known.begin(), known.end());
    env.err << "perfgate: error: " << name << ": " << error.what()
            << DidYouMean(error.get_option_name(), names) << "\n";
  } catch (const po::error& error) {
    env.err << "perfgate: error: " << name << ": " << error.what() << "\n";
  }
  env.err << "run 'perfgate " << name << " --help' for its options\n";
  return kExitError;
}

}  // namespace perfgate::cli

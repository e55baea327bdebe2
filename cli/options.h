// The parsed options of each command: what run_cli.cc makes of the arguments and the
// commands (commands.h) and source loading (sources.h) read. Plain data.
#ifndef PERFGATE_CLI_OPTIONS_H_
#define PERFGATE_CLI_OPTIONS_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert_state.h"
#include "core/sentry_selection.h"
#include "fetch/files/sample_reader.h"
#include "reports/alert_payload.h"
#include "stats/quantile.h"

namespace perfgate::cli {

// Which thresholds.yaml to read.
struct ConfigChoice {
  std::string path = "thresholds.yaml";
  bool given = false;  // false: a missing default file means built-in defaults
  bool judges = true;  // the command judges by its rules: a missing default file is noted
};

// Command-line settings for sentry: sources; each overrides source.sentry in the config.
struct SentryFlags {
  std::optional<std::string> url;
  std::optional<std::string> organization;
  std::vector<std::string> projects;
  std::optional<std::string> environment;
  std::optional<SentryDataset> dataset;
  std::optional<SentryMode> mode;
  std::optional<std::size_t> max_samples;
  std::string since;  // ISO 8601; with `until`, replaces the release's own time range
  std::string until;
  std::string token_file;      // read the token from this file instead of the environment
  bool refresh = false;        // ignore the cache (and rewrite it)
  bool verbose = false;        // log every request to stderr (the token redacted)
  bool allow_partial = false;  // judge with the windows that could be fetched, noted in reports
  std::string cache_dir;       // empty: the user's cache folder (SourceLoader::CacheDir)
};

// How sources are read, shared by every command that reads samples.
struct SourceOptions {
  std::optional<fetch::InputFormat> format;  // nullopt: from the file extension
  fetch::ReadOptions read;
  SentryFlags sentry;
};

struct GateOptions {
  ConfigChoice config;
  std::string baseline;
  std::string candidate;
  // Each side's release in an OTLP file holding several (service.version); empty: all.
  std::string baseline_release;
  std::string candidate_release;
  // Each side's format, over sources.format (--baseline-format, --candidate-format).
  std::optional<fetch::InputFormat> baseline_format;
  std::optional<fetch::InputFormat> candidate_format;
  // Each side's duration unit, over sources.read.duration_unit. Either one given also says
  // the units are meant: sides a power of 1000 apart are then judged, not refused.
  std::optional<fetch::DurationUnit> baseline_duration_unit;
  std::optional<fetch::DurationUnit> candidate_duration_unit;
  SourceOptions sources;
  std::optional<std::chrono::year_month_day> today;  // overrides CliEnv::today
  std::string markdown_path;                         // empty: no Markdown file
  std::string json_path;                             // empty: no JSON file
  std::string junit_path;                            // empty: no JUnit XML file
  std::string html_path;                             // empty: no HTML page
};

struct WatchOptions {
  GateOptions gate;                  // the sources, config and reports
  std::chrono::seconds every{300};   // between looks
  std::chrono::seconds limit{3600};  // --for: when the watch gives its verdict
};

struct ExplainCommandOptions {
  GateOptions gate;                       // the sources and config (no report files)
  std::vector<std::string> transactions;  // empty: every one with a duration rule not passed
};

struct StatsOptions {
  ConfigChoice config;
  std::string source;
  SourceOptions sources;
  stats::QuantileMethod method = stats::QuantileMethod::kLinear;
  std::vector<double> percentiles = {50, 75, 90, 95, 99};  // in percent
  bool json = false;
};

struct TrendOptions {
  ConfigChoice config;
  std::string release;               // the newest release of the trend; empty: the latest
  int releases = 10;                 // how many, the newest last
  std::size_t top = 20;              // the busiest transactions shown
  std::string markdown, json, html;  // files to write; empty: none
  SourceOptions sources;
};

struct FetchOptions {
  ConfigChoice config;
  std::string release;  // a version, or "latest"
  std::string output;   // the NDJSON file to write
  SourceOptions sources;
};

struct AlertOptions {
  ConfigChoice config;
  std::string candidate;
  std::string state_path;     // where the last run's state is kept
  std::string webhook;        // empty: changes are only printed
  alert::AlertTimes times;    // reminders, and when a rule unseen is closed
  bool fresh_state = false;   // ignore a state file that is empty or not perfgate's
  bool fixed_sample = false;  // each run's own interval, not the anytime-valid tests
  reports::WebhookFormat webhook_format = reports::WebhookFormat::kJson;
  std::string report_url;              // linked from every notification; empty: none
  bool dry_run = false;                // print the payload; send nothing, keep the state
  std::chrono::seconds lock_wait{60};  // for another run holding the state's lock
  SourceOptions sources;
};

struct ValidateOptions {
  std::vector<std::string> configs;  // each is checked; at least one
};

struct InitOptions {
  ConfigChoice config;  // for source.sentry only
  std::string from;     // the release to propose limits from
  std::string output;   // empty: standard output
  bool force = false;   // replace an existing output file
  SourceOptions sources;
};

struct RecordOptions {
  std::string output;                 // *.otlp.jsonl
  std::string address = "127.0.0.1";  // --listen HOST:PORT
  unsigned short port = 4318;
  std::vector<std::string> command;       // after --: run it with the SDKs pointed here
  std::chrono::milliseconds grace{5000};  // at most this long for the last exports
  bool verbose = false;                   // a line per request received
};

}  // namespace perfgate::cli

#endif  // PERFGATE_CLI_OPTIONS_H_

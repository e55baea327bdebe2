#include "cli/commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "alert/alert_state.h"
#include "alert/anytime.h"
#include "cli/sources.h"
#include "core/number_format.h"
#include "core/spelling.h"
#include "explain/explanations.h"
#include "fetch/http/webhook.h"
#include "fetch/sentry/release_cache.h"
#include "fetch/sentry/sentry_client.h"
#include "gate/evaluate.h"
#include "gate/propose.h"
#include "gate/sequential.h"
#include "gate/source_summary.h"
#include "gate/thresholds_parser.h"
#include "gate/trend.h"
#include "gate/unit_check.h"
#include "reports/alert_payload.h"
#include "reports/github_actions.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/stats_report.h"
#include "reports/summary_text.h"
#include "reports/terminal_report.h"
#include "reports/trend_report.h"

namespace perfgate::cli {
namespace {

// The config's explain: settings; without a trace_url, a Sentry source's trace view.
explain::ExplainOptions ExplainOptionsFor(const GateOptions& gate, const gate::Thresholds& config) {
  explain::ExplainOptions options;
  options.trace_url = config.explain.trace_url;
  options.exemplars = static_cast<std::size_t>(config.explain.exemplars);
  if (options.trace_url.empty() &&
      (SentryReleaseOf(gate.baseline) || SentryReleaseOf(gate.candidate))) {
    Result<SentrySelection> selection = SentrySelectionFor(gate.sources, config);
    if (selection.ok())
      options.trace_url = fetch::SentryTraceUrl(selection->url, selection->organization);
  }
  return options;
}

// The most read of an alert state: an entry per transaction and rule is a few hundred bytes,
// and a source holds at most fetch::kMaxGroups transactions.
constexpr std::size_t kMaxStateBytes = std::size_t{256} << 20;

// What a gate reads, in order: config, baseline, candidate; and where it read them from,
// for the Sentry details explanations ask for later in the run.
struct Inputs {
  gate::Thresholds config;
  SourceLoader sources;
  SampleSet baseline;
  SampleSet candidate;
  gate::DriftBaselines drifts;  // for max_drift rules
};

// The releases each max_drift rule's span reaches back over (Rule::drift_releases): the
// oldest of them, its events fetched as any release's; each of them by Sentry's aggregates
// (one request each), for the note that says where a creep came from. None when the
// candidate is not a Sentry release, or Sentry knows fewer releases before it (said; the
// rule then has insufficient data).
Result<gate::DriftBaselines> LoadDrifts(const gate::Thresholds& config,
                                        const std::string& candidate, SourceLoader& sources,
                                        const SourceOptions& options, CliEnv& env) {
  std::set<int> spans;
  for (const gate::Rule* rule : gate::AllRules(config))
    if (rule->drift_releases > 0) spans.insert(rule->drift_releases);
  gate::DriftBaselines drifts;
  if (spans.empty() || !SentryReleaseOf(candidate)) return drifts;
  Result<fetch::SentryClient::Previous> found =
      sources.PreviousReleases(candidate, *spans.rbegin(), options);
  if (!found.ok()) return found.error();
  const std::vector<std::string>& releases = found->releases;  // newest first
  SourceOptions aggregated = options;
  aggregated.sentry.mode = SentryMode::kAggregate;
  for (int span : spans) {
    if (releases.size() < static_cast<std::size_t>(span)) {
      env.err << "perfgate: warning: max_drift over " << span << " releases: Sentry knows "
              << releases.size() << " before " << candidate << "\n";
      continue;
    }
    gate::DriftBaseline& drift = drifts[span];
    drift.oldest_release = releases[static_cast<std::size_t>(span) - 1];
    Result<SampleSet> oldest = sources.Load("sentry:" + drift.oldest_release, options);
    if (!oldest.ok()) return oldest.error();
    drift.oldest = std::move(oldest).value();
    for (int i = span - 1; i >= 0; --i) {
      const std::string& release = releases[static_cast<std::size_t>(i)];
      Result<SampleSet> step = sources.Load("sentry:" + release, aggregated);
      if (!step.ok()) return step.error();
      drift.steps.emplace_back(release, std::move(step).value());
    }
  }
  return drifts;
}

// Sides that look swapped: the candidate's events all older than the baseline's, or both
// sides naming the same single release. Said, not refused: a backport can be older.
void WarnAboutOrder(const SourceOrigin& baseline, const SourceOrigin& candidate, CliEnv& env) {
  if (baseline.first_seconds && candidate.last_seconds &&
      *candidate.last_seconds < *baseline.first_seconds) {
    env.err << "perfgate: warning: every candidate event (" << reports::OriginText(candidate)
            << ") is older than every baseline event (" << reports::OriginText(baseline)
            << "): are the baseline and the candidate the wrong way round?\n";
  }
  if (baseline.releases.size() == 1 && candidate.releases.size() == 1 &&
      baseline.releases[0].first == candidate.releases[0].first) {
    env.err << "perfgate: warning: both sides are release " << baseline.releases[0].first << "\n";
  }
}

// Sides a power of 1000 apart: which one looks like which unit, and the flags that say so.
Error UnitMismatchError(const gate::UnitMismatch& mismatch, const SampleSet& baseline,
                        const SampleSet& candidate) {
  const int power = std::abs(mismatch.candidate_to_baseline_log10);
  const std::string factor = power == 3 ? "1000" : "1,000,000";
  const std::string side = mismatch.candidate_looks_wrong ? "candidate" : "baseline";
  const std::string other = mismatch.candidate_looks_wrong ? "baseline" : "candidate";
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.3g", mismatch.median_ratio);
  std::string message = "the candidate's durations (" + candidate.source + ") are about " + factor +
                        "x " + (mismatch.candidate_to_baseline_log10 < 0 ? "smaller" : "larger") +
                        " than the baseline's (" + baseline.source + ") in " +
                        std::to_string(mismatch.agreeing) + " of " +
                        std::to_string(mismatch.transactions) +
                        " transactions they share (median ratio " + ratio + "): ";
  if (mismatch.odd_unit.empty()) {
    message +=
        "one side is not in milliseconds; say each side's unit with "
        "--baseline-duration-unit and --candidate-duration-unit (s, ms, us, ns)";
  } else {
    const std::string name = mismatch.odd_unit == "s"    ? "seconds"
                             : mismatch.odd_unit == "us" ? "microseconds"
                                                         : "nanoseconds";
    message += "the " + side + " looks like " + name + " where the " + other +
               " is milliseconds; say so with --" + side + "-duration-unit " + mismatch.odd_unit +
               ", or, if the change is real, confirm the units with --" + side +
               "-duration-unit ms";
  }
  return MakeError(ErrorKind::kInput, message);
}

Result<Inputs> LoadInputs(const GateOptions& options, CliEnv& env) {
  Result<gate::Thresholds> config = LoadConfig(options.config, env);
  if (!config.ok()) return config.error();
  if (options.baseline == "-" && options.candidate == "-") {
    return MakeError(ErrorKind::kUsage,
                     "standard input (-) can be read only once: save one side (or the OTLP "
                     "file holding both) to a file");
  }
  // sentry:latest is named before anything is fetched, so a candidate that is itself the
  // newest release is never judged against itself (every change zero: a silent pass).
  SourceLoader sources(*config, env);
  // The candidate first: sentry:previous as the baseline is the release before it.
  Result<std::string> candidate_source = sources.Resolve(options.candidate, options.sources);
  if (!candidate_source.ok()) return candidate_source.error();
  Result<std::string> baseline_source =
      sources.Resolve(options.baseline, options.sources, *candidate_source);
  if (!baseline_source.ok()) return baseline_source.error();
  if (const std::optional<std::string> release = SentryReleaseOf(*baseline_source);
      release && *baseline_source == *candidate_source) {
    return MakeError(ErrorKind::kUsage,
                     "the baseline (" + options.baseline + ") and the candidate (" +
                         options.candidate + ") are both release " + *release +
                         ": a release compared with itself always passes; name the baseline "
                         "release (e.g. sentry:<the base commit's release>)");
  }
  if (options.baseline == options.candidate &&
      options.baseline_release == options.candidate_release) {
    env.err << "perfgate: warning: the baseline and the candidate are the same, "
            << options.baseline << ": every change will be zero\n";
  }
  auto load = [&](const std::string& source, const std::string& release,
                  const std::optional<fetch::InputFormat>& format,
                  const std::optional<fetch::DurationUnit>& unit) {
    SourceOptions side = options.sources;
    side.read.release = release;
    if (format) side.format = format;
    if (unit) side.read.duration_unit = *unit;
    return sources.Load(source, side);
  };
  Result<SampleSet> baseline = load(*baseline_source, options.baseline_release,
                                    options.baseline_format, options.baseline_duration_unit);
  if (!baseline.ok()) return baseline.error();
  Result<SampleSet> candidate = load(*candidate_source, options.candidate_release,
                                     options.candidate_format, options.candidate_duration_unit);
  if (!candidate.ok()) return candidate.error();
  if (!options.baseline_duration_unit && !options.candidate_duration_unit) {
    if (std::optional<gate::UnitMismatch> mismatch =
            gate::FindUnitMismatch(*baseline, *candidate)) {
      return UnitMismatchError(*mismatch, *baseline, *candidate);
    }
  }
  if (options.baseline != options.candidate)
    WarnAboutOrder(baseline->origin, candidate->origin, env);
  Result<gate::DriftBaselines> drifts =
      LoadDrifts(*config, *candidate_source, sources, options.sources, env);
  if (!drifts.ok()) return drifts.error();
  return Inputs{std::move(config).value(), std::move(sources), std::move(baseline).value(),
                std::move(candidate).value(), std::move(drifts).value()};
}

// `why`, an explanation of `name`, with what Sentry adds to it: the details it asks for
// (span groups, exemplars' trace trees), fetched or taken from the cache; nullopt for an
// explanation by span group without them (said on stderr).
std::optional<explain::Explanation> WithSentryDetail(const std::string& name,
                                                     explain::Explanation why, Inputs& inputs,
                                                     const SourceOptions& options, CliEnv& env) {
  const explain::DetailsWanted wanted = explain::WantedDetails(why);
  if (wanted.Empty()) return why;
  const bool by_groups = why.judged.method == explain::Method::kSpanGroups;
  const std::string_view without =
      by_groups ? "it is not explained" : "its explanation names op families only";
  explain::SentryDetails details;
  for (const explain::DetailsWanted::Trace& trace : wanted.traces) {
    const SampleSet& side = trace.baseline ? inputs.baseline : inputs.candidate;
    if (std::optional<SpanTree> tree =
            inputs.sources.TraceTree(side, trace.trace_id, trace.event_id, options))
      details.trees.emplace(trace.event_id, std::move(*tree));
  }
  if (wanted.span_groups) {
    details.baseline_groups = inputs.sources.SpanGroups(inputs.baseline, name, options, without);
    if (details.baseline_groups)
      details.candidate_groups =
          inputs.sources.SpanGroups(inputs.candidate, name, options, without);
  }
  std::optional<explain::Explanation> explained =
      explain::WithSentryDetails(std::move(why), details);
  if (!explained && details.baseline_groups && details.candidate_groups) {
    const SampleSet& none =
        details.baseline_groups->transactions > 0 ? inputs.candidate : inputs.baseline;
    env.err << "perfgate: warning: " << name
            << " is not explained: Sentry's spans dataset holds none of its transactions in "
            << none.source << "\n";
  }
  return explained;
}

// A limit without a unit that every value judged is hundreds of times above.
Error BareLimitError(const gate::BareLimitSuspect& suspect) {
  const std::string metric = suspect.rule.metric.name;
  const std::string written = FormatNumber(suspect.rule.limit);
  return MakeError(ErrorKind::kConfig,
                   suspect.rule.origin.ToString() + ": " + metric + " max: " + written +
                       " is read as " + written + " ms, and every " + metric +
                       " it judged is over it (" + std::to_string(suspect.judged) +
                       " transactions, their median " + FormatMs(suspect.median_ms) +
                       "): did you mean " + written + "s? Write the unit: " + written + "s, or " +
                       written + "ms if milliseconds are meant");
}

// The explanations of what did not pass in `judged`, with what Sentry adds to them.
void ExplainWhatDidNotPass(const GateOptions& options, Inputs& inputs,
                           explain::ExplainedResult& judged, CliEnv& env) {
  judged.explanations = explain::ExplainNotPassed(judged.result, inputs.baseline, inputs.candidate,
                                                  ExplainOptionsFor(options, inputs.config));
  for (auto it = judged.explanations.begin(); it != judged.explanations.end();) {
    std::optional<explain::Explanation> why =
        WithSentryDetail(it->first, std::move(it->second), inputs, options.sources, env);
    if (why) {
      it->second = std::move(*why);
      ++it;
    } else {
      it = judged.explanations.erase(it);
    }
  }
}

// The one orchestration that does I/O, in order: the inputs, evaluation, the explanations
// of what did not pass.
Result<explain::ExplainedResult> LoadAndEvaluate(const GateOptions& options, CliEnv& env) {
  Result<Inputs> inputs = LoadInputs(options, env);
  if (!inputs.ok()) return inputs.error();
  explain::ExplainedResult judged{
      gate::Evaluate(inputs->config, inputs->baseline, inputs->candidate,
                     options.today.value_or(env.Today()), inputs->drifts),
      {}};
  if (std::optional<gate::BareLimitSuspect> suspect = gate::FindBareLimitSuspect(judged.result))
    return BareLimitError(*suspect);
  ExplainWhatDidNotPass(options, *inputs, judged, env);
  return judged;
}

// Writes the requested report files as one set (see FileSystem::WriteFilesAtomic).
Status WriteReports(const GateOptions& options, const explain::ExplainedResult& report,
                    CliEnv& env) {
  const struct {
    const std::string& path;
    const char* name;
    std::string (*render)(const explain::ExplainedResult&);
  } kinds[] = {{options.markdown_path, "Markdown", reports::RenderMarkdown},
               {options.json_path, "JSON", reports::RenderJson},
               {options.html_path, "HTML", reports::RenderHtml},
               {options.junit_path, "JUnit", reports::RenderJunit}};
  std::vector<FileSystem::NewFile> files;
  for (const auto& kind : kinds) {
    if (kind.path.empty() || kind.path == "-") continue;
    if (Status folder = env.fs.MakeDirectories(ParentFolder(kind.path)); !folder.ok())
      return folder;
    files.push_back({kind.path, kind.render(report)});
  }
  Status written = env.fs.WriteFilesAtomic(files);
  if (!written.ok()) return written;
  for (const auto& kind : kinds) {
    if (kind.path == "-") {
      env.out << kind.render(report);  // "-": standard output, after the verdict
    } else if (!kind.path.empty()) {
      env.out << "perfgate: wrote the " << kind.name << " report to " << kind.path << "\n";
    }
  }
  return {};
}

// Adds `text` to the end of `path` (GitHub's step files are appended to by every step).
// Written as a whole new file and renamed, so a reader never sees half of it.
Status AppendToFile(FileSystem& fs, const std::string& path, const std::string& text) {
  std::string contents;
  if (fs.Exists(path)) {
    Result<std::string> existing = fs.ReadFile(path);
    if (!existing.ok()) return existing.error();
    contents = std::move(existing).value();
  }
  return fs.WriteFileAtomic(path, contents + text);
}

// Under GitHub Actions: annotations on stdout (where the runner reads workflow commands),
// the Markdown report added to the step summary, and the step outputs.
Status PublishToGitHub(const GateOptions& options, const explain::ExplainedResult& report,
                       CliEnv& env) {
  auto var = [&](const char* name) {
    auto found = env.vars.find(name);
    return found == env.vars.end() ? std::string() : found->second;
  };
  if (var("GITHUB_ACTIONS") != "true") return {};
  env.out << reports::RenderAnnotations(report);
  if (std::string summary = var("GITHUB_STEP_SUMMARY"); !summary.empty()) {
    Status appended = AppendToFile(env.fs, summary, reports::RenderMarkdown(report) + "\n");
    if (!appended.ok()) return appended;
  }
  if (std::string outputs = var("GITHUB_OUTPUT"); !outputs.empty()) {
    Status appended =
        AppendToFile(env.fs, outputs, reports::RenderStepOutputs(report, options.markdown_path));
    if (!appended.ok()) return appended;
  }
  return {};
}

reports::TerminalStyle StyleFor(const CliEnv& env) {
  return reports::TerminalStyle{env.out_is_terminal && !env.vars.contains("NO_COLOR")};
}

// What `check` and `compare` print on stdout: the same evaluation, two views.
enum class GateView {
  kVerdictSummary,  // check: the verdict and the sentences behind it
  kTable,           // compare: every transaction and rule in an aligned table
};

// Prints the verdict, writes the reports and returns the exit code.
int Conclude(const GateOptions& options, const explain::ExplainedResult& judged, CliEnv& env,
             GateView view) {
  env.out << (view == GateView::kTable ? reports::RenderTerminalTable(judged, StyleFor(env))
                                       : reports::RenderVerdictSummary(judged, StyleFor(env)));
  // A report that cannot be written is an error (2), but never hides a regression (1): the
  // verdict is already printed, and a gate must not pass or turn "broken" on a full disk.
  const int verdict = gate::ExitCodeFor(judged.result.outcome);
  auto failed = [&](const Error& error) {
    const int code = ReportError(error, env);
    if (verdict == kExitRegression) {
      env.err << "perfgate: the verdict stands: a regression (exit 1)\n";
      return verdict;
    }
    return code;
  };
  if (Status written = WriteReports(options, judged, env); !written.ok())
    return failed(written.error());
  if (Status published = PublishToGitHub(options, judged, env); !published.ok())
    return failed(published.error());
  return verdict;
}

int RunGate(const GateOptions& options, CliEnv& env, GateView view) {
  Result<explain::ExplainedResult> judged = LoadAndEvaluate(options, env);
  if (!judged.ok()) return ReportError(judged.error(), env);
  return Conclude(options, *judged, env, view);
}

// "45 s", "12 min", "2 h 05 min".
std::string ElapsedText(std::chrono::seconds elapsed) {
  const long long s = elapsed.count();
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%lld s", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%lld min", s / 60);
  } else {
    std::snprintf(text, sizeof text, "%lld h %02lld min", s / 3600, s / 60 % 60);
  }
  return text;
}

// One look of a watch, on one line.
std::string WatchLine(int look, std::chrono::seconds elapsed, const Inputs& inputs,
                      const gate::SequentialLook& judged) {
  std::string line =
      "perfgate: watch: look " + std::to_string(look) + " at " + ElapsedText(elapsed) +
      ": candidate " + std::to_string(inputs.candidate.TotalEvents()) + " events, baseline " +
      std::to_string(inputs.baseline.TotalEvents()) + "; " + std::to_string(judged.family) +
      " rules tested: " + std::to_string(judged.regressed) + " regressed, " +
      std::to_string(judged.cleared) + " cleared, " + std::to_string(judged.undecided) +
      " undecided";
  if (!judged.nearest.empty()) {
    line += " (nearest: " + judged.nearest + ", evidence " +
            FormatNumber(std::round(std::exp(std::min(judged.nearest_log_e, 700.0)) * 10) / 10) +
            (judged.nearest_toward_regression ? " of a regression" : " of none") + ", " +
            FormatNumber(std::round(std::exp(judged.log_needed))) + " needed)";
  }
  if (judged.unsequenced_fail_rules > 0) {
    line += "; " + std::to_string(judged.unsequenced_fail_rules) +
            " fail rules without a sequential test wait for the end";
  }
  return line + "\n";
}

}  // namespace

int ReportError(const Error& error, CliEnv& env) {
  env.err << "perfgate: error: " << error.message << "\n";
  return error.kind == ErrorKind::kUnavailable ? kExitUnavailable : kExitError;
}

int RunCheck(const GateOptions& options, CliEnv& env) {
  return RunGate(options, env, GateView::kVerdictSummary);
}

int RunCompare(const GateOptions& options, CliEnv& env) {
  return RunGate(options, env, GateView::kTable);
}

int RunExplain(const ExplainCommandOptions& options, CliEnv& env) {
  Result<Inputs> inputs = LoadInputs(options.gate, env);
  if (!inputs.ok()) return ReportError(inputs.error(), env);
  const gate::EvaluationResult result =
      gate::Evaluate(inputs->config, inputs->baseline, inputs->candidate,
                     options.gate.today.value_or(env.Today()), inputs->drifts);
  const explain::ExplainOptions explain_options = ExplainOptionsFor(options.gate, inputs->config);
  std::vector<std::pair<std::string, explain::Explanation>> shown;
  if (options.transactions.empty()) {
    for (auto& [name, why] :
         explain::ExplainNotPassed(result, inputs->baseline, inputs->candidate, explain_options))
      shown.emplace_back(name, std::move(why));
  }
  for (const std::string& name : options.transactions) {
    auto group = std::find_if(result.groups.begin(), result.groups.end(),
                              [&](const gate::GroupResult& g) { return g.name == name; });
    const GroupSamples* base = inputs->baseline.Find(name);
    const GroupSamples* cand = inputs->candidate.Find(name);
    if (group == result.groups.end() || base == nullptr || cand == nullptr) {
      std::vector<std::string_view> names;
      for (const gate::GroupResult& g : result.groups) names.push_back(g.name);
      return ReportError(
          MakeError(ErrorKind::kUsage, "explain: no transaction '" + name + "' in both releases" +
                                           DidYouMean(name, names)),
          env);
    }
    std::optional<explain::Explanation> why =
        explain::Explain(result, *group, *base, *cand, explain_options);
    if (!why) {
      auto has_spans = [](const GroupSamples& samples) {
        return std::any_of(samples.trees.begin(), samples.trees.end(), [](const SpanTree& tree) {
          return !tree.spans.empty() || !tree.op_times.empty();
        });
      };
      const std::string message =
          !has_spans(*base) || !has_spans(*cand)
              ? "has no spans in " +
                    (has_spans(*base) ? inputs->candidate.source : inputs->baseline.source) +
                    ": explanations need span trees (OpenTelemetry OTLP/JSON) or Sentry's ops "
                    "breakdown (raw mode, or files with spans.db, spans.http, ...)"
              : "has span trees in one release and only Sentry's ops breakdown in the other, "
                "which have no parts in common: give both releases the same kind of source";
      std::string text = "explain: '" + name + "' ";
      text += message;
      return ReportError(MakeError(ErrorKind::kUsage, text), env);
    }
    shown.emplace_back(name, std::move(*why));
  }
  std::vector<std::pair<std::string, explain::Explanation>> detailed;
  for (auto& [name, why] : shown) {
    std::optional<explain::Explanation> explained =
        WithSentryDetail(name, std::move(why), *inputs, options.gate.sources, env);
    if (explained) {
      detailed.emplace_back(name, std::move(*explained));
    } else if (std::find(options.transactions.begin(), options.transactions.end(), name) !=
               options.transactions.end()) {
      return ReportError(MakeError(ErrorKind::kUnavailable,
                                   "explain: '" + name +
                                       "' is known only as histogram bins or aggregates, without "
                                       "spans, and Sentry's span groups of it could not be had"),
                         env);
    }
  }
  shown = std::move(detailed);
  if (options.transactions.empty() && shown.empty()) {
    env.out << "perfgate: explain: no transaction has a duration rule that did not pass with "
               "spans on both sides; name one with --transaction to explain it anyway\n";
  }
  for (std::size_t i = 0; i < shown.size(); ++i) {
    env.out << (i == 0 ? "" : "\n")
            << reports::RenderExplanation(shown[i].first, shown[i].second, result.confidence);
  }
  return kExitPass;
}

int RunValidate(const ValidateOptions& options, CliEnv& env) {
  int code = kExitPass;
  for (const std::string& path : options.configs) {
    Result<gate::Thresholds> config = LoadConfig(ConfigChoice{path, true}, env);
    if (!config.ok()) {
      code = ReportError(config.error(), env);
      continue;
    }
    auto count = [](std::size_t n, const char* one, const char* many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    env.out << "perfgate: " << path << " is valid: " << count(config->rules.size(), "rule", "rules")
            << ", " << count(config->groups.size(), "group", "groups") << ", "
            << count(config->waivers.size(), "waiver", "waivers")
            << (config->sentry ? ", a Sentry source" : "") << "\n";
    for (const gate::Waiver& waiver : config->waivers) {
      if (waiver.until < env.Today()) {
        env.out << "  note: the waiver for '" << waiver.match << "' [" << waiver.origin.ToString()
                << "] expired on " << gate::DateText(waiver.until) << "\n";
      }
    }
  }
  return code;
}

int RunInit(const InitOptions& options, CliEnv& env) {
  if (!options.output.empty() && !options.force && env.fs.Exists(options.output)) {
    return ReportError(
        MakeError(ErrorKind::kUsage, options.output + " exists; --force replaces it, or "
                                                      "leave out -o to print the proposal"),
        env);
  }
  Result<gate::Thresholds> config = LoadConfig(options.config, env);
  if (!config.ok()) return ReportError(config.error(), env);
  Result<SampleSet> release = SourceLoader(*config, env).Load(options.from, options.sources);
  if (!release.ok()) return ReportError(release.error(), env);
  if (release->IsAggregated()) {
    return ReportError(MakeError(ErrorKind::kUsage,
                                 "init sets limits from intervals, which aggregate mode has "
                                 "not; use --mode raw or histogram"),
                       env);
  }
  SampleSet no_baseline;
  no_baseline.source = "(none)";
  const gate::EvaluationResult observed =
      gate::Evaluate(gate::ObservingThresholds(), no_baseline, *release, env.Today());
  gate::ProposalOptions proposal;
  proposal.command = "perfgate init --from " + options.from;
  const std::string text = gate::ProposeThresholds(observed, proposal);
  // Never hand out a config perfgate itself would refuse.
  if (Result<gate::Thresholds> valid = gate::ParseThresholds(text, "(proposal)"); !valid.ok()) {
    return ReportError(
        MakeError(ErrorKind::kInternal, "the proposal does not parse: " + valid.error().message),
        env);
  }
  if (options.output.empty()) {
    env.out << text;
    return kExitPass;
  }
  if (Status folder = env.fs.MakeDirectories(ParentFolder(options.output)); !folder.ok())
    return ReportError(folder.error(), env);
  if (Status written = env.fs.WriteFileAtomic(options.output, text); !written.ok())
    return ReportError(written.error(), env);
  env.out << "perfgate: wrote a proposed config to " << options.output
          << "; review it, then check with it: perfgate check --config " << options.output
          << " ...\n";
  return kExitPass;
}

int RunStats(const StatsOptions& options, CliEnv& env) {
  Result<gate::Thresholds> config = LoadConfig(options.config, env);
  if (!config.ok()) return ReportError(config.error(), env);
  Result<SampleSet> samples = SourceLoader(*config, env).Load(options.source, options.sources);
  if (!samples.ok()) return ReportError(samples.error(), env);
  if (samples->IsAggregated()) {
    return ReportError(
        MakeError(ErrorKind::kUsage,
                  "stats summarises events, and aggregate mode has none; use --mode raw"),
        env);
  }

  const gate::SourceSummary summary =
      gate::SummarizeSource(*samples, options.percentiles, options.method, *config);
  env.out << (options.json ? reports::RenderStatsJson(summary)
                           : reports::RenderStatsTable(summary));
  return kExitPass;
}

// The state of the last run: none when there is no file (the first run) or when a fresh
// start is asked for. A file that is empty (a cut cache restore, a full disk) or not
// perfgate's is refused: starting afresh from it would announce every open breach again.
Result<alert::AlertState> ReadAlertState(const AlertOptions& options, CliEnv& env) {
  if (options.fresh_state || !env.fs.Exists(options.state_path)) return alert::AlertState{};
  Result<std::string> text = env.fs.ReadRegularFile(options.state_path, kMaxStateBytes);
  if (!text.ok()) return text.error();
  Result<alert::AlertState> parsed = alert::ParseAlertState(*text, options.state_path);
  if (!parsed.ok()) {
    return MakeError(parsed.error().kind,
                     parsed.error().message +
                         "; --fresh-state starts afresh, announcing every open breach again");
  }
  return parsed;
}

int RunAlert(const AlertOptions& options, CliEnv& env) {
  if (!options.webhook.empty()) {
    if (Status valid = fetch::ValidateWebhookUrl(options.webhook); !valid.ok())
      return ReportError(valid.error(), env);
  }
  Result<gate::Thresholds> loaded = LoadConfig(options.config, env);
  if (!loaded.ok()) return ReportError(loaded.error(), env);
  // Only absolute limits: an alert judges one release, with no baseline to compare with.
  gate::Thresholds config = *loaded;
  auto absolute = [](std::vector<gate::Rule>& rules) {
    std::erase_if(rules, [](const gate::Rule& rule) { return gate::IsRelative(rule.kind); });
  };
  absolute(config.rules);
  bool any = !config.rules.empty();
  for (gate::GroupOverride& group : config.groups) {
    if (group.rules) absolute(*group.rules);
    any = any || (group.rules && !group.rules->empty());
  }
  if (!any) {
    return ReportError(
        MakeError(ErrorKind::kConfig, config.source_name + ": alert judges absolute rules (max), "
                                                           "and the config has none"),
        env);
  }
  // One run at a time per state (overlapping cron runs): from reading the state to replacing
  // it, or two runs would both announce the same news.
  if (Status folder = env.fs.MakeDirectories(ParentFolder(options.state_path)); !folder.ok())
    return ReportError(folder.error(), env);
  Result<std::unique_ptr<FileSystem::Lock>> lock =
      env.fs.LockFile(options.state_path + ".lock", options.lock_wait);
  if (!lock.ok()) {
    return ReportError(
        MakeError(lock.error().kind,
                  lock.error().message +
                      (lock.error().kind == ErrorKind::kUnavailable
                           ? ": another perfgate alert is using " + options.state_path +
                                 "; this run did nothing (--lock-wait waits longer)"
                           : std::string())),
        env);
  }
  Result<alert::AlertState> previous = ReadAlertState(options, env);
  if (!previous.ok()) return ReportError(previous.error(), env);
  // Each event's time, for the anytime-valid tests to count only what came since the last run.
  SourceOptions sources = options.sources;
  sources.read.keep_details = true;
  Result<SampleSet> candidate = SourceLoader(config, env).Load(options.candidate, sources);
  if (!candidate.ok()) return ReportError(candidate.error(), env);
  SampleSet no_baseline;
  no_baseline.source = "(none)";
  // No baseline, so nothing to explain: the result alone.
  explain::ExplainedResult judged{gate::Evaluate(config, no_baseline, *candidate, env.Today()), {}};
  gate::EvaluationResult& result = judged.result;
  // A limit that cannot be meant would open a breach on every transaction.
  if (std::optional<gate::BareLimitSuspect> suspect = gate::FindBareLimitSuspect(result))
    return ReportError(BareLimitError(*suspect), env);

  std::optional<alert::AnytimeLook> look;
  if (!options.fixed_sample)
    look = alert::JudgeAnytime(*previous, *candidate, 1 - result.confidence, result);
  const auto now = env.clock.Now();
  alert::AlertUpdate update = alert::UpdateAlerts(*previous, result, now, options.times);
  if (look) alert::KeepEvidence(*look, *previous, update.next);

  reports::AlertLinks links;
  links.report = options.report_url;
  if (!candidate->sentry_release.empty()) {
    if (Result<SentrySelection> selection = SentrySelectionFor(options.sources, config);
        selection.ok()) {
      links.release = fetch::SentryReleaseUrl(selection->url, selection->organization,
                                              candidate->sentry_release);
    }
  }
  const std::string payload =
      reports::RenderAlertPayload(update, result, options.webhook_format, links);

  env.out << reports::RenderVerdictSummary(judged, StyleFor(env));
  if (update.changes.empty()) {
    env.out << "perfgate: alert: no change since the last run\n";
  } else {
    env.out << "perfgate: alert: " << update.changes.size()
            << (update.changes.size() == 1 ? " change" : " changes")
            << (options.dry_run           ? " (--dry-run: the payload below, not sent)"
                : options.webhook.empty() ? " (no --webhook: printed only)"
                                          : ", notifying the webhook")
            << "\n"
            << reports::RenderAlertText(update, result) << "\n";
  }
  if (options.dry_run) {
    if (!update.changes.empty()) env.out << payload;
    env.out << "perfgate: alert: --dry-run: nothing sent, the state left as it was\n";
    return kExitPass;
  }
  // The next state is written aside before anyone is notified, so a state that cannot be
  // kept (a read-only folder, a full disk) stops the run before the news goes out, instead of
  // the same news going out on every run; it replaces the old state once the news is out.
  Result<std::string> staged =
      env.fs.WriteTemporary(options.state_path, alert::RenderAlertState(update.next));
  if (!staged.ok()) return ReportError(staged.error(), env);
  if (!update.changes.empty() && !options.webhook.empty()) {
    Status sent = env.transport == nullptr
                      ? Status(MakeError(ErrorKind::kInternal, "no HTTP transport configured"))
                      : fetch::PostJson(*env.transport, env.clock, options.webhook, payload);
    if (!sent.ok()) {
      env.fs.Discard(*staged);
      return ReportError(
          MakeError(sent.error().kind,
                    sent.error().message +
                        "; the state was not advanced, so the next run notifies again"),
          env);
    }
  }
  Status stored = env.fs.Commit(*staged, options.state_path);
  if (!stored.ok()) return ReportError(stored.error(), env);
  // The notification is the alert's signal: a breach is not a failed run (a scheduled job
  // that went red every hour would bury the news, and some schedulers keep no state then).
  return kExitPass;
}

int RunWatch(const WatchOptions& options, CliEnv& env) {
  GateOptions gate = options.gate;
  gate.sources.sentry.refresh = true;  // every look reads Sentry anew; files are read anew anyway
  gate::SequentialMemory memory;
  const auto start = env.clock.Now();
  for (int look = 1;; ++look) {
    Result<Inputs> inputs = LoadInputs(gate, env);
    if (!inputs.ok()) return ReportError(inputs.error(), env);
    explain::ExplainedResult judged{
        gate::Evaluate(inputs->config, inputs->baseline, inputs->candidate,
                       gate.today.value_or(env.Today()), inputs->drifts),
        {}};
    if (std::optional<gate::BareLimitSuspect> suspect = gate::FindBareLimitSuspect(judged.result))
      return ReportError(BareLimitError(*suspect), env);
    const gate::SequentialLook sequential = gate::JudgeSequentially(
        judged.result, inputs->baseline, inputs->candidate, 1 - judged.result.confidence, memory);
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(env.clock.Now() - start);
    env.out << WatchLine(look, elapsed, *inputs, sequential);
    const bool regressed = sequential.RegressionProven();
    const bool cleared = !regressed && sequential.AbsenceProven(judged.result);
    const bool last = elapsed + options.every > options.limit;
    if (regressed || cleared || last) {
      env.out << "perfgate: watch: "
              << (regressed ? "a regression is proven"
                  : cleared ? "no regression beyond the limits, proven"
                            : "time is up (--for " + ElapsedText(options.limit) + ")")
              << " after " << look << (look == 1 ? " look" : " looks") << "; the verdicts are "
              << "anytime-valid over every look\n";
      if (!regressed && !cleared) gate::MarkUndecidedInconclusive(judged.result);
      ExplainWhatDidNotPass(gate, *inputs, judged, env);
      return Conclude(gate, judged, env, GateView::kVerdictSummary);
    }
    env.clock.Sleep(options.every);
  }
}

int RunTrend(const TrendOptions& options, CliEnv& env) {
  Result<gate::Thresholds> config = LoadConfig(options.config, env);
  if (!config.ok()) return ReportError(config.error(), env);
  SourceLoader sources(*config, env);
  Result<std::string> newest = sources.Resolve(
      "sentry:" + (options.release.empty() ? std::string("latest") : options.release),
      options.sources);
  if (!newest.ok()) return ReportError(newest.error(), env);
  std::vector<std::string> names;
  if (options.releases > 1) {
    Result<fetch::SentryClient::Previous> before =
        sources.PreviousReleases(*newest, options.releases - 1, options.sources);
    if (!before.ok() && before.error().kind != ErrorKind::kUnavailable)
      return ReportError(before.error(), env);
    if (before.ok()) names.assign(before->releases.rbegin(), before->releases.rend());
  }
  names.push_back(*SentryReleaseOf(*newest));
  std::vector<std::pair<std::string, SampleSet>> releases;
  for (const std::string& release : names) {
    Result<SampleSet> set = sources.Load("sentry:" + release, options.sources);
    if (!set.ok()) return ReportError(set.error(), env);
    releases.emplace_back(release, std::move(set).value());
  }
  const gate::Trend trend = gate::BuildTrend(releases, *config, options.top);
  const std::string title = "perfgate trend: " + std::to_string(names.size()) +
                            (names.size() == 1 ? " release" : " releases") + ", " + names.front() +
                            (names.size() > 1 ? " to " + names.back() : "");
  env.out << reports::RenderTrendTable(trend, title);
  const std::pair<const std::string*, std::string> outputs[] = {
      {&options.markdown, reports::RenderTrendMarkdown(trend, title)},
      {&options.json, reports::RenderTrendJson(trend, title)},
      {&options.html, reports::RenderTrendHtml(trend, title)}};
  for (const auto& [path, text] : outputs) {
    if (path->empty()) continue;
    if (Status written = env.fs.WriteFileAtomic(*path, text); !written.ok())
      return ReportError(written.error(), env);
  }
  return kExitPass;
}

int RunFetch(const FetchOptions& options, CliEnv& env) {
  Result<gate::Thresholds> config = LoadConfig(options.config, env);
  if (!config.ok()) return ReportError(config.error(), env);
  Result<SentrySetup> setup = SentrySettings(options.sources, *config, env);
  if (!setup.ok()) return ReportError(setup.error(), env);
  const SentryMode mode = setup->options.selection.mode;
  if (mode == SentryMode::kAggregate || mode == SentryMode::kHistogram) {
    return ReportError(
        MakeError(ErrorKind::kUsage,
                  std::string("fetch saves events, and ") +
                      (mode == SentryMode::kAggregate
                           ? "aggregate mode has none"
                           : "histogram mode's are bin midpoints a file would pass off as "
                             "durations") +
                      "; use --mode raw"),
        env);
  }
  // Auto mode would zoom on a big release: a file keeps the events themselves.
  SourceOptions raw = options.sources;
  raw.sentry.mode = SentryMode::kRaw;
  Result<SampleSet> samples = SourceLoader(*config, env).Load("sentry:" + options.release, raw);
  if (!samples.ok()) return ReportError(samples.error(), env);
  Status written = env.fs.WriteFileAtomic(options.output, fetch::SamplesToNdjson(*samples));
  if (!written.ok()) return ReportError(written.error(), env);
  env.out << "perfgate: wrote " << samples->TotalEvents() << " events of " << samples->source
          << " to " << options.output << "\n";
  for (const std::string& note : samples->notes) env.out << "  note: " << note << "\n";
  return kExitPass;
}

}  // namespace perfgate::cli

#include "gate/thresholds_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/duration.h"
#include "core/number_format.h"
#include "core/spelling.h"
#include "core/text.h"

namespace perfgate::gate {
namespace {

// Inside this file a problem is thrown as a ConfigError, which keeps the walk over nested
// YAML readable; it never leaves ParseThresholds(), which turns it into an Error value
// (STYLE.md: errors are values). The walk recovers at each section, rule, group, waiver
// and unknown key, so one run lists every problem it can, not one per run.
struct ConfigError {
  std::string message;
  int line = 0;  // 1-based, where known (0: the whole file); orders the list
  int column = 0;
};

// Thrown to leave an item (a rule, a group, a waiver, source.sentry) whose problems are
// already kept: its unknown keys, which would only make its other checks say more of the
// same ("needs a limit" beside "unknown key 'mx'").
struct ItemAbandoned {};

// The most problems one error lists; the rest are counted.
constexpr std::size_t kMaxConfigErrors = 20;

constexpr std::array<std::string_view, 10> kTopKeys = {"version",  "source", "statistics", "policy",
                                                       "group_by", "preset", "rules",      "groups",
                                                       "waivers",  "explain"};

// Rule sets a config names with `preset:`, as YAML rules. web-vitals: Google's limits at
// p75 of page loads (kWebVitalLimits), "needs improvement" from the good limit on (a
// warning) and "poor" past the poor one (a failure).
constexpr std::array<std::string_view, 1> kPresetNames = {"web-vitals"};

std::string PresetRules(std::string_view name) {
  std::string yaml;
  if (name == "web-vitals") {
    for (const WebVitalLimits& vital : kWebVitalLimits) {
      const std::string metric = "p75(" + std::string(vital.measurement) + ")";
      yaml += "- {metric: " + metric + ", max: " + FormatNumber(vital.good) +
              std::string(vital.unit) + ", severity: warn}\n";
      yaml += "- {metric: " + metric + ", max: " + FormatNumber(vital.poor) +
              std::string(vital.unit) + "}\n";
    }
  }
  return yaml;
}
constexpr std::array<std::string_view, 2> kExplainKeys = {"trace_url", "exemplars"};
constexpr std::array<std::string_view, 1> kSourceKeys = {"sentry"};
constexpr std::array<std::string_view, 12> kSentryKeys = {
    "url",     "organization", "project",       "environment", "query",    "mode",
    "dataset", "max_samples",  "allow_partial", "token_env",   "deadline", "fetch_budget"};
constexpr std::array<std::string_view, 8> kStatisticsKeys = {
    "min_samples", "percentile_method", "confidence", "resamples",
    "seed",        "correction",        "interval",   "error_rate_interval"};
constexpr std::array<std::string_view, 3> kPolicyKeys = {"insufficient_data", "inconclusive",
                                                         "pre_existing"};
constexpr std::array<std::string_view, 9> kRuleKeys = {"metric",   "max",          "max_increase",
                                                       "min",      "max_decrease", "max_drift",
                                                       "releases", "severity",     "decide_on"};
constexpr std::array<std::string_view, 4> kGroupKeys = {"match", "rules", "skip", "min_samples"};
constexpr std::array<std::string_view, 4> kWaiverKeys = {"match", "metric", "until", "reason"};

constexpr ConfigSection kSections[] = {{"", kTopKeys},
                                       {"source", kSourceKeys},
                                       {"source.sentry", kSentryKeys},
                                       {"statistics", kStatisticsKeys},
                                       {"policy", kPolicyKeys},
                                       {"rules[]", kRuleKeys},
                                       {"groups[]", kGroupKeys},
                                       {"waivers[]", kWaiverKeys},
                                       {"explain", kExplainKeys}};

std::string Join(std::span<const std::string_view> words) {
  std::string joined;
  for (std::string_view word : words) {
    if (!joined.empty()) joined += ", ";
    joined += word;
  }
  return joined;
}

// Refuses a document that expands, through its aliases, to more than kMaxYamlNodes nodes:
// an alias stands for all of its anchor, so a few kilobytes of aliases of aliases (a
// "billion laughs") would be walked, and copied into rules, billions of times. Counted
// depth first, stopping at the limit, so the check itself stays small.
void CheckExpandedSize(const YAML::Node& root, std::string_view source) {
  std::size_t nodes = 0;
  std::vector<YAML::Node> stack = {root};
  while (!stack.empty()) {
    const YAML::Node node = stack.back();
    stack.pop_back();
    if (++nodes > kMaxYamlNodes) {
      throw ConfigError{std::string(source) + ": the config expands to more than " +
                        std::to_string(kMaxYamlNodes) +
                        " YAML nodes (aliases repeat all they point at); a perfgate config "
                        "needs far fewer"};
    }
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) stack.push_back(item);
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        stack.push_back(entry.first);
        stack.push_back(entry.second);
      }
    }
  }
}

// Text yaml-cpp should never see: NUL and other control bytes (which it reports as escapes
// or "bad file"), invalid UTF-8, and nesting deep enough to exhaust its recursion. A config
// is a few levels deep; the limits leave room for any real one.
void CheckConfigText(std::string_view text, std::string_view source) {
  auto fail = [&](std::size_t at, const std::string& what) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ConfigError{std::string(source) + ":" + std::to_string(line) + ":" +
                      std::to_string(column) + ": " + what};
  };
  std::size_t line_start = 0, depth = 0;
  char quote = 0;
  bool comment = false, indenting = true;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", byte);
      fail(at, std::string("a control byte (") + hex + "); a config is plain text");
    }
    if (c == '\n') {
      line_start = at + 1;
      comment = false;
      indenting = true;
      continue;
    }
    indenting = indenting && c == ' ';
    if (indenting && at - line_start >= kMaxConfigIndent) {
      fail(at, "indented more than " + std::to_string(kMaxConfigIndent) + " columns");
    }
    if (comment) continue;
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        ++at;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' &&
               (at == 0 || text[at - 1] == ' ' || text[at - 1] == '\t' || text[at - 1] == '\n')) {
      comment = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxConfigDepth) {
        fail(at, "nested more than " + std::to_string(kMaxConfigDepth) + " brackets deep");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  if (const std::size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos)
    fail(bad, "not UTF-8 text");
}

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Thresholds Parse(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) {
      throw ConfigError{source_ + ": the config is empty; it needs at least 'rules'"};
    }
    ExpectMap(root, "the config");
    CheckKeys(root, kTopKeys, "top-level key");

    Thresholds config;
    config.source_name = source_;
    if (YAML::Node version = root["version"]) {
      Recover([&] {
        if (Scalar(version, "version") != "1") {
          Fail(version,
               "unsupported version '" + version.Scalar() + "'; this perfgate reads version 1");
        }
      });
    }
    if (YAML::Node source = root["source"]) {
      Recover([&] {
        ExpectMap(source, "source");
        CheckKeys(source, kSourceKeys, "source");
        if (YAML::Node sentry = source["sentry"]) config.sentry = ParseSentry(sentry);
      });
    }
    if (YAML::Node statistics = root["statistics"])
      Recover([&] { ParseStatistics(statistics, config); });
    if (YAML::Node policy = root["policy"]) Recover([&] { ParsePolicy(policy, config); });
    if (YAML::Node explain = root["explain"]) Recover([&] { ParseExplain(explain, config); });
    if (YAML::Node group_by = root["group_by"])
      Recover([&] { config.group_by = OneOf(group_by, "group_by", kGroupByNames); });
    if (YAML::Node rules = root["rules"]) Recover([&] { config.rules = Rules(rules, "rules"); });
    if (YAML::Node preset = root["preset"]) {
      Recover([&] {
        for (Rule& rule : Presets(preset)) config.rules.push_back(std::move(rule));
      });
    }
    if (YAML::Node groups = root["groups"]) {
      Recover([&] {
        ExpectSequence(groups, "groups");
        for (const YAML::Node& group : groups)
          Recover([&] { config.groups.push_back(ParseGroup(group)); });
      });
    }
    if (YAML::Node waivers = root["waivers"]) {
      Recover([&] {
        ExpectSequence(waivers, "waivers");
        for (const YAML::Node& waiver : waivers)
          Recover([&] { config.waivers.push_back(ParseWaiver(waiver)); });
      });
    }

    if (!errors_.empty()) throw AllErrors();
    if (AllRules(config).empty()) {
      throw ConfigError{source_ + ": no rules: the config defines nothing to check; add 'rules'"};
    }
    return config;
  }

 private:
  // Runs one step of the walk; a problem in it is kept, and the walk goes on.
  template <typename Step>
  void Recover(Step&& step) const {
    try {
      step();
    } catch (ConfigError& error) {
      errors_.push_back(std::move(error));
    } catch (const ItemAbandoned&) {
    }
  }

  // The problems kept, as one: itself when there is one, else a count and each on its own
  // line, in the order of the file (at most kMaxConfigErrors, then how many more).
  ConfigError AllErrors() const {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const ConfigError& a, const ConfigError& b) {
                       return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                     });
    if (errors_.size() == 1) return errors_.front();
    std::string message = source_ + ": " + std::to_string(errors_.size()) + " errors:";
    for (std::size_t i = 0; i < std::min(errors_.size(), kMaxConfigErrors); ++i)
      message += "\n  " + errors_[i].message;
    if (errors_.size() > kMaxConfigErrors)
      message += "\n  and " + std::to_string(errors_.size() - kMaxConfigErrors) + " more";
    return ConfigError{message};
  }
  // explain: trace links and exemplars.
  void ParseExplain(const YAML::Node& explain, Thresholds& config) const {
    ExpectMap(explain, "explain");
    CheckKeys(explain, kExplainKeys, "key in explain");
    if (YAML::Node url = explain["trace_url"]) {
      config.explain.trace_url = Scalar(url, "trace_url");
      if (config.explain.trace_url.find("{trace_id}") == std::string::npos) {
        Fail(url, "trace_url '" + config.explain.trace_url +
                      "' has no {trace_id} to put each trace's id in, e.g. "
                      "'https://jaeger.example.com/trace/{trace_id}'");
      }
    }
    if (YAML::Node exemplars = explain["exemplars"]) {
      config.explain.exemplars = static_cast<int>(WholeNumber(exemplars, "exemplars", 0, 20));
    }
  }

  // statistics: how every number is computed.
  void ParseStatistics(const YAML::Node& statistics, Thresholds& config) const {
    ExpectMap(statistics, "statistics");
    CheckKeys(statistics, kStatisticsKeys, "key in statistics");
    if (YAML::Node min = statistics["min_samples"]) config.min_samples = MinSamples(min);
    if (YAML::Node confidence = statistics["confidence"])
      config.confidence = Confidence(confidence);
    if (YAML::Node resamples = statistics["resamples"]) {
      config.resamples = static_cast<int>(WholeNumber(resamples, "resamples", 100, 1'000'000));
    }
    if (YAML::Node seed = statistics["seed"]) {
      config.seed = WholeNumber(seed, "seed", 0, std::numeric_limits<std::uint64_t>::max());
    }
    if (YAML::Node correction = statistics["correction"]) {
      config.correction = OneOf(correction, "correction", stats::kCorrectionNames);
    }
    if (YAML::Node interval = statistics["interval"]) {
      config.interval = OneOf(interval, "interval", stats::kIntervalMethodNames);
    }
    if (YAML::Node method = statistics["error_rate_interval"]) {
      config.error_rate_interval =
          OneOf(method, "error_rate_interval", stats::kBinomialMethodNames);
    }
    if (YAML::Node method = statistics["percentile_method"]) {
      std::string name = Scalar(method, "percentile_method");
      auto parsed = FromName(stats::kQuantileMethodNames, name);
      if (!parsed) {
        Fail(method, "unknown percentile_method '" + name + "'" +
                         DidYouMean(name, Names(stats::kQuantileMethodNames)) +
                         " (allowed: " + JoinNames(stats::kQuantileMethodNames) + ")");
      }
      config.percentile_method = *parsed;
    }
  }

  // policy: what undecided rules do to the gate.
  void ParsePolicy(const YAML::Node& policy, Thresholds& config) const {
    ExpectMap(policy, "policy");
    CheckKeys(policy, kPolicyKeys, "key in policy");
    if (YAML::Node insufficient = policy["insufficient_data"]) {
      config.insufficient_data = OneOf(insufficient, "insufficient_data", kUndecidedPolicyNames);
    }
    if (YAML::Node inconclusive = policy["inconclusive"]) {
      config.inconclusive = OneOf(inconclusive, "inconclusive", kUndecidedPolicyNames);
    }
    if (YAML::Node pre_existing = policy["pre_existing"]) {
      config.pre_existing = OneOf(pre_existing, "pre_existing", kPreExistingPolicyNames);
    }
  }

  // A problem at `at`, named by its line and column.
  ConfigError At(const YAML::Node& at, const std::string& message) const {
    const YAML::Mark mark = at.Mark();
    return ConfigError{source_ + ":" + std::to_string(mark.line + 1) + ":" +
                           std::to_string(mark.column + 1) + ": " + message,
                       mark.line + 1, mark.column + 1};
  }

  [[noreturn]] void Fail(const YAML::Node& at, const std::string& message) const {
    throw At(at, message);
  }

  ConfigLocation Location(const YAML::Node& at) const {
    return ConfigLocation{source_, at.Mark().line + 1, at.Mark().column + 1};
  }

  void ExpectMap(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) Fail(node, what + " must be a mapping of keys to values");
  }
  void ExpectSequence(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) Fail(node, what + " must be a list (items starting with '- ')");
  }

  ConfigError UnknownKey(const YAML::Node& key, const std::string& name,
                         std::span<const std::string_view> allowed, const std::string& what) const {
    std::string hint = DidYouMean(name, allowed);
    if (hint.empty()) hint = " (allowed: " + Join(allowed) + ")";
    return At(key, "unknown " + what + " '" + name + "'" + hint);
  }

  // Keeps a problem for each key not in `allowed` (with a suggestion) and each key given
  // twice; the walk goes on over the keys it knows. False when a problem was kept.
  bool CheckKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
                 const std::string& what) const {
    const std::size_t before = errors_.size();
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      std::string name = key.IsScalar() ? key.Scalar() : "";
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        errors_.push_back(UnknownKey(key, name, allowed, what));
      } else if (!seen.insert(name).second) {
        errors_.push_back(At(key, "'" + name + "' is given twice"));
      }
    }
    return errors_.size() == before;
  }

  // CheckKeys for an item: its other checks are left when a key is wrong.
  void CheckItemKeys(const YAML::Node& map, std::span<const std::string_view> allowed,
                     const std::string& what) const {
    if (!CheckKeys(map, allowed, what)) throw ItemAbandoned{};
  }

  std::string Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) Fail(node, what + " must be a single value");
    return node.Scalar();
  }

  std::string OneOf(const YAML::Node& node, const std::string& what,
                    std::span<const std::string_view> allowed) const {
    std::string value = Scalar(node, what);
    if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
      Fail(node, what + " must be one of " + Join(allowed) + ", not '" + value + "'" +
                     DidYouMean(value, allowed));
    }
    return value;
  }

  // The value of an enum named by `node`, from the enum's name table.
  template <typename Enum, std::size_t N>
  Enum OneOf(const YAML::Node& node, const std::string& what,
             const NameTable<Enum, N>& table) const {
    const std::array<std::string_view, N> names = Names(table);
    return *FromName(table, OneOf(node, what, names));
  }

  std::uint64_t WholeNumber(const YAML::Node& node, const std::string& what, std::uint64_t min,
                            std::uint64_t max) const {
    std::string text = Scalar(node, what);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      Fail(node, what + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + text + "'");
    }
    return value;
  }

  // A confidence level: "95%" or 0.95, strictly between 0.5 and 1.
  double Confidence(const YAML::Node& node) const {
    auto [number, unit] = NumberAndUnit(node, "confidence");
    if (!unit.empty() && unit != "%")
      Fail(node, "confidence has unknown unit '" + unit + "' (use %, or a fraction)");
    // Fraction()'s advice for a bare 1 ("1%" or "100%") suits rates, not a level: both
    // would be refused here. Say what a level can be.
    if (unit.empty() && number >= 1 && number < 100) {
      Fail(node, "confidence '" + node.Scalar() + "' is read as a fraction, " +
                     (number == 1 ? "100 %, which no interval reaches" : "more than 100 %") +
                     "; write a level from 50% to below 100%, e.g. 95% or 0.95");
    }
    const double value = unit == "%" ? number / 100 : number;
    if (!(value >= 0.5 && value < 1)) {
      Fail(node, "confidence must be at least 50% and below 100% (e.g. 95% or 0.95), not '" +
                     node.Scalar() + "'");
    }
    return value;
  }

  int MinSamples(const YAML::Node& node) const {
    std::string text = Scalar(node, "min_samples");
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
      Fail(node, "min_samples must be a whole number of at least 1, not '" + text + "'");
    }
    return value;
  }

  // Splits "8000ms", "8 s", "1.5%" into a number and a unit.
  std::pair<double, std::string> NumberAndUnit(const YAML::Node& node,
                                               const std::string& what) const {
    std::string text = Scalar(node, what);
    std::string_view rest = text;
    if (rest.starts_with('+')) rest.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || !std::isfinite(value)) {
      Fail(node, what + " must be a number with an optional unit, not '" + text + "'");
    }
    std::string_view unit(end, static_cast<std::size_t>(rest.data() + rest.size() - end));
    while (unit.starts_with(' ')) unit.remove_prefix(1);
    if (value < 0) Fail(node, what + " must not be negative, not '" + text + "'");
    return {value, std::string(unit)};
  }

  // A duration in ms (core/duration.h): "8000ms", "8s", "2m"; a bare number is ms.
  double DurationMs(const YAML::Node& node, const std::string& what) const {
    auto [value, unit] = NumberAndUnit(node, what);
    const std::optional<double> scale = MillisecondsPer(unit.empty() ? "ms" : unit);
    if (!scale) {
      Fail(node, what + " has unknown unit '" + unit + "' for a duration (use " +
                     std::string(kDurationUnits) + ")");
    }
    const double ms = value * *scale;
    if (!std::isfinite(ms)) Fail(node, what + " is too large: '" + node.Scalar() + "'");  // 1e306m
    return ms;
  }

  // A number without a unit, for `metric` (a layout shift, a count): "0.1", "2000".
  double PlainNumber(const YAML::Node& node, const std::string& what,
                     const std::string& metric) const {
    auto [value, unit] = NumberAndUnit(node, what);
    if (!unit.empty()) {
      Fail(node, what + " has unit '" + unit + "', but " + metric +
                     " has none: write a plain number ('" + FormatNumber(value) + "')");
    }
    return value;
  }

  // Events per minute: "120" or "120/min".
  double PerMinute(const YAML::Node& node, const std::string& what) const {
    auto [value, unit] = NumberAndUnit(node, what);
    if (!unit.empty() && unit != "/min") {
      Fail(node, what + " has unknown unit '" + unit + "' for a throughput (use /min, or none)");
    }
    return value;
  }

  // A fraction: "1%" or "0.01", at most 100 %. A bare number of 1 or more is refused, as
  // its reader cannot tell a fraction from a percentage: "max: 1" would be 100 %.
  double Fraction(const YAML::Node& node, const std::string& what) const {
    auto [value, unit] = NumberAndUnit(node, what);
    if (!unit.empty() && unit != "%")
      Fail(node, what + " has unknown unit '" + unit + "' for a rate (use %)");
    if (unit.empty() && value == 1) {
      Fail(node, what + " '1' is ambiguous: as a fraction it means 100 %; write '1%' or '100%'");
    }
    if (unit.empty() && value > 1) {
      Fail(node, what + " is a fraction and cannot exceed 1; for a percentage write '" +
                     node.Scalar() + "%'");
    }
    if (unit == "%" && value > 100)
      Fail(node, what + " is a rate and cannot exceed 100%, not '" + node.Scalar() + "'");
    return unit == "%" ? value / 100 : value;
  }

  SentrySource ParseSentry(const YAML::Node& node) const {
    ExpectMap(node, "source.sentry");
    if (YAML::Node token = node["token"]) {
      Fail(token,
           "the token never goes in the config: put it in an environment variable and name that "
           "variable with token_env (default SENTRY_AUTH_TOKEN)");
    }
    CheckItemKeys(node, kSentryKeys, "key in source.sentry");
    SentrySource sentry;
    SentrySelection& selection = sentry.selection;
    if (YAML::Node url = node["url"]) selection.url = Scalar(url, "url");
    if (YAML::Node organization = node["organization"])
      selection.organization = Scalar(organization, "organization");
    if (YAML::Node project = node["project"]) {
      if (project.IsSequence()) {
        for (const YAML::Node& item : project)
          selection.projects.push_back(Scalar(item, "project"));
      } else {
        selection.projects.push_back(Scalar(project, "project"));
      }
    }
    if (YAML::Node environment = node["environment"])
      selection.environment = Scalar(environment, "environment");
    if (YAML::Node query = node["query"]) selection.query = Scalar(query, "query");
    if (YAML::Node mode = node["mode"]) selection.mode = OneOf(mode, "mode", kSentryModeNames);
    if (YAML::Node dataset = node["dataset"])
      selection.dataset = OneOf(dataset, "dataset", kSentryDatasetNames);
    if (YAML::Node max = node["max_samples"]) {
      selection.max_samples =
          static_cast<std::size_t>(WholeNumber(max, "max_samples", 1, 100'000'000));
    }
    if (YAML::Node token_env = node["token_env"]) sentry.token_env = Scalar(token_env, "token_env");
    // A time from 1 s to a day: the deadline and the fetch budget.
    auto seconds_to_a_day = [&](const char* key, std::chrono::milliseconds& into) {
      const YAML::Node value = node[key];
      if (!value) return;
      const double ms = DurationMs(value, key);
      if (ms < 1000 || ms > 24 * 3600 * 1000.0) {
        Fail(value, std::string(key) + " must be from 1s to 1440m, not '" + value.Scalar() + "'");
      }
      into = std::chrono::milliseconds(static_cast<long long>(ms));
    };
    seconds_to_a_day("deadline", sentry.deadline);
    seconds_to_a_day("fetch_budget", sentry.fetch_budget);
    if (YAML::Node partial = node["allow_partial"]) {
      constexpr std::array<std::string_view, 2> kBooleans = {"true", "false"};
      sentry.allow_partial = OneOf(partial, "allow_partial", kBooleans) == "true";
    }
    return sentry;
  }

  // The rules of `preset: NAME` (or a list of names), each with the preset's place in the
  // config as its origin, so annotations point at the line that asked for it.
  std::vector<Rule> Presets(const YAML::Node& node) const {
    std::vector<YAML::Node> names;
    if (node.IsSequence()) {
      for (const YAML::Node& name : node) names.push_back(name);
    } else {
      names.push_back(node);
    }
    std::vector<Rule> rules;
    for (const YAML::Node& name : names) {
      const std::string text = Scalar(name, "preset");
      if (std::find(kPresetNames.begin(), kPresetNames.end(), text) == kPresetNames.end()) {
        Fail(name, "unknown preset '" + text + "' (known: " + Join(kPresetNames) + ")" +
                       DidYouMean(text, kPresetNames));
      }
      for (Rule rule : Rules(YAML::Load(PresetRules(text)), "preset")) {
        rule.origin = Location(name);
        rules.push_back(std::move(rule));
      }
    }
    return rules;
  }

  Metric MetricAt(const YAML::Node& node) const {
    Result<Metric> parsed = ParseMetric(Scalar(node, "metric"));
    if (!parsed.ok()) Fail(node, parsed.error().message);
    return *parsed;
  }

  Rule OneRule(const YAML::Node& node) const {
    ExpectMap(node, "a rule");
    CheckItemKeys(node, kRuleKeys, "key in rule");
    Rule rule;
    rule.origin = Location(node);
    YAML::Node metric = node["metric"];
    if (!metric) Fail(node, "rule needs a 'metric' (p50, p95, p99.9, mean, min, max, error_rate)");
    rule.metric = MetricAt(metric);
    // The one limit: max, max_increase, min or max_decrease.
    std::vector<std::pair<LimitKind, YAML::Node>> limits;
    for (const auto& [kind, key] : kLimitKindNames) {
      if (YAML::Node limit = node[std::string(key)]) limits.emplace_back(kind, limit);
    }
    // max_drift: a max_increase against the oldest of `releases` releases before the
    // candidate's.
    const YAML::Node drift = node["max_drift"];
    if (drift && !limits.empty()) {
      Fail(node, "a rule takes 'max_drift' or '" +
                     std::string(NameOf(kLimitKindNames, limits[0].first)) +
                     "', not both; write two rules");
    }
    if (drift) {
      limits.emplace_back(LimitKind::kMaxIncrease, drift);
      rule.drift_releases = 5;
      if (YAML::Node releases = node["releases"])
        rule.drift_releases = static_cast<int>(WholeNumber(releases, "releases", 2, 20));
    } else if (YAML::Node releases = node["releases"]) {
      Fail(releases, "'releases' counts the releases a 'max_drift' spans; this rule has none");
    }
    const bool higher = rule.metric.higher_is_better;
    if (limits.size() > 1) {
      Fail(node, "a rule takes '" + std::string(NameOf(kLimitKindNames, limits[0].first)) +
                     "' or '" + std::string(NameOf(kLimitKindNames, limits[1].first)) +
                     "', not both; write two rules");
    }
    if (limits.empty()) {
      Fail(node, higher ? "rule needs a limit: 'min' (absolute) or 'max_decrease' (vs baseline)"
                        : "rule needs a limit: 'max' (absolute) or 'max_increase' (vs baseline)");
    }
    rule.kind = limits[0].first;
    const YAML::Node limit = limits[0].second;
    const std::string key = drift ? "max_drift" : std::string(NameOf(kLimitKindNames, rule.kind));
    if (IsFloor(rule.kind) != higher) {
      Fail(limit, higher ? rule.metric.name +
                               " is better higher: write 'min' (a floor) or "
                               "'max_decrease' (against the baseline), not '" +
                               key + "'"
                         : rule.metric.name +
                               " is better lower: write 'max' or "
                               "'max_increase' (against the baseline), not '" +
                               key + "'");
    }
    // A measurement perfgate does not know is a time when its limit is written as one.
    if (!rule.metric.unit_known && limit.IsScalar() &&
        MillisecondsPer(NumberAndUnit(limit, key).second)) {
      rule.metric.unit = MetricUnit::kMilliseconds;
    }
    const MetricUnit metric_unit = rule.metric.unit;
    const bool duration = metric_unit == MetricUnit::kMilliseconds;
    if (!IsRelative(rule.kind)) {
      rule.limit = duration                               ? DurationMs(limit, key)
                   : metric_unit == MetricUnit::kFraction ? Fraction(limit, key)
                   : metric_unit == MetricUnit::kPerMinute
                       ? PerMinute(limit, key)
                       : PlainNumber(limit, key, rule.metric.name);
      rule.bare_number = duration && NumberAndUnit(limit, key).second.empty();
    } else {
      const std::string change = rule.kind == LimitKind::kMaxDecrease ? "decrease" : "increase";
      const std::string sign = rule.kind == LimitKind::kMaxDecrease ? "-" : "+";
      auto [value, unit] = NumberAndUnit(limit, key);
      if (unit.empty() && value >= 1) {
        // A bare fraction of 1 or more is more likely a percentage without its sign.
        Fail(limit,
             key + " '" + limit.Scalar() +
                 "' is ambiguous: a bare number is a fraction, so it means " +
                 FormatRelativeChange(rule.kind == LimitKind::kMaxDecrease ? -value : value) +
                 "; write '" + limit.Scalar() + "%' for " + sign + limit.Scalar() + " %" +
                 (duration ? ", or '" + limit.Scalar() + "ms' for an absolute " + change : ""));
      }
      if (unit == "%" || unit.empty()) {
        rule.unit = ChangeUnit::kRelative;
        rule.limit = unit == "%" ? value / 100 : value;
      } else if (duration) {
        rule.unit = ChangeUnit::kAbsolute;
        rule.limit = DurationMs(limit, key);
      } else if (metric_unit == MetricUnit::kNumber || metric_unit == MetricUnit::kPerMinute) {
        Fail(limit, key + " has unit '" + unit + "', but " + rule.metric.name +
                        " has none: write a relative " + change + " ('10%')");
      } else if (unit == "pp") {
        rule.unit = ChangeUnit::kAbsolute;
        rule.limit = value / 100;
      } else {
        Fail(limit, key + " has unknown unit '" + unit +
                        "' for error_rate (use % for relative, pp for percentage points)");
      }
      if (rule.kind == LimitKind::kMaxDecrease && rule.unit == ChangeUnit::kRelative &&
          rule.limit > 1) {
        Fail(limit, key + " cannot exceed 100 %: a metric cannot fall by more than all of it");
      }
    }
    if (YAML::Node severity = node["severity"])
      rule.severity = OneOf(severity, "severity", kSeverityNames);
    rule.decide_on = DefaultDecideOn(rule.kind);
    if (YAML::Node decide_on = node["decide_on"])
      rule.decide_on = OneOf(decide_on, "decide_on", kDecideOnNames);
    return rule;
  }

  std::vector<Rule> Rules(const YAML::Node& node, const std::string& what) const {
    ExpectSequence(node, what);
    std::vector<Rule> rules;
    for (const YAML::Node& rule : node) Recover([&] { rules.push_back(OneRule(rule)); });
    return rules;
  }

  std::string Match(const YAML::Node& node, const std::string& what) const {
    YAML::Node match = node["match"];
    if (!match) Fail(node, what + " needs 'match', a glob on the transaction name");
    std::string glob = Scalar(match, "match");
    if (glob.empty()) Fail(match, "match must not be empty (use \"*\" for every group)");
    return glob;
  }

  GroupOverride ParseGroup(const YAML::Node& node) const {
    ExpectMap(node, "a group");
    CheckItemKeys(node, kGroupKeys, "key in group");
    GroupOverride group;
    group.origin = Location(node);
    group.match = Match(node, "a group");
    if (YAML::Node skip = node["skip"]) {
      constexpr std::array<std::string_view, 2> kAllowed = {"true", "false"};
      group.skip = OneOf(skip, "skip", kAllowed) == "true";
    }
    if (YAML::Node rules = node["rules"]) group.rules = Rules(rules, "rules");
    if (YAML::Node min = node["min_samples"]) group.min_samples = MinSamples(min);
    if (!group.skip && !group.rules && !group.min_samples) {
      Fail(node, "group '" + group.match + "' needs 'rules', 'skip: true' or 'min_samples'");
    }
    if (group.skip && group.rules)
      Fail(node, "group '" + group.match + "' has both 'skip' and 'rules'");
    return group;
  }

  gate::Waiver ParseWaiver(const YAML::Node& node) const {
    ExpectMap(node, "a waiver");
    CheckItemKeys(node, kWaiverKeys, "key in waiver");
    gate::Waiver waiver;
    waiver.origin = Location(node);
    waiver.match = Match(node, "a waiver");
    if (YAML::Node metric = node["metric"]) waiver.metric = MetricAt(metric);
    YAML::Node until = node["until"];
    if (!until) Fail(node, "a waiver needs 'until', the last day it applies (YYYY-MM-DD)");
    waiver.until = Date(until);
    YAML::Node reason = node["reason"];
    if (!reason || Scalar(reason, "reason").empty()) {
      Fail(node, "a waiver needs a 'reason' saying why the regression is accepted");
    }
    waiver.reason = reason.Scalar();
    return waiver;
  }

  std::chrono::year_month_day Date(const YAML::Node& node) const {
    std::string text = Scalar(node, "until");
    std::optional<std::chrono::year_month_day> date = ParseDateText(text);
    if (!date) Fail(node, "until must be a date YYYY-MM-DD, not '" + text + "'");
    if (!date->ok()) Fail(node, "until is not a valid date: '" + text + "'");
    return *date;
  }

  std::string source_;
  mutable std::vector<ConfigError> errors_;  // kept by Recover and CheckKeys
};

constexpr std::string_view kDefaultConfig = R"(version: 1
rules:
  - metric: p95
    max: 8000ms
  - metric: p50
    max: 3000ms
  - metric: error_rate
    max: 1%
  - metric: p95
    max_increase: 10%
    severity: warn
)";

}  // namespace

Result<Thresholds> ParseThresholds(std::string_view text, std::string_view source_name) {
  try {
    CheckConfigText(text, source_name);
    YAML::Node root = YAML::Load(std::string(text));
    CheckExpandedSize(root, source_name);
    return Parser(source_name).Parse(root);
  } catch (const ConfigError& error) {
    return MakeError(ErrorKind::kConfig, error.message);
  } catch (const YAML::Exception& error) {
    return MakeError(ErrorKind::kConfig,
                     std::string(source_name) + ":" + std::to_string(error.mark.line + 1) + ":" +
                         std::to_string(error.mark.column + 1) + ": invalid YAML: " + error.msg);
  }
}

std::span<const ConfigSection> ConfigSections() { return kSections; }

Thresholds DefaultThresholds() {
  Result<Thresholds> defaults = ParseThresholds(kDefaultConfig, "(built-in defaults)");
  assert(defaults.ok());
  return std::move(defaults).value();
}

}  // namespace perfgate::gate

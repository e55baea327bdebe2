// The model of thresholds.yaml: what to judge (rules, per-group overrides, waivers) and
// how (statistics, policies). Plain data; thresholds_parser.h builds it from YAML, and
// every rule and waiver remembers the config line it came from.
#ifndef PERFGATE_GATE_THRESHOLDS_H_
#define PERFGATE_GATE_THRESHOLDS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/enum_names.h"
#include "core/sentry_selection.h"
#include "gate/metric.h"
#include "stats/binomial.h"
#include "stats/interval.h"
#include "stats/multiple_testing.h"
#include "stats/quantile.h"

namespace perfgate::gate {

// Where something was written: "thresholds.yaml:14".
struct ConfigLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

enum class LimitKind {
  kMax,          // candidate value <= value
  kMaxIncrease,  // candidate change against the baseline <= value
  kMin,          // candidate value >= value: a floor, for metrics better higher
  kMaxDecrease,  // candidate change against the baseline >= -value
};
inline constexpr NameTable<LimitKind, 4> kLimitKindNames = {
    {{LimitKind::kMax, "max"},
     {LimitKind::kMaxIncrease, "max_increase"},
     {LimitKind::kMin, "min"},
     {LimitKind::kMaxDecrease, "max_decrease"}}};

// Relative limits compare the candidate with the baseline; absolute ones judge it alone.
inline bool IsRelative(LimitKind kind) {
  return kind == LimitKind::kMaxIncrease || kind == LimitKind::kMaxDecrease;
}
// Floors: limits on metrics that are better higher (apdex, throughput, performance score).
inline bool IsFloor(LimitKind kind) {
  return kind == LimitKind::kMin || kind == LimitKind::kMaxDecrease;
}

enum class ChangeUnit {
  kRelative,  // value is a fraction of the baseline (10% is 0.10)
  kAbsolute,  // value is in the metric's own unit: milliseconds, or a rate difference
              // (0.5pp is 0.005)
};

enum class Severity { kFail, kWarn };
inline constexpr NameTable<Severity, 2> kSeverityNames = {
    {{Severity::kFail, "fail"}, {Severity::kWarn, "warn"}}};

// What an absolute or relative limit is compared with.
enum class DecideOn {
  kPoint,  // the point estimate; the interval turns a pass into inconclusive when it
           // reaches over the limit, and a relative rule fails only when its change is
           // also statistically significant after the correction (relative rules' default)
  kUpper,  // the interval's upper end: fail unless confident the limit holds
  kLower,  // the interval's lower end: fail only when confident the limit is broken, and
           // call a point estimate over the limit with an interval reaching under it
           // inconclusive (absolute rules' default: one error in 98 events is no breach
           // of an error-rate limit of 1 %, 40 in 1,000 is)
};
inline constexpr NameTable<DecideOn, 3> kDecideOnNames = {
    {{DecideOn::kPoint, "point"}, {DecideOn::kUpper, "upper"}, {DecideOn::kLower, "lower"}}};

struct Rule {
  Metric metric;
  LimitKind kind = LimitKind::kMax;
  double limit = 0;          // ms for durations, a fraction for rates and relative changes
  bool bare_number = false;  // a duration limit written without a unit (read as ms)
  ChangeUnit unit = ChangeUnit::kAbsolute;  // relative limits only
  Severity severity = Severity::kFail;
  DecideOn decide_on = DecideOn::kLower;
  ConfigLocation origin;
  // max_drift: a max_increase against the oldest of this many releases before the
  // candidate's (a creep no single step shows); 0 for every other rule.
  int drift_releases = 0;
};

// What a rule decides on when its config does not say: absolute rules on the interval's
// lower end, relative rules on the point estimate and their test.
inline DecideOn DefaultDecideOn(LimitKind kind) {
  return IsRelative(kind) ? DecideOn::kPoint : DecideOn::kLower;
}

// A `groups:` entry: for transactions whose name matches the glob, replace the rules or
// skip the group. The first matching entry wins.
struct GroupOverride {
  std::string match;  // glob: '*' any run of characters, '?' one character
  bool skip = false;
  std::optional<std::vector<Rule>> rules;
  std::optional<int> min_samples;
  ConfigLocation origin;
};

// An accepted regression: failing or warning rules on matching groups (and metric, when
// given) are reported as waived through `until`, inclusive, and judged normally after it.
struct Waiver {
  std::string match;
  std::optional<Metric> metric;
  std::chrono::year_month_day until;
  std::string reason;
  ConfigLocation origin;
};

// source.sentry: where `sentry:RELEASE` sources come from. Plain settings, read by the CLI
// into fetch/'s client options (the rule engine itself fetches nothing). The token is never
// in the file: only the name of the environment variable that holds it.
struct SentrySource {
  SentrySelection selection;   // its start and end come from the command line only
  bool allow_partial = false;  // judge with the time windows that could be fetched, and say so
  std::string token_env = "SENTRY_AUTH_TOKEN";
  // How long a run may spend fetching from Sentry, waits included: past it, exit 3.
  std::chrono::milliseconds deadline{std::chrono::minutes(30)};
  // Auto mode fetches a release's events when that takes at most this long (at the
  // server's rate limit), else zoomed histograms.
  std::chrono::milliseconds fetch_budget{std::chrono::seconds(60)};
};

enum class GroupBy { kTransaction, kNone };
inline constexpr NameTable<GroupBy, 2> kGroupByNames = {
    {{GroupBy::kTransaction, "transaction"}, {GroupBy::kNone, "none"}}};

// What a rule that could not be decided does to the gate: one with too few events
// (insufficient_data) or one whose interval or test leaves it open (inconclusive).
enum class UndecidedPolicy {
  kWarn,   // reported; the gate still passes (the default)
  kFail,   // counts as a failed rule: exit 1
  kError,  // the gate cannot decide: exit 3
};
inline constexpr NameTable<UndecidedPolicy, 3> kUndecidedPolicyNames = {
    {{UndecidedPolicy::kWarn, "warn"},
     {UndecidedPolicy::kFail, "fail"},
     {UndecidedPolicy::kError, "error"}}};

// What an absolute breach the baseline had too does to the gate: it did not come with this
// change, but it is still a breach.
enum class PreExistingPolicy {
  kFail,  // judged like any other breach (the default), and marked pre-existing
  kWarn,  // a fail-severity rule warns instead
};
inline constexpr NameTable<PreExistingPolicy, 2> kPreExistingPolicyNames = {
    {{PreExistingPolicy::kFail, "fail"}, {PreExistingPolicy::kWarn, "warn"}}};

// explain: how explanations link and show traces.
struct ExplainSettings {
  // A link to one trace with "{trace_id}" in it (Jaeger, Tempo, Sentry); empty: the source's
  // own (Sentry's trace view), or none.
  std::string trace_url;
  int exemplars = 3;  // the slowest candidate traces each explanation links
};

struct Thresholds {
  std::string source_name;  // the config file as named to the user
  int version = 1;
  int min_samples = 50;
  stats::QuantileMethod percentile_method = stats::QuantileMethod::kLinear;
  double confidence = 0.95;  // of every interval; 1 - confidence is the tests' alpha
  int resamples = 10000;     // bootstrap replicates
  std::uint64_t seed = 1;    // of every bootstrap stream
  stats::Correction correction = stats::Correction::kHolm;
  stats::IntervalMethod interval = stats::IntervalMethod::kBca;  // see bench/coverage_bench.cc
  // Exact by default: an absolute rule decided on the interval's lower end then fails a
  // transaction whose true rate is within the limit with probability at most (1 - c) / 2
  // at any traffic; Wilson's lower end overshoots at a few failures (2 in 51 "proves" a
  // breach of 1 %), which flaked the gate on quiet transactions.
  stats::BinomialMethod error_rate_interval = stats::BinomialMethod::kClopperPearson;
  UndecidedPolicy insufficient_data = UndecidedPolicy::kWarn;
  UndecidedPolicy inconclusive = UndecidedPolicy::kWarn;
  PreExistingPolicy pre_existing = PreExistingPolicy::kFail;
  GroupBy group_by = GroupBy::kTransaction;
  std::vector<Rule> rules;
  std::vector<GroupOverride> groups;
  std::vector<Waiver> waivers;
  std::optional<SentrySource> sentry;  // when the file has source.sentry
  ExplainSettings explain;
};

// True when `name` matches `glob`: '*' matches any run of characters (also none), '?' one
// character, everything else itself. Brackets are literal, so "/users/[id]" works as written.
bool GlobMatch(std::string_view glob, std::string_view name);

// Every rule of `config`: its `rules`, then each `groups:` entry's, in file order.
std::vector<const Rule*> AllRules(const Thresholds& config);

// Display forms used by every report: "p95 <= 8000 ms", "p95 increase <= +10 %".
std::string LimitText(const Rule& rule);
// The limit alone: "8000 ms", "1 %", "+10 %", "+250 ms", "+0.5 pp".
std::string LimitValueText(const Rule& rule);
inline std::string_view SeverityName(Severity severity) { return NameOf(kSeverityNames, severity); }
inline std::string_view DecideOnName(DecideOn decide_on) {
  return NameOf(kDecideOnNames, decide_on);
}
inline std::string_view UndecidedPolicyName(UndecidedPolicy policy) {
  return NameOf(kUndecidedPolicyNames, policy);
}
std::string DateText(std::chrono::year_month_day date);  // "2027-01-31"
// "YYYY-MM-DD" read as a date, or nullopt when the text has another shape. The date may
// still not exist ("2027-02-30"): check ok().
std::optional<std::chrono::year_month_day> ParseDateText(const std::string& text);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_THRESHOLDS_H_

// The result of one evaluation: every group, every rule, the numbers each verdict compared
// and where its limit came from. Every report renders this one object and recomputes
// nothing; the CLI takes the exit code from `outcome`.
#ifndef PERFGATE_GATE_RESULT_H_
#define PERFGATE_GATE_RESULT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "core/samples.h"
#include "gate/thresholds.h"
#include "stats/interval.h"
#include "stats/mann_whitney.h"
#include "stats/summary.h"

namespace perfgate::gate {

enum class Verdict { kPass, kWarn, kFail, kInconclusive, kInsufficientData, kWaived };

inline constexpr NameTable<Verdict, 6> kVerdictNames = {
    {{Verdict::kPass, "pass"},
     {Verdict::kWarn, "warn"},
     {Verdict::kFail, "fail"},
     {Verdict::kInconclusive, "inconclusive"},
     {Verdict::kInsufficientData, "insufficient_data"},
     {Verdict::kWaived, "waived"}}};
inline std::string_view VerdictName(Verdict verdict) { return NameOf(kVerdictNames, verdict); }
// How bad a verdict is, for sorting and for a group's overall verdict: fail is the worst.
int VerdictRank(Verdict verdict);

// One stretch of a release's time window: its events, how many failed, and their p50 and
// p95 (NaN without events; the p95 NaN with fewer than kTimelineTailEvents).
struct TimeBucket {
  double start_s = 0;  // UTC seconds since the epoch
  double end_s = 0;
  std::size_t count = 0;
  std::size_t failures = 0;
  double p50_ms = 0;
  double p95_ms = 0;
};

// A release's time window is cut into this many equal stretches for the timeline.
inline constexpr std::size_t kTimelineBuckets = 24;
// A stretch's p95 is given from this many events.
inline constexpr std::size_t kTimelineTailEvents = 10;

// One release's side of one group: its summary, the quantiles reports show, the
// distribution as (q, value) points for charts (every percent from 0 to 100 and the tail,
// 99.5 and 99.9, from events, or the few quantiles Sentry gave in aggregate mode), and its
// durations over its time window (empty when its events carry no times, or all one).
struct SideStats {
  stats::Summary summary;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  std::vector<std::pair<double, double>> distribution;
  std::vector<TimeBucket> timeline;
};

// Why a rule's verdict is not a plain pass or fail, as data: reports/gate_notes words it.
enum class Caveat {
  kNone,
  kNotANumber,       // its value, change or an interval end is NaN: failed closed
  kStraddlesLimit,   // decide_on lower: over the limit, but its interval reaches under it
  kFailedInsideCi,   // decide_on point: over the limit, though its interval reaches under it
  kCiReachesOver,    // decide_on point: within the limit, but its interval reaches over it
  kNotSignificant,   // over its tolerance, but the adjusted p-value is not significant
  kBelowMinSamples,  // a side (see `shortfall`) has fewer events than min_samples
  kThinTail,         // a side (see `shortfall`) has too few events for the percentile's interval
  kNotAggregated,    // not among the aggregates the source gave (Sentry, a k6 summary)
  kAggregateValues,  // judged on aggregates alone, with no interval or test
  kNoTimeRange,      // throughput: a side's events have no times (see `shortfall.candidate`)
  kNoUsers,          // user misery: no event of a side carries a user
};

inline constexpr NameTable<Caveat, 12> kCaveatNames = {
    {{Caveat::kNone, "none"},
     {Caveat::kNotANumber, "not_a_number"},
     {Caveat::kStraddlesLimit, "ci_straddles_limit"},
     {Caveat::kFailedInsideCi, "ci_reaches_under_limit"},
     {Caveat::kCiReachesOver, "ci_reaches_over_limit"},
     {Caveat::kNotSignificant, "not_significant"},
     {Caveat::kBelowMinSamples, "below_min_samples"},
     {Caveat::kThinTail, "too_few_events_for_percentile"},
     {Caveat::kNotAggregated, "not_in_aggregates"},
     {Caveat::kAggregateValues, "aggregate_values"},
     {Caveat::kNoTimeRange, "no_time_range"},
     {Caveat::kNoUsers, "no_users"}}};

// Below this many events beyond a percentile (above it, or below it for one under p50), its
// bootstrap interval undercovers: the resamples cannot reach past the extreme values.
// bench/coverage_bench.cc measured, for a nominal 95 %, 88-92 % at p95 with n = 50 (2.5
// events beyond), about 40 % at p99 with n = 50 and 84 % with n = 200 (2 beyond), and
// 93-96 % from 10 events beyond on. So a percentile is judged only from that many events
// (Caveat::kThinTail below it).
inline constexpr double kMinEventsBeyondPercentile = 10;

// The side a rule could not be judged on: which, how many events it had, how many it needed.
struct Shortfall {
  bool candidate = true;
  std::size_t events = 0;
  std::size_t needed = 0;
  bool operator==(const Shortfall&) const = default;
};

// A rule judged by an anytime-valid test over the looks at a growing sample (perfgate alert,
// perfgate watch) rather than by one look's interval: the evidence so far and what proving
// takes. reports/gate_notes.h words it; alert/anytime.h and gate/sequential.h compute it.
struct AnytimeEvidence {
  bool of_end = false;    // the rule was breaching: the test is of the breach's end
  double log_e = 0;       // log of the e-process now
  double log_needed = 0;  // log(family / alpha): proven at or above it
  std::size_t family = 0;
  double allowed_share = 0;     // of events over the limit (1 - q for pq), or the error rate
  std::size_t look_events = 0;  // the events this look added
  // Breach tests: the share of one look's events, at this look's traffic, that proves a
  // breach by itself; nullopt when this traffic cannot.
  std::optional<double> provable_share;
  // perfgate watch: the evidence that the rule holds (no regression beyond its limit), the
  // largest over the looks, as `log_e` is of a regression there.
  std::optional<double> absence_log_e;
  bool proven() const { return log_e >= log_needed; }
};

struct RuleResult {
  Rule rule;               // the rule as configured, with its origin
  std::string limit_text;  // "p95 <= 8000 ms"
  // Said with the verdict whatever it is: a max_drift's releases and values on the way.
  std::string drift;
  std::optional<double> candidate;  // the metric's value; nullopt when the side is empty
  std::optional<double> baseline;
  // Candidate against baseline: a fraction for relative changes, else a difference in the
  // metric's unit (ms, or a rate difference). `change_is_relative` says which.
  std::optional<double> change;
  bool change_is_relative = true;
  // Intervals at the run's confidence; absent where none is defined (min, max, an empty
  // side) and for the change of absolute rules, which judge the candidate alone.
  std::optional<stats::Interval> candidate_ci;
  std::optional<stats::Interval> baseline_ci;
  std::optional<stats::Interval> change_ci;
  // Relative rules: the two-sided p-value of "no change" and the same after the run's
  // multiple-comparison correction, and the minimum detectable effect (the change, in
  // the change's unit, that this run's sample sizes detect with 80 % power).
  std::optional<double> p_value;
  std::optional<double> adjusted_p_value;
  std::optional<double> minimum_detectable_effect;
  std::size_t candidate_n = 0;
  std::size_t baseline_n = 0;
  Verdict verdict = Verdict::kPass;
  // Why the verdict is not a plain pass or fail, with the numbers that are not above.
  Caveat caveat = Caveat::kNone;
  Shortfall shortfall;  // for kBelowMinSamples and kThinTail
  // An absolute rule the candidate breaks and the baseline broke too (its value over the
  // limit): the change did not cause it.
  bool pre_existing = false;
  // The waiver that waived the rule (verdict kWaived; `waived_verdict` is what it would have
  // been), or the last matching one that had expired (`waiver_expired`).
  std::optional<Waiver> waiver;
  bool waiver_expired = false;
  Verdict waived_verdict = Verdict::kPass;
  std::optional<AnytimeEvidence> anytime;
};

struct GroupResult {
  std::string name;
  bool skipped = false;
  std::optional<ConfigLocation> override_origin;  // the `groups:` entry that applied
  std::optional<SideStats> baseline;              // nullopt when the side has no events
  std::optional<SideStats> candidate;
  std::vector<RuleResult> rules;
  Verdict verdict = Verdict::kPass;  // the worst verdict of its rules
  // Mann-Whitney U of candidate against baseline durations, when both sides have events:
  // a whole-distribution shift test shown beside the rules (it decides nothing).
  std::optional<stats::MannWhitneyResult> shift;
};

// What a source said of its own reading: its notes (worded where it was read) and the rows
// it skipped, with the first one's reason.
struct SourceNotes {
  std::string source;
  std::vector<std::string> notes;
  std::size_t skipped_rows = 0;
  std::string first_skipped;
};

// What the gate decided as a whole.
enum class Outcome {
  kPass,        // exit 0: no fail-severity rule failed (warnings and waivers allowed)
  kRegression,  // exit 1: a fail-severity rule failed, or a policy made an undecided rule fail
  kUndecided,   // exit 3: an undecided rule under a policy of "error"
};

// The process exit code for an outcome: 0, 1 or 3 (2 is for errors before any judging).
inline int ExitCodeFor(Outcome outcome) {
  return outcome == Outcome::kPass ? 0 : outcome == Outcome::kRegression ? 1 : 3;
}

struct EvaluationResult {
  std::string config_name;
  std::string baseline_source;
  std::string candidate_source;
  SourceOrigin baseline_origin;  // the releases and time range each side's rows named
  SourceOrigin candidate_origin;
  stats::QuantileMethod percentile_method = stats::QuantileMethod::kLinear;
  int min_samples = 0;
  double confidence = 0.95;
  int resamples = 0;
  std::uint64_t seed = 0;
  stats::Correction correction = stats::Correction::kHolm;
  stats::IntervalMethod interval = stats::IntervalMethod::kBca;
  stats::BinomialMethod error_rate_interval = stats::BinomialMethod::kClopperPearson;
  std::size_t relative_tests = 0;  // the family the correction covered
  GroupBy group_by = GroupBy::kTransaction;
  UndecidedPolicy insufficient_data = UndecidedPolicy::kWarn;
  UndecidedPolicy inconclusive = UndecidedPolicy::kWarn;
  PreExistingPolicy pre_existing = PreExistingPolicy::kFail;
  std::size_t baseline_events = 0;
  std::size_t candidate_events = 0;
  // How a side's durations were had, when not as events: server aggregates (Sentry's
  // aggregate mode, a k6 summary: no intervals or tests) or histogram bins (intervals
  // widened to them).
  bool aggregated = false;
  bool binned = false;
  std::vector<GroupResult> groups;  // in name order
  // What reports must say besides the verdicts (reports/gate_notes words it): transaction
  // names that look unparameterised (how many, and the first), `groups:` patterns that
  // matched nothing, waivers past their date, and what each source said of its reading.
  std::size_t unparameterised_groups = 0;
  std::string unparameterised_example;
  std::vector<GroupOverride> unmatched_patterns;
  std::vector<Waiver> expired_waivers;
  // Rules that applied to no group: no event of either release carries what they judge
  // (a Web Vital no page load has), or every group they would judge was skipped.
  std::vector<Rule> unjudged_rules;
  SourceNotes baseline_notes;
  SourceNotes candidate_notes;
  Outcome outcome = Outcome::kPass;

  // How many rules ended with `verdict`, over all groups.
  std::size_t Count(Verdict verdict) const;
  // How many groups have at least one rule with `verdict`.
  std::size_t GroupsWith(Verdict verdict) const;
  // The number of tests a relative rule's minimum detectable effect accounts for: every
  // test the correction covered, or 1 when there is no correction.
  std::size_t DetectableFamily() const {
    return correction == stats::Correction::kNone ? 1 : relative_tests;
  }
};

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_RESULT_H_

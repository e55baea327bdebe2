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

// One release's side of one group: its summary, the quantiles reports show, and the
// distribution as (q, value) points for charts: every percent from 0 to 100 and the tail
// (99.5, 99.9) from events, or the few quantiles Sentry gave in aggregate mode.
struct SideStats {
  stats::Summary summary;
  double p50_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  std::vector<std::pair<double, double>> distribution;
};

struct RuleResult {
  Rule rule;                        // the rule as configured, with its origin
  std::string limit_text;           // "p95 <= 8000 ms"
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
  // An absolute rule the candidate breaks and the baseline broke too (its value over the
  // limit): the change did not cause it. The note says so.
  bool pre_existing = false;
  std::string note;  // why a verdict is not a plain pass/fail: too few events, waived, ...
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
  std::vector<GroupResult> groups;  // in name order
  std::vector<std::string> notes;   // expired waivers, unmatched patterns, skipped rows
  Outcome outcome = Outcome::kPass;

  // How many rules ended with `verdict`, over all groups.
  std::size_t Count(Verdict verdict) const;
  // How many groups have at least one rule with `verdict`.
  std::size_t GroupsWith(Verdict verdict) const;
};

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_RESULT_H_

#include "reports/gate_notes.h"

#include "core/number_format.h"
#include "reports/summary_text.h"
#include "stats/multiple_testing.h"

namespace perfgate::reports {
namespace {

using gate::Caveat;
using gate::RuleResult;

std::string EventsText(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " event" : " events");
}

// "; with these sample sizes only changes beyond +12.0 % are detectable (80 % power, over
// 40 tests)", for a relative rule whose test gave a minimum detectable effect; else "".
std::string Detectable(const gate::EvaluationResult& result, const RuleResult& rule) {
  if (!rule.minimum_detectable_effect) return "";
  const double mde = *rule.minimum_detectable_effect;
  const std::size_t family = result.DetectableFamily();
  return "; with these sample sizes only changes beyond " +
         (rule.change_is_relative ? FormatRelativeChange(mde)
                                  : DifferenceInUnit(mde, rule.rule.metric.unit)) +
         " are detectable (80 % power" +
         (family > 1 ? ", over " + std::to_string(family) + " tests" : std::string()) + ")";
}

std::string CaveatText(const gate::EvaluationResult& result, const RuleResult& rule) {
  const bool relative = gate::IsRelative(rule.rule.kind);
  const bool floor = gate::IsFloor(rule.rule.kind);
  const std::string side = rule.shortfall.candidate ? "candidate" : "baseline";
  // n is per value: "3 events with measurements.lcp", "0 spans with span.ai.total_tokens".
  const std::string& value = rule.rule.metric.value;
  const std::string events =
      value.starts_with("span.")
          ? std::to_string(rule.shortfall.events) +
                (rule.shortfall.events == 1 ? " span with " : " spans with ") + value
          : EventsText(rule.shortfall.events) + (value.empty() ? "" : " with " + value);
  switch (rule.caveat) {
    case Caveat::kNone:
      return "";
    case Caveat::kNotANumber:
      return "its " + (relative ? std::string("change") : rule.rule.metric.name) +
             " could not be computed (not a number), so it cannot pass; "
             "please report this with the input";
    case Caveat::kStraddlesLimit:
      if (relative && floor) {
        return "down more than the tolerance, but its CI reaches back within it" +
               Detectable(result, rule);
      }
      return std::string(floor ? "under the limit, but its CI reaches over it"
                         : relative ? "over the tolerance, but its CI reaches under it"
                                    : "over the limit, but its CI reaches under it") +
             Detectable(result, rule);
    case Caveat::kFailedInsideCi:
      return floor ? "its CI reaches above the limit" : "its CI reaches below the limit";
    case Caveat::kCiReachesOver:
      return floor ? "within the limit, but its CI reaches under it"
                   : "within the limit, but its CI reaches over it";
    case Caveat::kNotSignificant:
      return std::string(floor ? "down more than the tolerance" : "over the tolerance") +
             " but not significant (" +
             FormatPStatement(rule.adjusted_p_value.value_or(1)) +
             (result.correction == stats::Correction::kNone
                  ? ""
                  : " after " + std::string(NameOf(stats::kCorrectionTitles, result.correction))) +
             ")" + Detectable(result, rule);
    case Caveat::kBelowMinSamples:
      return side + " has " + events + ", fewer than min_samples " +
             std::to_string(rule.shortfall.needed);
    case Caveat::kThinTail:
      return side + " has " + events + "; " + rule.rule.metric.name +
             " is judged from " + std::to_string(rule.shortfall.needed) +
             ", where its interval covers what it claims (" +
             FormatNumber(gate::kMinEventsBeyondPercentile) + " events beyond it)";
    case Caveat::kNotAggregated:
      return rule.rule.metric.name +
             " is not among the aggregates the source gave (Sentry's aggregate mode: p50, p75, "
             "p95, p99, mean, min, max, error_rate; a k6 summary: its trend stats); judge it "
             "on events (Sentry's raw mode, k6's --out json)";
    case Caveat::kAggregateValues:
      return "judged on aggregates alone (Sentry's aggregate mode, a k6 summary), with no "
             "interval or test";
    case Caveat::kNoTimeRange:
      return rule.rule.metric.name + " needs each event's time: the " + side +
             "'s events have none (a timestamp field or column), or all one";
    case Caveat::kNoUsers:
      return rule.rule.metric.name + " needs users: no event of the " + side +
             " carries one (user, user.id, user.email or user.username)";
  }
  return "";
}

void Append(std::string& note, const std::string& part) {
  if (part.empty()) return;
  note += note.empty() ? part : "; " + part;
}

}  // namespace

std::string RuleNote(const gate::EvaluationResult& result, const RuleResult& rule) {
  std::string note;
  if (rule.waiver && !rule.waiver_expired) {
    note = "would " + std::string(gate::VerdictName(rule.waived_verdict)) + "; waived until " +
           gate::DateText(rule.waiver->until) + ": " + rule.waiver->reason + " [" +
           rule.waiver->origin.ToString() + "]";
  }
  Append(note, CaveatText(result, rule));
  if (rule.pre_existing) {
    const bool downgraded = result.pre_existing == gate::PreExistingPolicy::kWarn &&
                            rule.rule.severity == gate::Severity::kFail;
    Append(note, std::string("pre-existing: the baseline breached it too") +
                     (downgraded ? " (policy.pre_existing: warn)" : ""));
  }
  if (rule.waiver && rule.waiver_expired) {
    Append(note, "waiver expired on " + gate::DateText(rule.waiver->until) + " [" +
                     rule.waiver->origin.ToString() + "]");
  }
  return note;
}

std::vector<std::string> RunNotes(const gate::EvaluationResult& result) {
  std::vector<std::string> notes;
  if (const std::size_t n = result.unparameterised_groups; n > 0) {
    notes.push_back(std::to_string(n) +
                    (n == 1 ? " transaction name looks" : " transaction names look") +
                    " unparameterised (e.g. '" + result.unparameterised_example +
                    "'): ids, UUIDs or hashes in a name split one endpoint into many small "
                    "groups that cannot be judged; name transactions by their route "
                    "('/users/{id}', as Sentry's SDK routing integrations do) or match them "
                    "with a groups: pattern");
  }
  for (const gate::GroupOverride& pattern : result.unmatched_patterns) {
    notes.push_back("group pattern '" + pattern.match + "' [" + pattern.origin.ToString() +
                    "] matched no transaction");
  }
  for (const gate::Rule& rule : result.unjudged_rules) {
    const std::string& value = rule.metric.value;
    notes.push_back(gate::LimitText(rule) + " [" + rule.origin.ToString() + "] judged nothing: " +
                    (value.empty() || value == gate::kPerformanceScore
                         ? "no transaction it applies to has events"
                         : "no event of either release carries " + value));
  }
  for (const gate::Waiver& waiver : result.expired_waivers) {
    notes.push_back("waiver for '" + waiver.match + "'" +
                    (waiver.metric ? " " + waiver.metric->name : std::string()) + " expired on " +
                    gate::DateText(waiver.until) + " [" + waiver.origin.ToString() +
                    "]; its rules are judged again");
  }
  for (const gate::SourceNotes* side : {&result.baseline_notes, &result.candidate_notes}) {
    notes.insert(notes.end(), side->notes.begin(), side->notes.end());
    if (side->skipped_rows == 0) continue;
    notes.push_back("skipped " + std::to_string(side->skipped_rows) + " bad rows in " +
                    side->source + "; the first: " + side->first_skipped);
  }
  return notes;
}

}  // namespace perfgate::reports

#include "reports/gate_notes.h"

#include <cmath>
#include <cstdio>

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
  std::string text = "; with these sample sizes only changes beyond " +
                     (rule.change_is_relative ? FormatRelativeChange(mde)
                                              : DifferenceInUnit(mde, rule.rule.metric.unit)) +
                     " are detectable (80 % power" +
                     (family > 1 ? ", over " + std::to_string(family) + " tests" : std::string()) +
                     ")";
  // The detectable change shrinks as one over the root of the traffic (of the log ratio,
  // for relative changes): how much more traffic would tell the tolerance itself.
  const double tolerance = rule.rule.limit;
  if (tolerance > 0 && mde > tolerance && std::isfinite(mde)) {
    const double ratio =
        rule.change_is_relative ? std::log1p(mde) / std::log1p(tolerance) : mde / tolerance;
    char factor[32];
    std::snprintf(factor, sizeof factor, "%.2g", ratio * ratio);
    text += "; telling " +
            (rule.change_is_relative ? FormatRelativeChange(tolerance)
                                     : DifferenceInUnit(tolerance, rule.rule.metric.unit)) +
            " needs about " + factor + "x the traffic (or a longer window)";
  }
  return text;
}

// For an absolute rule whose interval reaches across its limit: how much more traffic would
// tell its value from the limit (the interval's half-width on the limit's side shrinks as
// one over the root of the events), as "; telling it from the limit needs about 3.2x the
// traffic"; "" when not known.
std::string TrafficToTell(const RuleResult& rule) {
  if (gate::IsRelative(rule.rule.kind) || !rule.candidate || !rule.candidate_ci) return "";
  const double value = *rule.candidate, limit = rule.rule.limit;
  const double reach =
      value > limit ? value - rule.candidate_ci->lower : rule.candidate_ci->upper - value;
  const double gap = std::abs(value - limit);
  if (!(gap > 0) || !(reach > gap) || !std::isfinite(reach)) return "";
  char factor[32];
  std::snprintf(factor, sizeof factor, "%.2g", (reach / gap) * (reach / gap));
  return std::string("; telling it from the limit needs about ") + factor +
         "x the traffic (or a longer window)";
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
      return std::string(floor      ? "under the limit, but its CI reaches over it"
                         : relative ? "over the tolerance, but its CI reaches under it"
                                    : "over the limit, but its CI reaches under it") +
             Detectable(result, rule) + TrafficToTell(rule);
    case Caveat::kFailedInsideCi:
      return floor ? "its CI reaches above the limit" : "its CI reaches below the limit";
    case Caveat::kCiReachesOver:
      return std::string(floor ? "within the limit, but its CI reaches under it"
                               : "within the limit, but its CI reaches over it") +
             TrafficToTell(rule);
    case Caveat::kNotSignificant:
      return std::string(floor ? "down more than the tolerance" : "over the tolerance") +
             " but not significant (" + FormatPStatement(rule.adjusted_p_value.value_or(1)) +
             (result.correction == stats::Correction::kNone
                  ? ""
                  : " after " + std::string(NameOf(stats::kCorrectionTitles, result.correction))) +
             ")" + Detectable(result, rule);
    case Caveat::kBelowMinSamples:
      return side + " has " + events + ", fewer than min_samples " +
             std::to_string(rule.shortfall.needed);
    case Caveat::kThinTail:
      return side + " has " + events + "; " + rule.rule.metric.name + " is judged from " +
             std::to_string(rule.shortfall.needed) +
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

// An e-value for people: "12", "3.2e5".
std::string EValueText(double log_e) {
  if (log_e > 690) return "over 1e300";
  const double e = std::exp(log_e);
  char text[32];
  std::snprintf(text, sizeof text, e < 1000 ? "%.3g" : "%.2g", e);
  std::string out = text;
  if (const std::size_t plus = out.find("e+"); plus != std::string::npos) {
    std::size_t digits = plus + 2;
    while (digits + 1 < out.size() && out[digits] == '0') ++digits;
    out = out.substr(0, plus + 1) + out.substr(digits);
  }
  return out;
}

// What the anytime-valid test of an alert's rule shows: proven or not, the evidence against
// what proving takes, and the smallest breach one look of this traffic proves.
std::string AnytimeText(const RuleResult& rule) {
  const gate::AnytimeEvidence& evidence = *rule.anytime;
  const std::string weight = "evidence " + EValueText(evidence.log_e) + ", " +
                             EValueText(evidence.log_needed) + " needed over " +
                             std::to_string(evidence.family) +
                             (evidence.family == 1 ? " rule" : " rules") + " and every look";
  if (evidence.absence_log_e) {  // perfgate watch: both ways
    const std::string needed = EValueText(evidence.log_needed) + " needed over " +
                               std::to_string(evidence.family) +
                               (evidence.family == 1 ? " rule" : " rules") + " and every look";
    if (evidence.proven())
      return "anytime-valid: regression proven (evidence " + EValueText(evidence.log_e) + ", " +
             needed + ")";
    if (*evidence.absence_log_e >= evidence.log_needed)
      return "anytime-valid: no regression beyond the limit, proven (evidence " +
             EValueText(*evidence.absence_log_e) + ", " + needed + ")";
    return "anytime-valid: undecided (evidence of a regression " + EValueText(evidence.log_e) +
           ", of none " + EValueText(*evidence.absence_log_e) + "; " + needed + ")";
  }
  if (evidence.of_end) {
    return evidence.proven() ? "anytime-valid: back within the limit, proven (" + weight + ")"
                             : "anytime-valid: breaching until its end is proven (" + weight + ")";
  }
  if (evidence.proven()) return "anytime-valid: breach proven (" + weight + ")";
  const bool rate = rule.rule.metric.kind == gate::MetricKind::kErrorRate;
  const std::string events =
      std::to_string(evidence.look_events) + (evidence.look_events == 1 ? " event" : " events");
  std::string smallest;
  if (!evidence.provable_share) {
    smallest = "a look of this traffic (" + events + ") cannot prove a breach alone";
  } else if (rate) {
    smallest = "a look of this traffic (" + events + ") proves a breach from an error rate of " +
               FormatPercent(*evidence.provable_share);
  } else {
    smallest = "a look of this traffic (" + events + ") proves a breach once " +
               FormatPercent(*evidence.provable_share) + " of its events are " +
               (gate::IsFloor(rule.rule.kind) ? "under " : "over ") +
               gate::LimitValueText(rule.rule) + " (" + FormatPercent(evidence.allowed_share) +
               " allowed)";
  }
  return "anytime-valid: not proven (" + weight + "); " + smallest;
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
  Append(note, rule.drift);
  Append(note, CaveatText(result, rule));
  if (rule.anytime && rule.verdict != gate::Verdict::kInsufficientData)
    Append(note, AnytimeText(rule));
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

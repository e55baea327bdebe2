#include "reports/summary_text.h"

#include <algorithm>
#include <cstdio>

#include "core/number_format.h"
#include "core/timestamp.h"
#include "reports/gate_notes.h"

namespace perfgate::reports {

using gate::EvaluationResult;
using gate::GroupResult;
using gate::RuleResult;
using gate::Verdict;

Overall OverallVerdict(const EvaluationResult& result) {
  switch (result.outcome) {
    case gate::Outcome::kRegression:
      return Overall::kFail;
    case gate::Outcome::kUndecided:
      return Overall::kUndecided;
    case gate::Outcome::kPass:
      break;
  }
  bool warned = result.Count(Verdict::kWarn) + result.Count(Verdict::kInsufficientData) +
                    result.Count(Verdict::kInconclusive) >
                0;
  return warned ? Overall::kWarn : Overall::kPass;
}

std::string NumberOnly(const std::string& text) { return text.substr(0, text.rfind(' ')); }

std::string NumberWithInterval(double value, const std::optional<stats::Interval>& ci,
                               std::string (*format)(double)) {
  std::string text = NumberOnly(format(value));
  if (ci) text += " [" + NumberOnly(format(ci->lower)) + ", " + NumberOnly(format(ci->upper)) + "]";
  return text;
}

std::string AlignedColumns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    out += "\n";
  }
  return out;
}

std::string UpperCase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return upper;
}

std::string OverallTitle(const EvaluationResult& result) {
  const Overall overall = OverallVerdict(result);
  if (overall != Overall::kWarn) return UpperCase(NameOf(kOverallNames, overall));
  // A pass whose only reservation is too little data says that, not "warnings".
  const bool only_unjudged =
      result.Count(Verdict::kWarn) + result.Count(Verdict::kInconclusive) == 0;
  return only_unjudged ? "PASS, NOT ALL JUDGED" : "PASS WITH WARNINGS";
}

std::string GroupNoun(const EvaluationResult& result, std::size_t count) {
  std::string noun = result.group_by == gate::GroupBy::kNone ? "group" : "transaction";
  return count == 1 ? noun : noun + "s";
}

std::string OriginText(const SourceOrigin& origin) {
  std::string text;
  const std::size_t shown = std::min<std::size_t>(origin.releases.size(), 3);
  if (shown > 0) text = origin.releases.size() == 1 ? "release " : "releases ";
  for (std::size_t i = 0; i < shown; ++i) {
    text += (i == 0                                              ? ""
             : i + 1 == shown && shown == origin.releases.size() ? " and "
                                                                 : ", ") +
            origin.releases[i].first;
  }
  if (origin.releases.size() > shown)
    text += " and " + std::to_string(origin.releases.size() - shown) + " more";
  if (origin.first_seconds && origin.last_seconds) {
    std::string from = FormatUtcMinute(*origin.first_seconds);
    std::string to = FormatUtcMinute(*origin.last_seconds);
    from.resize(from.size() - 4);  // one " UTC", at the end
    text += (text.empty() ? "" : ", ") + from + " to " + to;
  }
  return text;
}

std::string Headline(const EvaluationResult& result) {
  std::size_t judged = 0;
  for (const GroupResult& group : result.groups) judged += group.skipped ? 0 : 1;
  std::vector<std::string> parts;
  auto plural = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  if (std::size_t failed = result.Count(Verdict::kFail)) {
    // Breaches the baseline had too are counted apart: the change did not cause them.
    std::size_t pre_existing = 0;
    for (const GroupResult& group : result.groups) {
      for (const RuleResult& rule : group.rules)
        pre_existing += rule.verdict == Verdict::kFail && rule.pre_existing ? 1 : 0;
    }
    parts.push_back(plural(failed, "rule failed", "rules failed") +
                    (pre_existing == 0 ? ""
                     : pre_existing == failed
                         ? " (all pre-existing)"
                         : " (" + std::to_string(pre_existing) + " pre-existing)") +
                    " in " + std::to_string(result.GroupsWith(Verdict::kFail)) + " of " +
                    std::to_string(judged) + " " + GroupNoun(result, judged));
  } else {
    parts.push_back("no rule failed in " + std::to_string(judged) + " " +
                    GroupNoun(result, judged));
  }
  if (std::size_t n = result.Count(Verdict::kWarn))
    parts.push_back(plural(n, "warning", "warnings"));
  if (std::size_t n = result.Count(Verdict::kInconclusive))
    parts.push_back(std::to_string(n) + " inconclusive");
  if (std::size_t n = result.GroupsWith(Verdict::kInsufficientData)) {
    parts.push_back(std::to_string(n) + " " + GroupNoun(result, n) +
                    " with too few events to judge");
  }
  if (std::size_t n = result.Count(Verdict::kWaived))
    parts.push_back(std::to_string(n) + " waived");
  std::string headline;
  for (const std::string& part : parts) headline += (headline.empty() ? "" : "; ") + part;
  return headline;
}

std::string ValueInUnit(double value, gate::MetricUnit unit) {
  switch (unit) {
    case gate::MetricUnit::kMilliseconds:
      return FormatMs(value);
    case gate::MetricUnit::kFraction:
      return FormatPercent(value);
    case gate::MetricUnit::kNumber:
      return FormatQuantity(value);
    case gate::MetricUnit::kPerMinute:
      return FormatQuantity(value) + " /min";
  }
  return FormatQuantity(value);
}

std::string DifferenceInUnit(double value, gate::MetricUnit unit) {
  if (unit == gate::MetricUnit::kNumber || unit == gate::MetricUnit::kPerMinute) {
    const std::string text = FormatQuantity(value);
    return (text.starts_with("-") ? text : "+" + text) +
           (unit == gate::MetricUnit::kPerMinute ? " /min" : "");
  }
  return FormatAbsoluteChange(value, unit == gate::MetricUnit::kMilliseconds);
}

std::string ValueText(const RuleResult& rule, std::optional<double> value) {
  if (!value) return "–";
  return ValueInUnit(*value, rule.rule.metric.unit);
}

std::string CountedValueText(const RuleResult& rule, std::optional<double> value, std::size_t n) {
  if (!value || rule.rule.metric.value.empty()) return ValueText(rule, value);
  return ValueText(rule, value) + " (n = " + std::to_string(n) + ")";
}

std::string ChangeText(const RuleResult& rule) {
  if (!rule.change) return "–";
  if (rule.change_is_relative) return FormatRelativeChange(*rule.change);
  return DifferenceInUnit(*rule.change, rule.rule.metric.unit);
}

std::string IntervalText(const RuleResult& rule, const std::optional<stats::Interval>& interval,
                         bool change) {
  if (!interval) return "";
  const gate::MetricUnit metric_unit = rule.rule.metric.unit;
  // The unit once, after the bracket: "[7888, 9708] ms", "[+30.1, +66.0] %", "[0.08, 0.12]".
  auto bare = [](const std::string& text) {
    const std::size_t space = text.rfind(' ');
    return space == std::string::npos ? text : text.substr(0, space);
  };
  std::string lower, upper, unit;
  if (!change) {
    lower = bare(ValueInUnit(interval->lower, metric_unit));
    upper = bare(ValueInUnit(interval->upper, metric_unit));
    unit = metric_unit == gate::MetricUnit::kMilliseconds ? "ms"
           : metric_unit == gate::MetricUnit::kFraction   ? "%"
           : metric_unit == gate::MetricUnit::kPerMinute  ? "/min"
                                                          : "";
  } else if (rule.change_is_relative) {
    lower = bare(FormatRelativeChange(interval->lower));
    upper = bare(FormatRelativeChange(interval->upper));
    unit = "%";
  } else {
    lower = bare(DifferenceInUnit(interval->lower, metric_unit));
    upper = bare(DifferenceInUnit(interval->upper, metric_unit));
    unit = metric_unit == gate::MetricUnit::kMilliseconds ? "ms"
           : metric_unit == gate::MetricUnit::kFraction   ? "pp"
           : metric_unit == gate::MetricUnit::kPerMinute  ? "/min"
                                                          : "";
  }
  return "[" + lower + ", " + upper + "]" + (unit.empty() ? "" : " " + unit);
}

std::string JudgedIntervalText(const RuleResult& rule) {
  const bool relative_rule = gate::IsRelative(rule.rule.kind);
  std::string text = relative_rule ? IntervalText(rule, rule.change_ci, true)
                                   : IntervalText(rule, rule.candidate_ci, false);
  return text.empty() ? "–" : text;
}

std::string ConfidenceText(const EvaluationResult& result) {
  return FormatNumber(result.confidence * 100) + " %";
}

namespace {

// What the run's rules of one kind decided on: "the interval's lower end (decide_on:
// lower)", or each choice by name when rules differ; "" when the run has no such rule.
std::string DecidedOn(const EvaluationResult& result, bool relative) {
  std::vector<gate::DecideOn> seen;
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& rule : group.rules) {
      if (gate::IsRelative(rule.rule.kind) == relative &&
          std::find(seen.begin(), seen.end(), rule.rule.decide_on) == seen.end())
        seen.push_back(rule.rule.decide_on);
    }
  }
  if (seen.size() != 1) {
    std::string names;
    for (gate::DecideOn decide_on : seen)
      names += (names.empty() ? "" : ", ") + std::string(gate::DecideOnName(decide_on));
    return names.empty() ? "" : "decide_on " + names;
  }
  switch (seen.front()) {
    case gate::DecideOn::kLower:
      return "the interval's lower end (decide_on: lower)";
    case gate::DecideOn::kUpper:
      return "the interval's upper end (decide_on: upper)";
    case gate::DecideOn::kPoint:
      break;
  }
  return "the point estimate (decide_on: point)";
}

}  // namespace

std::string MethodText(const EvaluationResult& result) {
  const std::string interval(NameOf(stats::kIntervalMethodTitles, result.interval));
  // One claim about the percentiles: what the sides' durations allow.
  const std::string percentiles =
      result.aggregated
          ? "percentiles and means as the source aggregated them, with no interval or test"
          : "percentiles by the exact " + interval + " bootstrap (its law computed, not resampled" +
                (result.binned ? "; widened to the histogram bins" : "") + "), means by " +
                interval + " bootstrap (" + std::to_string(result.resamples) + " resamples, seed " +
                std::to_string(result.seed) + ")";
  std::string text = ConfidenceText(result) + " intervals: " + percentiles + ", error rates by " +
                     std::string(NameOf(stats::kBinomialMethodTitles, result.error_rate_interval));
  const std::string absolute = DecidedOn(result, /*relative=*/false);
  if (!absolute.empty()) text += "; absolute limits decided on " + absolute;
  const std::string relative = DecidedOn(result, /*relative=*/true);
  if (!relative.empty()) {
    text +=
        "; relative limits decided on " + relative +
        ", failing only when over the tolerance and significant (a one-sided test of an "
        "increase: " +
        (result.aggregated ? std::string("Fisher's exact for error rates; percentiles and means "
                                         "as aggregated have none")
                           : std::string("the exact bootstrap for percentiles, normal for "
                                         "means, Fisher's exact for error rates")) +
        "), " +
        (result.correction == stats::Correction::kNone
             ? std::string("uncorrected")
             : std::string(NameOf(stats::kCorrectionTitles, result.correction)) + "-corrected") +
        " over " + std::to_string(result.relative_tests) + " tests";
  }
  return text + " · percentiles: " +
         std::string(NameOf(stats::kQuantileMethodNames, result.percentile_method)) +
         " · min_samples " + std::to_string(result.min_samples) + " · insufficient data: " +
         std::string(gate::UndecidedPolicyName(result.insufficient_data)) +
         " · inconclusive: " + std::string(gate::UndecidedPolicyName(result.inconclusive)) +
         " · pre-existing: " +
         std::string(NameOf(gate::kPreExistingPolicyNames, result.pre_existing)) +
         " · events: baseline " + std::to_string(result.baseline_events) + ", candidate " +
         std::to_string(result.candidate_events);
}

std::string RuleSentence(const EvaluationResult& result, const GroupResult& group,
                         const RuleResult& rule) {
  const std::string& metric = rule.rule.metric.name;
  std::string origin = " [" + rule.rule.origin.ToString() + "]";
  if (rule.verdict == Verdict::kInsufficientData) {
    return group.name + " " + metric + ": not judged, " + RuleNote(result, rule) + origin;
  }
  const std::string ci_label = ConfidenceText(result) + " CI ";
  std::string comparison;
  // The comparison as it went: "> 8000 ms" or "<= 8000 ms"; for a floor "< 0.9" or ">= 0.9".
  const bool floor = gate::IsFloor(rule.rule.kind);
  auto against = [&](bool broken) {
    return std::string(floor ? (broken ? " < " : " >= ") : (broken ? " > " : " <= ")) +
           gate::LimitValueText(rule.rule);
  };
  if (!gate::IsRelative(rule.rule.kind)) {
    const bool over = rule.candidate && (floor ? *rule.candidate < rule.rule.limit
                                               : *rule.candidate > rule.rule.limit);
    comparison = metric + " " + CountedValueText(rule, rule.candidate, rule.candidate_n);
    if (rule.candidate_ci)
      comparison += " (" + ci_label + IntervalText(rule, rule.candidate_ci, false) + ")";
    comparison += against(over);
    if (rule.baseline)
      comparison += " (baseline " + ValueText(rule, rule.baseline) + ", " + ChangeText(rule) + ")";
  } else {
    const bool over =
        rule.change && (floor ? *rule.change < -rule.rule.limit : *rule.change > rule.rule.limit);
    comparison = metric + " " + CountedValueText(rule, rule.candidate, rule.candidate_n) + " vs " +
                 CountedValueText(rule, rule.baseline, rule.baseline_n) + " (" + ChangeText(rule);
    if (rule.change_ci) comparison += ", " + ci_label + IntervalText(rule, rule.change_ci, true);
    if (rule.adjusted_p_value) comparison += ", " + FormatPStatement(*rule.adjusted_p_value);
    comparison += ")" + against(over);
  }
  std::string sentence = group.name + " " + comparison + origin;
  if (const std::string note = RuleNote(result, rule); !note.empty()) sentence += "; " + note;
  return sentence;
}

std::vector<RuleRef> NotableRules(const EvaluationResult& result) {
  std::vector<RuleRef> notable;
  for (const GroupResult* group : GroupsWorstFirst(result)) {
    for (const RuleResult& rule : group->rules) {
      if (rule.verdict != Verdict::kPass) notable.push_back({group, &rule});
    }
  }
  // Within a verdict the nearest to a decision first: absolute rules (over a limit), then
  // relative ones by adjusted p-value, so a +92 % change at p = 0.2 is not lost below
  // eighty quiet transactions at p = 1.
  auto nearness = [](const RuleRef& ref) {
    return ref.rule->adjusted_p_value ? *ref.rule->adjusted_p_value : -1.0;
  };
  std::stable_sort(notable.begin(), notable.end(), [&](const RuleRef& a, const RuleRef& b) {
    const int rank_a = gate::VerdictRank(a.rule->verdict);
    const int rank_b = gate::VerdictRank(b.rule->verdict);
    if (rank_a != rank_b) return rank_a > rank_b;
    return nearness(a) < nearness(b);
  });
  return notable;
}

std::vector<InsufficientGroup> InsufficientGroups(const EvaluationResult& result) {
  std::vector<InsufficientGroup> groups;
  for (const GroupResult& group : result.groups) {
    InsufficientGroup entry{&group, 0, ""};
    for (const RuleResult& rule : group.rules) {
      if (rule.verdict != Verdict::kInsufficientData) continue;
      if (entry.rules++ == 0) entry.reason = RuleNote(result, rule);
    }
    if (entry.rules > 0) groups.push_back(entry);
  }
  return groups;
}

std::string InsufficientSentence(const InsufficientGroup& entry) {
  return entry.group->name + ": " + std::to_string(entry.rules) +
         (entry.rules == 1 ? " rule" : " rules") + " not judged, " + entry.reason;
}

std::vector<std::string> InsufficientLines(const EvaluationResult& result) {
  std::vector<std::string> lines;
  const std::vector<InsufficientGroup> groups = InsufficientGroups(result);
  if (groups.size() <= kInsufficientGroupLines) {
    for (const InsufficientGroup& entry : groups) lines.push_back(InsufficientSentence(entry));
    return lines;
  }
  // Per rule, in the order rules first appear; each with its first few groups and the
  // events on the side that was short (of the events that carry the rule's value).
  struct Short {
    const RuleResult* rule;
    bool mixed = false;  // short for more than one reason
    std::vector<std::pair<const GroupResult*, std::size_t>> groups;
  };
  std::vector<Short> rules;
  for (const GroupResult& group : result.groups) {
    for (const RuleResult& rule : group.rules) {
      if (rule.verdict != Verdict::kInsufficientData) continue;
      auto found = std::find_if(rules.begin(), rules.end(), [&](const Short& entry) {
        return entry.rule->limit_text == rule.limit_text;
      });
      if (found == rules.end()) found = rules.insert(rules.end(), Short{&rule, false, {}});
      found->mixed = found->mixed || found->rule->caveat != rule.caveat;
      const bool relative = gate::IsRelative(rule.rule.kind);
      found->groups.emplace_back(
          &group, relative ? std::min(rule.candidate_n, rule.baseline_n) : rule.candidate_n);
    }
  }
  // Why, when every group of a rule was short for one reason.
  auto why = [](const Short& entry) -> std::string {
    if (entry.mixed) return "";
    switch (entry.rule->caveat) {
      case gate::Caveat::kBelowMinSamples:
        return " (fewer than min_samples on a side it needs)";
      case gate::Caveat::kThinTail:
        return " (fewer than its percentile's interval needs)";
      case gate::Caveat::kNoTimeRange:
        return " (the events have no times)";
      case gate::Caveat::kNoUsers:
        return " (no event carries a user)";
      case gate::Caveat::kNotAggregated:
        return " (not among the source's aggregates)";
      default:
        return "";
    }
  };
  constexpr std::size_t kNamed = 3;
  for (const Short& entry : rules) {
    const std::string& value = entry.rule->rule.metric.value;
    // A value no event carries (INP on page loads, say): said once, not per transaction.
    const bool none =
        !value.empty() && std::all_of(entry.groups.begin(), entry.groups.end(),
                                      [](const auto& one) { return one.second == 0; });
    std::string line =
        std::to_string(entry.groups.size()) + " " + GroupNoun(result, entry.groups.size()) +
        (entry.groups.size() == 1 ? " has" : " have") +
        (none ? " no event with " + value + " to decide " + entry.rule->limit_text + ": "
              : " too few events to decide " + entry.rule->limit_text + why(entry) + ": ");
    for (std::size_t i = 0; i < entry.groups.size() && i < kNamed; ++i) {
      const auto& [group, events] = entry.groups[i];
      line += (i == 0 ? "" : ", ") + group->name;
      if (!none) {
        line += " (" + std::to_string(events) + (events == 1 ? " event" : " events") +
                (value.empty() ? "" : " with " + value) + ")";
      }
    }
    if (entry.groups.size() > kNamed)
      line += " and " + std::to_string(entry.groups.size() - kNamed) + " more";
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<const GroupResult*> GroupsWorstFirst(const EvaluationResult& result) {
  std::vector<const GroupResult*> groups;
  for (const GroupResult& group : result.groups) groups.push_back(&group);
  std::stable_sort(groups.begin(), groups.end(), [](const GroupResult* a, const GroupResult* b) {
    return gate::VerdictRank(a->verdict) > gate::VerdictRank(b->verdict);
  });
  return groups;
}

}  // namespace perfgate::reports

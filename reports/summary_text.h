// Phrases every report shares, so Markdown, JSON, terminal and annotations say the same
// thing the same way: the headline, one sentence per judged rule, a value in its unit.
#ifndef PERFGATE_REPORTS_SUMMARY_TEXT_H_
#define PERFGATE_REPORTS_SUMMARY_TEXT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/enum_names.h"
#include "gate/result.h"

namespace perfgate::reports {

// The run's verdict as reports show it.
enum class Overall {
  kPass,
  kWarn,       // passed, with warnings, inconclusive rules or too little data
  kFail,       // exit 1
  kUndecided,  // exit 3: an undecided rule under a policy of "error"
};
// As JSON, annotations and outputs name it.
inline constexpr NameTable<Overall, 4> kOverallNames = {{{Overall::kPass, "pass"},
                                                         {Overall::kWarn, "warn"},
                                                         {Overall::kFail, "fail"},
                                                         {Overall::kUndecided, "undecided"}}};
Overall OverallVerdict(const gate::EvaluationResult& result);

// The verdict as a title, one wording in every report: "FAIL", "PASS", "PASS WITH
// WARNINGS", "PASS, NOT ALL JUDGED" (a pass whose only reservation is too few events),
// "UNDECIDED".
std::string OverallTitle(const gate::EvaluationResult& result);
// ASCII letters upper-cased.
std::string UpperCase(std::string_view text);
// A number without its unit: "272" of "272 ms", "0.30" of "0.30 %".
std::string NumberOnly(const std::string& text);
// "272 [253, 298]": a value and its interval, without the unit (a header has it); the value
// alone where no interval is claimed.
std::string NumberWithInterval(double value, const std::optional<stats::Interval>& ci,
                               std::string (*format)(double));
// `rows` as aligned columns, two spaces apart: the first left-aligned, the rest right-aligned;
// a line each.
std::string AlignedColumns(const std::vector<std::vector<std::string>>& rows);

// What a side's rows said of their origin: "release shop@1.4.0, 2026-11-10 00:00 to
// 2026-11-12 23:59 UTC", "releases a, b and 3 more", or "" when they said nothing.
std::string OriginText(const SourceOrigin& origin);

// "2 rules failed in 2 of 7 transactions; 1 warning; 1 insufficient data".
std::string Headline(const gate::EvaluationResult& result);

// A value in `unit`: "9480 ms", "4.12 %", "0.12" (no unit).
std::string ValueInUnit(double value, gate::MetricUnit unit);
// A signed difference in `unit`: "+250 ms", "+0.52 pp" (rates), "+0.05".
std::string DifferenceInUnit(double value, gate::MetricUnit unit);
// A rule's value in its metric's unit ("9480 ms", "4.12 %"), or "–" when absent.
std::string ValueText(const gate::RuleResult& rule, std::optional<double> value);
// The same with the events it was computed from, for a value only some events carry:
// "3350 ms (n = 341)"; as ValueText for the durations and what is computed from them.
std::string CountedValueText(const gate::RuleResult& rule, std::optional<double> value,
                             std::size_t n);
// The rule's change ("+52.7 %", "+3.81 pp"), or "–".
std::string ChangeText(const gate::RuleResult& rule);
// An interval in the metric's unit ("[7888, 9708] ms", "[0.10, 0.52] %") or the change's
// ("[+30.1, +66.0] %", "[+0.9, +2.1] pp"), or "" when absent.
std::string IntervalText(const gate::RuleResult& rule,
                         const std::optional<stats::Interval>& interval, bool change);
// The interval a rule was judged with: the change's for relative rules, the candidate's
// for absolute ones; "–" when there is none.
std::string JudgedIntervalText(const gate::RuleResult& rule);
// "95 %" for a confidence of 0.95.
std::string ConfidenceText(const gate::EvaluationResult& result);

// The method line every report ends with: everything that decided the verdicts (the
// intervals, what absolute and relative limits were decided on, the test and its
// correction, the policies and the event counts).
std::string MethodText(const gate::EvaluationResult& result);

// One sentence with every number the verdict compared, e.g.
// "POST /api/export p95 9120 ms (95 % CI [8700, 9600] ms) > 8000 ms (baseline 7410 ms, +23.1 %)
// [thresholds.yaml:14]"
// "/api/ask p95 9120 ms vs 7410 ms (+23.1 %, 95 % CI [+14.0, +31.9] %, p = 0.0002) > +10 %
// [thresholds.yaml:21]".
std::string RuleSentence(const gate::EvaluationResult& result, const gate::GroupResult& group,
                         const gate::RuleResult& rule);

// A (group, rule) pair, for listing rules across groups.
struct RuleRef {
  const gate::GroupResult* group;
  const gate::RuleResult* rule;
};
// Every rule whose verdict is not pass, the worst first, then by group name and rule order.
std::vector<RuleRef> NotableRules(const gate::EvaluationResult& result);
// A group with rules left unjudged for too few events, and the first rule's reason.
struct InsufficientGroup {
  const gate::GroupResult* group;
  std::size_t rules;
  std::string reason;  // "candidate has 30 events, fewer than min_samples 50"
};
std::vector<InsufficientGroup> InsufficientGroups(const gate::EvaluationResult& result);
// "GET /health: 4 rules not judged, candidate has 30 events, fewer than min_samples 50".
std::string InsufficientSentence(const InsufficientGroup& entry);

// What reports say of rules left unjudged for too few events: a line per group while few
// groups are short (at most kInsufficientGroupLines), else a line per rule across groups:
// "312 transactions have too few events to decide error_rate <= 1 % (fewer than min_samples
// on a side it needs): GET /a (30 events), GET /b (12 events), GET /c (3 events) and 309
// more", so a service with a long tail of quiet endpoints gets a few lines, not hundreds.
inline constexpr std::size_t kInsufficientGroupLines = 5;
std::vector<std::string> InsufficientLines(const gate::EvaluationResult& result);

// The groups in report order: the worst verdict first, then by name.
std::vector<const gate::GroupResult*> GroupsWorstFirst(const gate::EvaluationResult& result);

// "group" or "transaction" depending on group_by, pluralised by `count`.
std::string GroupNoun(const gate::EvaluationResult& result, std::size_t count);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_SUMMARY_TEXT_H_

#include "reports/markdown_report.h"

#include <cmath>
#include <set>
#include <sstream>

#include "core/number_format.h"
#include "reports/explanation_text.h"
#include "reports/gate_notes.h"
#include "reports/summary_text.h"

namespace perfgate::reports {

// Text safe inside a table cell: pipes escaped, line breaks flattened.
std::string MarkdownCell(std::string_view text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n' || c == '\r') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

// A transaction name as inline code, which keeps '*' and '_' from turning into emphasis and
// '<' from being read as HTML. A name holding backticks is fenced by a longer run of them,
// with spaces inside the fence when it starts or ends with one (CommonMark's code spans).
std::string MarkdownCode(std::string_view name) {
  std::size_t longest = 0, run = 0;
  for (char c : name) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = longest > 0 && (name.front() == '`' || name.back() == '`');
  return fence + (pad ? " " : "") + MarkdownCell(name) + (pad ? " " : "") + fence;
}

namespace {

using gate::GroupResult;
using gate::RuleResult;
using gate::Verdict;

std::string_view Icon(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "✅";
    case Verdict::kWarn:
      return "⚠️";
    case Verdict::kFail:
      return "❌";
    case Verdict::kInconclusive:
      return "❔";
    case Verdict::kInsufficientData:
      return "⏸️";
    case Verdict::kWaived:
      return "🔕";
  }
  return "";
}

std::string VerdictLabel(Verdict verdict) {
  return verdict == Verdict::kInsufficientData ? "insufficient data"
                                               : std::string(gate::VerdictName(verdict));
}

std::string Count(std::size_t n) { return std::to_string(n); }

// Text from the data (names, span descriptions, SQL) safe in a cell, never read as HTML,
// and never as Markdown: emphasis, code and strike-through marks and inline links are
// escaped (our own "[+5753, +6989]" intervals stay as they are).
std::string Prose(std::string_view text) {
  std::string safe;
  for (char c : MarkdownCell(text)) {
    if (c == '<') {
      safe += "&lt;";
    } else if (c == '>') {
      safe += "&gt;";
    } else if (c == '&') {
      safe += "&amp;";
    } else if (c == '*' || c == '_' || c == '`' || c == '~' ||
               (c == '(' && !safe.empty() && safe.back() == ']')) {
      safe += '\\';  // emphasis, code, strike-through, and the "](" of an inline link
      safe += c;
    } else {
      safe += c;
    }
  }
  return safe;
}

// Why a transaction got slower: the top causes one sentence each, the mean over every
// request beside a tail, then the exemplar traces.
void ExplanationSection(std::ostream& out, const gate::EvaluationResult& result,
                        const explain::Explanation& why) {
  out << "**Why it is slower**: " << Prose(PopulationText(why)) << ", "
      << MethodPhrase(why.judged.method) << ":\n\n";
  std::size_t rank = 0;
  for (const explain::Cause* cause : TopCauses(why.judged, kCausesNamed))
    out << ++rank << ". " << Prose(CauseSentence(*cause, result.confidence)) << "\n";
  if (const explain::Cause* offset = Offset(why.judged))
    out << "\nOffset by " << Prose(CauseSentence(*offset, result.confidence)) << ".\n";
  out << "\n";
  if (why.mean) {
    const std::vector<const explain::Cause*> top = TopCauses(*why.mean, 1);
    out << "Over every request: mean " << FormatMs(why.mean->candidate_ms) << " vs "
        << FormatMs(why.mean->baseline_ms);
    if (!top.empty())
      out << ", most of the change in " << Prose(CauseName(*top.front())) << " "
          << Prose(CauseChangeText(*top.front(), result.confidence));
    out << ".\n\n";
  }
  if (why.exemplars.empty()) return;
  out << "Traces:";
  for (std::size_t i = 0; i < why.exemplars.size(); ++i) {
    const explain::Exemplar& exemplar = why.exemplars[i];
    out << (i == 0 ? " " : " · ");
    if (exemplar.url.empty()) {
      out << ExemplarLabel(exemplar) << " " << MarkdownCode(exemplar.trace_id);
    } else {
      out << "[" << ExemplarLabel(exemplar) << "](" << MarkdownCell(exemplar.url) << ")";
    }
  }
  out << "\n\n";
}

// GitHub rejects comments over 65,536 characters: with hundreds of transactions the report
// keeps the worst rows, sentences and groups within these caps and says what it left out.
constexpr std::size_t kMaxSummaryRows = 60;
constexpr std::size_t kMaxSentences = 30;
constexpr std::size_t kMaxDetailedGroups = 20;
constexpr std::size_t kMaxPassingRows = 150;
constexpr std::size_t kMaxTooFewLines = 30;

std::string LeftOut(std::size_t shown, std::size_t total, std::string_view what) {
  return "_… and " + std::to_string(total - shown) + " more " + std::string(what) +
         "; the JSON, JUnit and HTML reports list them all._\n";
}

std::string SideCell(const std::optional<gate::SideStats>& side, double gate::SideStats::*field) {
  return side ? FormatMs((*side).*field) : "–";
}

void RuleTable(std::ostream& out, const gate::EvaluationResult& result, const GroupResult& group) {
  out << "| Rule | Baseline | Candidate | Change | " << ConfidenceText(result)
      << " CI | p | Verdict | Config |\n"
         "|---|---:|---:|---:|---:|---:|---|---|\n";
  for (const RuleResult& rule : group.rules) {
    out << "| " << MarkdownCell(rule.limit_text) << " | "
        << CountedValueText(rule, rule.baseline, rule.baseline_n) << " | "
        << CountedValueText(rule, rule.candidate, rule.candidate_n) << " | " << ChangeText(rule)
        << " | " << JudgedIntervalText(rule) << " | "
        << (rule.adjusted_p_value ? FormatPValue(*rule.adjusted_p_value) : "–") << " | "
        << Icon(rule.verdict) << " " << VerdictLabel(rule.verdict) << " | "
        << MarkdownCell(rule.rule.origin.ToString()) << " |\n";
  }
  bool notes = false;
  for (const RuleResult& rule : group.rules) {
    const std::string note = RuleNote(result, rule);
    if (!note.empty() && rule.verdict != Verdict::kInsufficientData) {
      out << (notes ? "" : "\n") << "- " << MarkdownCell(rule.limit_text) << ": "
          << MarkdownCell(note) << "\n";
      notes = true;
    }
  }
}

void GroupLine(std::ostream& out, const GroupResult& group) {
  auto side = [](const std::optional<gate::SideStats>& stats) {
    if (!stats) return std::string("no events");
    return Count(stats->summary.count) + " events, " + FormatPercent(stats->summary.error_rate) +
           " errors";
  };
  out << "Baseline: " << side(group.baseline) << " · candidate: " << side(group.candidate);
  if (group.shift) {
    out << " · Mann-Whitney: P(candidate slower) = "
        << FormatNumber(std::round(group.shift->probability_of_superiority * 1000) / 1000) << ", "
        << FormatPStatement(group.shift->p_value);
  }
  if (group.override_origin)
    out << " · rules from " << MarkdownCell(group.override_origin->ToString());
  out << "\n\n";
}

// The verdict first: title, headline, what was compared with what.
void VerdictSection(std::ostream& out, const gate::EvaluationResult& result) {
  std::string_view icon;
  switch (OverallVerdict(result)) {
    case Overall::kFail:
      icon = "❌";
      break;
    case Overall::kUndecided:
      icon = "⏸️";
      break;
    case Overall::kWarn:
      icon = "⚠️";
      break;
    case Overall::kPass:
      icon = "✅";
      break;
  }
  out << "## " << icon << " perfgate: " << OverallTitle(result) << "\n\n";
  out << Headline(result) << ".\n\n";
  auto origin = [](const SourceOrigin& side) {
    const std::string text = OriginText(side);
    return text.empty() ? std::string() : " (" + Prose(text) + ")";
  };
  out << "Candidate " << MarkdownCode(result.candidate_source) << origin(result.candidate_origin)
      << " against baseline " << MarkdownCode(result.baseline_source)
      << origin(result.baseline_origin) << ", rules from " << MarkdownCode(result.config_name)
      << ".\n\n";
}

// The table of rules that did not pass (too few events aside), then one sentence each
// for the failed and warned ones.
void NotableSection(std::ostream& out, const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::vector<RuleRef> notable = NotableRules(result);
  std::erase_if(notable,
                [](const RuleRef& ref) { return ref.rule->verdict == Verdict::kInsufficientData; });
  if (notable.empty()) return;
  out << "| | " << (result.group_by == gate::GroupBy::kNone ? "Group" : "Transaction")
      << " | Rule | Baseline | Candidate | Change | " << ConfidenceText(result)
      << " CI | Verdict |\n"
         "|---|---|---|---:|---:|---:|---:|---|\n";
  for (std::size_t i = 0; i < notable.size() && i < kMaxSummaryRows; ++i) {
    const RuleRef& ref = notable[i];
    out << "| " << Icon(ref.rule->verdict) << " | " << MarkdownCode(ref.group->name) << " | "
        << MarkdownCell(ref.rule->limit_text) << " | " << ValueText(*ref.rule, ref.rule->baseline)
        << " | " << ValueText(*ref.rule, ref.rule->candidate) << " | " << ChangeText(*ref.rule)
        << " | " << JudgedIntervalText(*ref.rule) << " | " << VerdictLabel(ref.rule->verdict)
        << " |\n";
  }
  out << "\n";
  if (notable.size() > kMaxSummaryRows)
    out << LeftOut(kMaxSummaryRows, notable.size(), "rules") << "\n";
  std::size_t sentences = 0, failing = 0;
  std::set<std::string_view> explained;
  for (const RuleRef& ref : notable) {
    if (ref.rule->verdict != Verdict::kFail && ref.rule->verdict != Verdict::kWarn) continue;
    if (failing++ == 0) out << "**Why**\n\n";
    if (sentences >= kMaxSentences) continue;
    ++sentences;
    // The sentence starts with the name, which the data chose: as code; the rest is ours.
    const std::string sentence = RuleSentence(result, *ref.group, *ref.rule);
    out << "- " << Icon(ref.rule->verdict) << " " << MarkdownCode(ref.group->name)
        << MarkdownCell(std::string_view(sentence).substr(ref.group->name.size())) << "\n";
    auto why = report.explanations.find(ref.group->name);
    if (why != report.explanations.end() && explained.insert(ref.group->name).second)
      out << "  - why: " << Prose(WhyText(why->second, result.confidence)) << "\n";
  }
  if (failing > sentences) out << "\n" << LeftOut(sentences, failing, "failed or warned rules");
  if (failing > 0) out << "\n";
}

// Rules left unjudged for too few events: a line per group while few, else per rule.
void InsufficientSection(std::ostream& out, const gate::EvaluationResult& result) {
  const std::vector<std::string> lines = InsufficientLines(result);
  if (lines.empty()) return;
  out << "**Not judged: too few events**\n\n";
  for (std::size_t i = 0; i < lines.size() && i < kMaxTooFewLines; ++i) {
    out << "- " << Icon(Verdict::kInsufficientData) << " " << MarkdownCell(lines[i]) << "\n";
  }
  if (lines.size() > kMaxTooFewLines)
    out << "\n" << LeftOut(kMaxTooFewLines, lines.size(), "lines");
  out << "\n";
}

// Details of each group that did not pass, the worst first, with why where explained;
// returns the passing ones.
std::vector<const GroupResult*> DetailsSection(std::ostream& out,
                                               const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::vector<const GroupResult*> passing;
  std::size_t detailed = 0, undetailed = 0;
  for (const GroupResult* group : GroupsWorstFirst(result)) {
    if (group->skipped || group->verdict == Verdict::kPass) {
      passing.push_back(group);
      continue;
    }
    if (detailed >= kMaxDetailedGroups) {
      ++undetailed;
      continue;
    }
    if (detailed++ == 0) out << "### Details\n\n";
    out << "#### " << Icon(group->verdict) << " " << MarkdownCode(group->name) << "\n\n";
    GroupLine(out, *group);
    RuleTable(out, result, *group);
    out << "\n";
    auto why = report.explanations.find(group->name);
    if (why != report.explanations.end()) ExplanationSection(out, result, why->second);
  }
  if (undetailed > 0)
    out << LeftOut(detailed, detailed + undetailed, GroupNoun(result, 2) + " with details") << "\n";
  return passing;
}

// The groups that passed every rule (or were skipped), collapsed.
void PassingSection(std::ostream& out, const gate::EvaluationResult& result,
                    const std::vector<const GroupResult*>& passing) {
  if (passing.empty()) return;
  out << "<details><summary>✅ " << Count(passing.size()) << " " << GroupNoun(result, passing.size())
      << " passed every rule or were skipped</summary>\n\n";
  out << "| " << (result.group_by == gate::GroupBy::kNone ? "Group" : "Transaction")
      << " | Events (base → cand) | Candidate p50 | Candidate p95 | Candidate errors | Verdict |\n"
         "|---|---:|---:|---:|---:|---|\n";
  auto n = [](const std::optional<gate::SideStats>& side) {
    return side ? Count(side->summary.count) : std::string("0");
  };
  for (std::size_t i = 0; i < passing.size() && i < kMaxPassingRows; ++i) {
    const GroupResult* group = passing[i];
    out << "| " << MarkdownCode(group->name) << " | " << n(group->baseline) << " → "
        << n(group->candidate) << " | " << SideCell(group->candidate, &gate::SideStats::p50_ms)
        << " | " << SideCell(group->candidate, &gate::SideStats::p95_ms) << " | "
        << (group->candidate ? FormatPercent(group->candidate->summary.error_rate) : "–") << " | "
        << (group->skipped ? "skipped (" + MarkdownCell(group->override_origin->ToString()) + ")"
                           : std::string("✅ pass (") + Count(group->rules.size()) + " rules)")
        << " |\n";
  }
  if (passing.size() > kMaxPassingRows)
    out << "\n" << LeftOut(kMaxPassingRows, passing.size(), GroupNoun(result, 2));
  out << "\n</details>\n\n";
}

// The notes, then the method line: everything that decided the verdicts.
void NotesAndMethod(std::ostream& out, const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  const std::vector<std::string> notes = RunNotes(result);
  if (!notes.empty()) {
    out << "**Notes**\n\n";
    for (const std::string& note : notes) out << "- " << MarkdownCell(note) << "\n";
    out << "\n";
  }
  out << "<sub>Method: " << MethodText(result);
  if (!report.explanations.empty())
    out << " · " << Prose(ExplanationMethodText(report.explanations));
  out << "</sub>\n";
}

}  // namespace

std::string RenderMarkdown(const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::ostringstream out;
  VerdictSection(out, result);
  NotableSection(out, report);
  InsufficientSection(out, result);
  const std::vector<const GroupResult*> passing = DetailsSection(out, report);
  PassingSection(out, result, passing);
  NotesAndMethod(out, report);
  return out.str();
}

}  // namespace perfgate::reports

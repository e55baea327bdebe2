#include "reports/terminal_report.h"

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include "core/number_format.h"
#include "reports/explanation_text.h"
#include "reports/gate_notes.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

// `check` prints at most this many rule and too-few-events lines, and this many notes,
// whatever the count of transactions (a CI log of 10,000 lines is read by nobody); the
// reports list everything.
constexpr std::size_t kMaxSummaryLines = 40;
constexpr std::size_t kMaxSummaryNotes = 5;

using gate::Verdict;

std::string_view ColorOf(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFail:
      return "\033[31m";  // red
    case Verdict::kWarn:
      return "\033[33m";  // yellow
    case Verdict::kInsufficientData:
    case Verdict::kInconclusive:
      return "\033[35m";  // magenta
    case Verdict::kWaived:
      return "\033[36m";  // cyan
    case Verdict::kPass:
      return "\033[32m";  // green
  }
  return "";
}
constexpr std::string_view kReset = "\033[0m";

std::string Paint(std::string_view text, std::string_view color, TerminalStyle style) {
  if (!style.color) return std::string(text);
  return std::string(color) + std::string(text) + std::string(kReset);
}

// Display width of UTF-8 text: one column per code point (no wide characters are used).
std::size_t Width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string OverallLine(const gate::EvaluationResult& result, TerminalStyle style) {
  const Overall overall = OverallVerdict(result);
  std::string_view color;
  switch (overall) {
    case Overall::kFail:
      color = ColorOf(Verdict::kFail);
      break;
    case Overall::kPass:
      color = ColorOf(Verdict::kPass);
      break;
    case Overall::kWarn:
      color = ColorOf(Verdict::kWarn);
      break;
    case Overall::kUndecided:
      color = ColorOf(Verdict::kInsufficientData);
      break;
  }
  return "perfgate: " + Paint(OverallTitle(result), color, style) + ": " + Headline(result) + "\n";
}

// How a cell is shown once padded for: itself, or painted (ANSI codes take no columns).
using CellPainter =
    std::function<std::string(std::size_t row, std::size_t column, const std::string& cell)>;

// Rows in aligned columns two spaces apart, each line after `indent`, without trailing
// blanks; columns in [first_number, last_number] are right-aligned.
std::string Aligned(const std::vector<std::vector<std::string>>& rows, std::size_t first_number,
                    std::size_t last_number, const std::string& indent,
                    const CellPainter& paint = {}) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    std::string line = indent;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - Width(row[c]), ' ');
      const std::string shown = paint ? paint(r, c, row[c]) : row[c];
      const bool number = c >= first_number && c <= last_number;
      if (c > 0) line += "  ";
      line += number ? pad + shown : shown + (c + 1 < row.size() ? pad : "");
    }
    while (line.ends_with(' ')) line.pop_back();
    out += line + "\n";
  }
  return out;
}

// The causes of a decomposition, each op then its span groups indented, and the total.
std::string CauseTable(const explain::Decomposition& d, double confidence) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"CAUSE", "BASELINE", "CANDIDATE", "CHANGE",
                  FormatNumber(confidence * 100) + " % CI", "SHARE", "STATUS"});
  auto add = [&](const explain::Cause& cause, const std::string& label) {
    rows.push_back({label, FormatMs(cause.baseline_ms), FormatMs(cause.candidate_ms),
                    FormatAbsoluteChange(cause.change_ms, true),
                    ChangeIntervalText(cause.change_ci), ShareText(cause.share),
                    std::string(NameOf(explain::kCauseStatusNames, cause.status))});
  };
  for (const explain::Cause& cause : d.causes) {
    // Nothing on either side ("(other ops) 0.00 ms 0.00 ms vanished"): no row.
    if (cause.baseline_ms == 0 && cause.candidate_ms == 0) continue;
    add(cause, cause.op);
    // A group's own op where it differs from its part's (a span op within a Sentry family).
    for (const explain::Cause& group : cause.groups)
      add(group, "  " + (group.op != cause.op ? group.op + " " : std::string()) + "\"" +
                     group.description + "\"");
  }
  rows.push_back({"total (mean per request)", FormatMs(d.baseline_ms), FormatMs(d.candidate_ms),
                  FormatAbsoluteChange(d.candidate_ms - d.baseline_ms, true),
                  ChangeIntervalText(d.change_ci), "100 %", ""});
  return Aligned(rows, 1, 5, "  ");
}

}  // namespace

std::string RenderExplanation(const std::string& name, const explain::Explanation& why,
                              double confidence) {
  std::string out = name + ": why its " + why.statistic + " changed, from " + PopulationText(why) +
                    ", " + MethodPhrase(why.judged.method) + "\n";
  out += CauseTable(why.judged, confidence);
  if (why.mean) {
    out += "every request (" + std::to_string(why.mean->candidate_requests) + " candidate and " +
           std::to_string(why.mean->baseline_requests) + " baseline requests with spans):\n";
    out += CauseTable(*why.mean, confidence);
  }
  if (!why.exemplars.empty()) {
    out += "traces:\n";
    std::vector<std::vector<std::string>> rows;
    for (const explain::Exemplar& exemplar : why.exemplars) {
      std::string ops;
      for (const auto& [op, ms] : exemplar.top_ops)
        ops += (ops.empty() ? "" : ", ") + op + " " + FormatMs(ms);
      rows.push_back(
          {ExemplarLabel(exemplar), exemplar.url.empty() ? exemplar.trace_id : exemplar.url, ops});
    }
    out += Aligned(rows, 1, 0, "  ");
  }
  return out;
}

// The explanation worth a WHY line for `group`: none where it has none, or where the
// transaction got faster (a speedup does not explain a rule that did not pass).
const explain::Explanation* WhyFor(const explain::ExplainedResult& report,
                                   const gate::GroupResult& group) {
  const auto why = report.explanations.find(group.name);
  if (why == report.explanations.end()) return nullptr;
  if (!(why->second.judged.candidate_ms > why->second.judged.baseline_ms)) return nullptr;
  return &why->second;
}

std::string RenderTerminalTable(const explain::ExplainedResult& report, TerminalStyle style) {
  const gate::EvaluationResult& result = report.result;
  std::vector<std::vector<std::string>> rows;
  std::vector<Verdict> verdicts;
  rows.push_back({result.group_by == gate::GroupBy::kNone ? "GROUP" : "TRANSACTION", "RULE",
                  "BASELINE", "CANDIDATE", "CHANGE", ConfidenceText(result) + " CI", "VERDICT"});
  verdicts.push_back(Verdict::kPass);
  for (const gate::GroupResult* group : GroupsWorstFirst(result)) {
    if (group->skipped) {
      rows.push_back({group->name, "(skipped)", "", "", "", "", "skipped"});
      verdicts.push_back(Verdict::kPass);
      continue;
    }
    for (const gate::RuleResult& rule : group->rules) {
      rows.push_back({group->name, rule.limit_text,
                      CountedValueText(rule, rule.baseline, rule.baseline_n),
                      CountedValueText(rule, rule.candidate, rule.candidate_n), ChangeText(rule),
                      JudgedIntervalText(rule), std::string(gate::VerdictName(rule.verdict))});
      verdicts.push_back(rule.verdict);
    }
  }
  // Values right-aligned; the verdict painted by its colour.
  std::string out =
      Aligned(rows, 2, 5, "", [&](std::size_t r, std::size_t c, const std::string& cell) {
        return c == 6 && r > 0 ? Paint(cell, ColorOf(verdicts[r]), style) : cell;
      });
  // Why, as check says it: one line per transaction explained, worst first.
  std::set<std::string_view> explained;
  for (const RuleRef& ref : NotableRules(result)) {
    if (!explained.insert(ref.group->name).second) continue;
    if (const explain::Explanation* why = WhyFor(report, *ref.group)) {
      out += "\n" + Paint("WHY", ColorOf(ref.rule->verdict), style) + "  " + ref.group->name +
             ": " + WhyText(*why, result.confidence);
    }
  }
  out += "\n" + OverallLine(result, style);
  return out;
}

std::string RenderVerdictSummary(const explain::ExplainedResult& report, TerminalStyle style) {
  const gate::EvaluationResult& result = report.result;
  std::string out = OverallLine(result, style);
  std::size_t shown = 0, left_out = 0;
  auto line = [&](std::string_view label, Verdict verdict, const std::string& text) {
    if (shown == kMaxSummaryLines) {
      ++left_out;
      return;
    }
    ++shown;
    // Labels are at most 12 characters ("INCONCLUSIVE"): pad to one column after them.
    constexpr std::size_t kLabelWidth = 13;
    out += "  " + Paint(label, ColorOf(verdict), style) +
           std::string(kLabelWidth - std::min(label.size(), kLabelWidth - 1), ' ') + text + "\n";
  };
  // The worst first, so what is left out at scale is the least urgent.
  std::set<std::string_view> explained;
  for (const RuleRef& ref : NotableRules(result)) {
    if (ref.rule->verdict == Verdict::kInsufficientData) continue;
    line(UpperCase(gate::VerdictName(ref.rule->verdict)), ref.rule->verdict,
         RuleSentence(result, *ref.group, *ref.rule));
    if (!explained.insert(ref.group->name).second) continue;
    if (const explain::Explanation* why = WhyFor(report, *ref.group))
      line("WHY", ref.rule->verdict, ref.group->name + ": " + WhyText(*why, result.confidence));
  }
  for (const std::string& text : InsufficientLines(result))
    line("TOO FEW", Verdict::kInsufficientData, text);
  if (left_out > 0) {
    out += "  ... and " + std::to_string(left_out) +
           " more lines like these: the Markdown, JSON, JUnit and HTML reports list them all\n";
  }
  const std::vector<std::string> notes = RunNotes(result);
  for (std::size_t i = 0; i < notes.size() && i < kMaxSummaryNotes; ++i) {
    out += "  note: " + notes[i] + "\n";
  }
  if (notes.size() > kMaxSummaryNotes) {
    out += "  ... and " + std::to_string(notes.size() - kMaxSummaryNotes) +
           " more notes in the reports\n";
  }
  return out;
}

}  // namespace perfgate::reports

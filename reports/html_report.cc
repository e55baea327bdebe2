#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/number_format.h"
#include "reports/explanation_text.h"
#include "reports/gate_notes.h"
#include "reports/markup.h"
#include "reports/summary_text.h"
#include "reports/svg_charts.h"

namespace perfgate::reports {
namespace {

using gate::GroupResult;
using gate::RuleResult;
using gate::Verdict;

std::string Html(std::string_view text) { return EscapeMarkup(text); }

// " (release shop@1.4.0, 2026-11-10 00:00 to 2026-11-12 23:59 UTC)", or "".
std::string HtmlOrigin(const SourceOrigin& origin) {
  const std::string text = OriginText(origin);
  return text.empty() ? "" : " (" + Html(text) + ")";
}

std::string_view VerdictClass(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFail:
      return "fail";
    case Verdict::kWarn:
      return "warn";
    case Verdict::kPass:
      return "pass";
    case Verdict::kWaived:
      return "waived";
    default:
      return "undecided";
  }
}

constexpr std::string_view kStyle = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0; background: #f6f8fa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
header { border-radius: 10px; padding: 18px 22px; color: #fff; margin-bottom: 20px; }
header h1 { margin: 0 0 6px; font-size: 26px; }
header p { margin: 2px 0; opacity: .95; }
header.fail { background: #cf222e; } header.warn { background: #9a6700; }
header.pass { background: #1a7f37; } header.undecided { background: #6639ba; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: rgba(175,184,193,.25); padding: 1px 5px; border-radius: 5px; }
header code { background: rgba(255,255,255,.2); color: #fff; }
section, article { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 16px 20px; margin-bottom: 16px; }
h2 { font-size: 18px; margin: 0 0 10px; } h3 { font-size: 16px; margin: 0 0 4px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 8px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eaeef2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; min-width: 86px; text-align: center; border-radius: 12px; padding: 1px 8px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.fail { background: #cf222e; } .badge.warn { background: #bf8700; } .badge.pass { background: #1a7f37; }
.badge.waived { background: #57606a; } .badge.undecided { background: #8250df; }
article.fail { border-left: 6px solid #cf222e; } article.warn { border-left: 6px solid #bf8700; }
article.undecided { border-left: 6px solid #8250df; } article.pass, article.waived { border-left: 6px solid #1a7f37; }
.meta { color: #57606a; font-size: 13px; margin: 0 0 6px; }
ul.why { margin: 10px 0 0; padding-left: 20px; } ul.why li { margin: 3px 0; }
.note { color: #57606a; font-size: 13px; }
svg { display: block; max-width: 100%; height: auto; }
.explain h4 { font-size: 15px; margin: 14px 0 2px; }
footer { color: #57606a; font-size: 12px; padding: 8px 4px 30px; }
)css";

std::string Badge(Verdict verdict) {
  std::string label = verdict == Verdict::kInsufficientData
                          ? "too few events"
                          : std::string(gate::VerdictName(verdict));
  return "<span class=\"badge " + std::string(VerdictClass(verdict)) + "\">" + Html(label) +
         "</span>";
}

// The rules that did not pass, a sentence for each failed or warned one, and the groups
// with too few events.
// At 10,000 transactions a chart each made a 65 MB page: charts go to the transactions
// that did not pass (the worst first) and then the busiest, this many at most; the rest
// get a row each in one compact table. The table of rules that did not pass stops too;
// the JSON report lists everything.
constexpr std::size_t kMaxCharted = 100;
constexpr std::size_t kMaxNotPassedRows = 500;
// Rows of the compact table of the other transactions (the worst first); the JSON report
// has every one.
constexpr std::size_t kMaxOtherRows = 2000;

void NotPassedSection(std::ostream& out, const gate::EvaluationResult& result) {
  std::vector<RuleRef> notable = NotableRules(result);
  std::erase_if(notable,
                [](const RuleRef& ref) { return ref.rule->verdict == Verdict::kInsufficientData; });
  const std::vector<std::string> insufficient = InsufficientLines(result);
  if (notable.empty() && insufficient.empty()) return;
  out << "<section><h2>What did not pass</h2>\n<table><thead><tr><th>Transaction</th><th>Rule</th>"
         "<th class=\"num\">Baseline</th><th class=\"num\">Candidate</th><th "
         "class=\"num\">Change</th>"
         "<th class=\"num\">"
      << Html(ConfidenceText(result)) << " CI</th><th>Verdict</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < notable.size() && i < kMaxNotPassedRows; ++i) {
    const RuleRef& ref = notable[i];
    out << "<tr><td><code>" << Html(ref.group->name) << "</code></td><td>"
        << Html(ref.rule->limit_text) << "</td><td class=\"num\">"
        << Html(ValueText(*ref.rule, ref.rule->baseline)) << "</td><td class=\"num\">"
        << Html(ValueText(*ref.rule, ref.rule->candidate)) << "</td><td class=\"num\">"
        << Html(ChangeText(*ref.rule)) << "</td><td class=\"num\">"
        << Html(JudgedIntervalText(*ref.rule)) << "</td><td>" << Badge(ref.rule->verdict)
        << "</td></tr>\n";
  }
  if (notable.size() > kMaxNotPassedRows) {
    out << "<tr><td colspan=\"7\" class=\"note\">&#8230; and " << notable.size() - kMaxNotPassedRows
        << " more rules: the JSON report lists them all</td></tr>\n";
  }
  out << "</tbody></table>\n<ul class=\"why\">\n";
  for (std::size_t i = 0; i < notable.size() && i < kMaxNotPassedRows; ++i) {
    const RuleRef& ref = notable[i];
    if (ref.rule->verdict == Verdict::kFail || ref.rule->verdict == Verdict::kWarn) {
      out << "<li>" << Html(RuleSentence(result, *ref.group, *ref.rule)) << "</li>\n";
    }
  }
  for (const std::string& text : insufficient) {
    out << "<li>" << Badge(Verdict::kInsufficientData) << " " << Html(text) << "</li>\n";
  }
  out << "</ul></section>\n";
}

// The explanation under a transaction's rules: what was compared, the chart, the causes
// in words and the traces to open.
void WhySection(std::ostream& out, const gate::EvaluationResult& result,
                const explain::Explanation& why) {
  out << "<div class=\"explain\"><h4>Why it is slower</h4>\n<p class=\"meta\">"
      << Html(PopulationText(why)) << ", " << Html(MethodPhrase(why.judged.method)) << ": mean "
      << Html(FormatMs(why.judged.candidate_ms)) << " vs " << Html(FormatMs(why.judged.baseline_ms))
      << "</p>\n"
      << WhyChartSvg(why.judged, result.confidence) << "\n<ul class=\"why\">\n";
  for (const explain::Cause* cause : TopCauses(why.judged, kCausesNamed))
    out << "<li>" << Html(CauseSentence(*cause, result.confidence)) << "</li>\n";
  if (const explain::Cause* offset = Offset(why.judged))
    out << "<li>offset by " << Html(CauseSentence(*offset, result.confidence)) << "</li>\n";
  out << "</ul>\n";
  if (!why.exemplars.empty()) {
    out << "<p class=\"meta\">Traces: ";
    for (std::size_t i = 0; i < why.exemplars.size(); ++i) {
      const explain::Exemplar& exemplar = why.exemplars[i];
      out << (i == 0 ? "" : " &#183; ");
      if (exemplar.url.empty()) {
        out << Html(ExemplarLabel(exemplar)) << " <code>" << Html(exemplar.trace_id) << "</code>";
      } else {
        out << "<a href=\"" << Html(exemplar.url) << "\">" << Html(ExemplarLabel(exemplar))
            << "</a>";
      }
    }
    out << "</p>\n";
  }
  if (const std::string waterfall = WaterfallSvg(why); !waterfall.empty())
    out << "<h4>The slowest candidate request beside a baseline one</h4>\n" << waterfall << "\n";
  out << "</div>\n";
}

// One group: its sides, its shift test, its chart and every rule with its config line.
void GroupArticle(std::ostream& out, const explain::ExplainedResult& report,
                  const GroupResult& group) {
  const gate::EvaluationResult& result = report.result;
  const Verdict shown = group.skipped ? Verdict::kPass : group.verdict;
  out << "<article class=\"" << VerdictClass(shown) << "\"><h3>" << Badge(shown) << " <code>"
      << Html(group.name) << "</code></h3>\n<p class=\"meta\">";
  auto side = [](const std::optional<gate::SideStats>& stats) {
    if (!stats) return std::string("no events");
    return std::to_string(stats->summary.count) + " events, " +
           FormatPercent(stats->summary.error_rate) + " errors";
  };
  out << "baseline " << Html(side(group.baseline)) << " &#183; candidate "
      << Html(side(group.candidate));
  if (group.shift) {
    out << " &#183; P(candidate slower) "
        << Html(FormatNumber(std::round(group.shift->probability_of_superiority * 1000) / 1000))
        << ", Mann-Whitney " << Html(FormatPStatement(group.shift->p_value));
  }
  out << (group.skipped ? " &#183; skipped by the config" : "") << "</p>\n";
  if (group.baseline || group.candidate)
    out << LatencyChartSvg(group) << "\n" << DensityChartSvg(group) << "\n";
  if (const std::string timeline = TimelineChartSvg(group); !timeline.empty())
    out << timeline << "\n";
  if (const std::string values = ValuesChartSvg(group); !values.empty()) out << values << "\n";
  if (!group.rules.empty()) {
    out << "<table><thead><tr><th>Rule</th><th class=\"num\">Baseline</th><th "
           "class=\"num\">Candidate</th>"
           "<th class=\"num\">Change</th><th class=\"num\">"
        << Html(ConfidenceText(result))
        << " CI</th><th>Verdict</th><th>Config</th></tr></thead><tbody>\n";
    for (const RuleResult& rule : group.rules) {
      out << "<tr><td>" << Html(rule.limit_text) << "</td><td class=\"num\">"
          << Html(CountedValueText(rule, rule.baseline, rule.baseline_n))
          << "</td><td class=\"num\">"
          << Html(CountedValueText(rule, rule.candidate, rule.candidate_n))
          << "</td><td class=\"num\">" << Html(ChangeText(rule)) << "</td><td class=\"num\">"
          << Html(JudgedIntervalText(rule)) << "</td><td>" << Badge(rule.verdict)
          << "</td><td><code>" << Html(rule.rule.origin.ToString()) << "</code></td></tr>\n";
      const std::string note = RuleNote(result, rule);
      if (!note.empty())
        out << "<tr><td colspan=\"7\" class=\"note\">" << Html(note) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }
  auto why = report.explanations.find(group.name);
  if (why != report.explanations.end()) WhySection(out, result, why->second);
  out << "</article>\n";
}

// The transactions drawn in full (those judged and not passed, the worst first, then the
// busiest by candidate events), and the rest, the worst first.
struct Charted {
  std::vector<const GroupResult*> with_chart;
  std::vector<const GroupResult*> others;
};

Charted ChooseCharted(const gate::EvaluationResult& result) {
  std::vector<const GroupResult*> worst_first = GroupsWorstFirst(result);
  if (worst_first.size() <= kMaxCharted) return {worst_first, {}};
  auto judged_not_passed = [](const GroupResult* group) {
    return !group->skipped && group->verdict != Verdict::kPass &&
           group->verdict != Verdict::kInsufficientData;
  };
  std::vector<bool> chosen(worst_first.size(), false);
  std::size_t count = 0;
  for (std::size_t i = 0; i < worst_first.size() && count < kMaxCharted; ++i) {
    if (judged_not_passed(worst_first[i])) chosen[i] = true, ++count;
  }
  std::vector<std::size_t> busiest(worst_first.size());
  for (std::size_t i = 0; i < busiest.size(); ++i) busiest[i] = i;
  auto events = [&](std::size_t i) {
    return worst_first[i]->candidate ? worst_first[i]->candidate->summary.count : 0;
  };
  std::stable_sort(busiest.begin(), busiest.end(),
                   [&](std::size_t a, std::size_t b) { return events(a) > events(b); });
  for (std::size_t i = 0; i < busiest.size() && count < kMaxCharted; ++i) {
    if (!chosen[busiest[i]]) chosen[busiest[i]] = true, ++count;
  }
  Charted charted;
  for (std::size_t i = 0; i < worst_first.size(); ++i) {
    (chosen[i] ? charted.with_chart : charted.others).push_back(worst_first[i]);
  }
  return charted;
}

// A row for each transaction without a chart.
void OthersTable(std::ostream& out, const std::vector<const GroupResult*>& others) {
  if (others.empty()) return;
  out << "<section id=\"more\"><h2>" << others.size()
      << " more transactions</h2>\n<table><thead><tr><th>Transaction</th><th class=\"num\">Events "
         "(base &#8594; cand)</th><th class=\"num\">Candidate p95</th><th>Verdict</th></tr></thead>"
         "<tbody>\n";
  for (std::size_t i = 0; i < others.size() && i < kMaxOtherRows; ++i) {
    const GroupResult* group = others[i];
    auto n = [](const std::optional<gate::SideStats>& side) {
      return side ? std::to_string(side->summary.count) : std::string("0");
    };
    out << "<tr><td><code>" << Html(group->name) << "</code></td><td class=\"num\">"
        << n(group->baseline) << " &#8594; " << n(group->candidate) << "</td><td class=\"num\">"
        << (group->candidate ? Html(FormatMs(group->candidate->p95_ms)) : "&#8211;") << "</td><td>"
        << Badge(group->skipped ? Verdict::kPass : group->verdict) << "</td></tr>\n";
  }
  if (others.size() > kMaxOtherRows) {
    out << "<tr><td colspan=\"4\" class=\"note\">&#8230; and " << others.size() - kMaxOtherRows
        << " more: every transaction is in the JSON report</td></tr>\n";
  }
  out << "</tbody></table></section>\n";
}

}  // namespace

std::string RenderHtml(const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::ostringstream out;
  const std::string_view header_class =
      NameOf(kOverallNames, OverallVerdict(result));  // a CSS class per verdict
  const std::string label = OverallTitle(result);
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>perfgate: " << Html(label) << " &#8212; " << Html(result.candidate_source)
      << "</title>\n"
      << "<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n";
  out << "<header class=\"" << header_class << "\"><h1>perfgate: " << Html(label) << "</h1>\n<p>"
      << Html(Headline(result)) << ".</p>\n<p>Candidate <code>" << Html(result.candidate_source)
      << "</code>" << HtmlOrigin(result.candidate_origin) << " against baseline <code>"
      << Html(result.baseline_source) << "</code>" << HtmlOrigin(result.baseline_origin)
      << ", rules from <code>" << Html(result.config_name) << "</code>.</p></header>\n";
  NotPassedSection(out, result);
  out << "<h2>Transactions</h2>\n";
  const Charted charted = ChooseCharted(result);
  for (const GroupResult* group : charted.with_chart) GroupArticle(out, report, *group);
  OthersTable(out, charted.others);
  const std::vector<std::string> notes = RunNotes(result);
  if (!notes.empty()) {
    out << "<section><h2>Notes</h2><ul>\n";
    for (const std::string& note : notes) out << "<li>" << Html(note) << "</li>\n";
    out << "</ul></section>\n";
  }
  out << "<footer>Method: " << Html(MethodText(result));
  if (!report.explanations.empty())
    out << ". Why: " << Html(ExplanationMethodText(report.explanations));
  out << ". Charts: latency (log scale) at each percentile, and the share of events at each "
         "duration; p50 and p95 over each release's time window; the other metrics and the "
         "error rate with their intervals; dashed grey: baseline; dashed lines across: "
         "limits.</footer>\n</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace perfgate::reports

#include "reports/junit_report.h"

#include "reports/explanation_text.h"
#include "reports/markup.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

using gate::Verdict;

std::string Xml(std::string_view text) { return EscapeMarkup(text); }

const std::string kNothing;

}  // namespace

std::string RenderJunit(const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::size_t tests = 0, failures = 0, skipped = 0;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      ++tests;
      failures += rule.verdict == Verdict::kFail ? 1 : 0;
      skipped += rule.verdict == Verdict::kInconclusive ||
                         rule.verdict == Verdict::kInsufficientData ||
                         rule.verdict == Verdict::kWaived
                     ? 1
                     : 0;
    }
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"perfgate\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) +
         "\">\n";
  for (const gate::GroupResult& group : result.groups) {
    if (group.skipped) continue;
    std::size_t group_failures = 0, group_skipped = 0;
    for (const gate::RuleResult& rule : group.rules) {
      group_failures += rule.verdict == Verdict::kFail ? 1 : 0;
      group_skipped += rule.verdict == Verdict::kInconclusive ||
                               rule.verdict == Verdict::kInsufficientData ||
                               rule.verdict == Verdict::kWaived
                           ? 1
                           : 0;
    }
    out += "  <testsuite name=\"" + Xml(group.name) + "\" tests=\"" +
           std::to_string(group.rules.size()) + "\" failures=\"" + std::to_string(group_failures) +
           "\" errors=\"0\" skipped=\"" + std::to_string(group_skipped) + "\">\n";
    // A failed duration rule of an explained group says why, and which traces to open.
    std::string why, traces;
    if (auto found = report.explanations.find(group.name); found != report.explanations.end()) {
      why = Xml("; why: " + WhyText(found->second, result.confidence));
      for (const explain::Exemplar& exemplar : found->second.exemplars) {
        traces += Xml("\n" + ExemplarLabel(exemplar) + ": " +
                      (exemplar.url.empty() ? exemplar.trace_id : exemplar.url));
      }
    }
    for (const gate::RuleResult& rule : group.rules) {
      const std::string sentence = Xml(RuleSentence(result, group, rule));
      const bool explained = rule.rule.metric.OfDuration();
      const std::string& because = explained ? why : kNothing;
      const std::string& links = explained ? traces : kNothing;
      out += "    <testcase classname=\"perfgate." + Xml(group.name) + "\" name=\"" +
             Xml(rule.limit_text) + "\"";
      switch (rule.verdict) {
        case Verdict::kPass:
          out += "/>\n";
          break;
        case Verdict::kFail:
          out.append(">\n      <failure message=\"")
              .append(sentence)
              .append(because)
              .append("\" type=\"regression\">")
              .append(sentence)
              .append(because)
              .append(links)
              .append("</failure>\n    </testcase>\n");
          break;
        case Verdict::kWarn:
          out.append(">\n      <system-out>WARN ")
              .append(sentence)
              .append("</system-out>\n    </testcase>\n");
          break;
        case Verdict::kInconclusive:
        case Verdict::kInsufficientData:
        case Verdict::kWaived:
          out.append(">\n      <skipped message=\"")
              .append(gate::VerdictName(rule.verdict))
              .append(": ")
              .append(sentence)
              .append("\"/>\n    </testcase>\n");
          break;
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace perfgate::reports

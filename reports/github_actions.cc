#include "reports/github_actions.h"

#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

// GitHub's escaping for workflow commands: data escapes %, CR and LF; properties also
// ':' and ','.
std::string Escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string RenderAnnotations(const explain::ExplainedResult& report) {
  const gate::EvaluationResult& result = report.result;
  std::string out;
  for (const RuleRef& ref : NotableRules(result)) {
    const gate::Verdict verdict = ref.rule->verdict;
    if (verdict != gate::Verdict::kFail && verdict != gate::Verdict::kWarn &&
        verdict != gate::Verdict::kInconclusive) {
      continue;
    }
    const gate::ConfigLocation& origin = ref.rule->rule.origin;
    out += verdict == gate::Verdict::kFail ? "::error " : "::warning ";
    if (origin.line > 0 && !origin.file.starts_with("(")) {
      out += "file=" + Escape(origin.file, true) + ",line=" + std::to_string(origin.line) + ",";
    }
    out += "title=" + Escape("perfgate " + std::string(gate::VerdictName(verdict)) + ": " +
                                 ref.group->name + " " + ref.rule->rule.metric.name,
                             true);
    out += "::" + Escape(RuleSentence(result, *ref.group, *ref.rule), false) + "\n";
  }
  return out;
}

std::string RenderStepOutputs(const explain::ExplainedResult& report,
                              const std::string& report_path) {
  const gate::EvaluationResult& result = report.result;
  return "verdict=" + std::string(NameOf(kOverallNames, OverallVerdict(result))) +
         "\nfailed=" + std::to_string(result.Count(gate::Verdict::kFail)) +
         "\nreport=" + report_path + "\n";
}

}  // namespace perfgate::reports

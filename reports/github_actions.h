// GitHub Actions integration: workflow-command annotations for failed and warned rules
// (attached to the config line the limit came from), and the step outputs.
#ifndef PERFGATE_REPORTS_GITHUB_ACTIONS_H_
#define PERFGATE_REPORTS_GITHUB_ACTIONS_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// "::error file=thresholds.yaml,line=14,title=perfgate: POST /x p95::<sentence>" per failed
// rule, "::warning ..." per warned or inconclusive one, escaped as GitHub requires.
std::string RenderAnnotations(const explain::ExplainedResult& report);

// "verdict=fail\nfailed=2\nreport=perfgate-report.md\n" for $GITHUB_OUTPUT.
std::string RenderStepOutputs(const explain::ExplainedResult& report,
                              const std::string& report_path);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_GITHUB_ACTIONS_H_

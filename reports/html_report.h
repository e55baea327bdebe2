// One self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched) for a
// local comparison or a CI artifact: the verdict, what did not pass, and per transaction a
// latency-percentile chart of baseline against candidate with the limits drawn, and the
// rules with their numbers.
#ifndef PERFGATE_REPORTS_HTML_REPORT_H_
#define PERFGATE_REPORTS_HTML_REPORT_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// Deterministic: the same result gives the same bytes.
std::string RenderHtml(const explain::ExplainedResult& report);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_HTML_REPORT_H_

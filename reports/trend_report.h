// Renders `perfgate trend`: per transaction, its p50, p95 and error rate release by
// release with their intervals, as an aligned table, Markdown, JSON, or an HTML page whose
// chart draws each release's p50 and p95 with their intervals.
#ifndef PERFGATE_REPORTS_TREND_REPORT_H_
#define PERFGATE_REPORTS_TREND_REPORT_H_

#include <string>

#include "gate/trend.h"

namespace perfgate::reports {

std::string RenderTrendTable(const gate::Trend& trend, const std::string& title);
std::string RenderTrendMarkdown(const gate::Trend& trend, const std::string& title);
// {"schema_version", "title", "confidence", "releases", "transactions": [{"name", "events",
// "points": [{"release", "count", "p50_ms", "p50_ci", "p95_ms", "p95_ci", "error_rate",
// "error_rate_ci"} or null]}], "more"}.
std::string RenderTrendJson(const gate::Trend& trend, const std::string& title);
// A page of its own: a chart and a table per transaction, no script, no outside resource.
std::string RenderTrendHtml(const gate::Trend& trend, const std::string& title);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_TREND_REPORT_H_

// The charts of the HTML report as inline SVG: a transaction's latency by percentile with
// its limits, and why it got slower (each release's time per request by cause, and each
// cause's change with its interval). Render only; the page around them is html_report.cc.
#ifndef PERFGATE_REPORTS_SVG_CHARTS_H_
#define PERFGATE_REPORTS_SVG_CHARTS_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// Both releases' latency percentiles on a tail-stretching x axis (90 %, 99 % and 99.9 %
// equally apart) and a log y axis, with the group's duration limits. REQUIRES: a side with
// events.
std::string LatencyChartSvg(const gate::GroupResult& group);

// The group's other metrics (Web Vitals, tokens, Apdex, throughput, ...), a row each: both
// releases' values with their intervals (the baseline grey, the candidate in its worst
// verdict's colour), the absolute limits as dashed lines, and for a Web Vital Google's good,
// needs-improvement and poor bands. "" when the group has none.
std::string ValuesChartSvg(const gate::GroupResult& group);

// Each release's mean time per request on the critical path stacked by cause, then each
// cause's change as a bar with its `confidence` interval as a whisker.
std::string WhyChartSvg(const explain::Decomposition& decomposition, double confidence);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_SVG_CHARTS_H_

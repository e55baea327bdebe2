// The charts of the HTML report as inline SVG: a transaction's latency by percentile with
// its limits, its durations as densities and over time, its other metrics with their
// intervals, and why it got slower (each release's time per request by cause, each cause's
// change with its interval, the exemplars' spans). Render only; the page around them is
// html_report.cc.
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

// Both releases' durations as the share of events in each of 40 bins of equal width on a
// log axis (the latency chart's range), from their distributions; "" when a side has too
// few quantiles to draw one (aggregate mode).
std::string DensityChartSvg(const gate::GroupResult& group);

// Each release's p50 and p95 over its own time window (gate::kTimelineBuckets stretches),
// side by side on one log scale, with the events in each stretch and the p50 and p95
// limits: a regression that began mid-release shows as a step. "" when no side's events
// carry times.
std::string TimelineChartSvg(const gate::GroupResult& group);

// The group's metrics other than durations (error rate, Web Vitals, tokens, Apdex,
// throughput, ...), a row each: both releases' values with their intervals (the baseline
// grey, the candidate in its worst verdict's colour), the absolute limits as dashed lines,
// and for a Web Vital Google's good, needs-improvement and poor bands. "" when it has none.
std::string ValuesChartSvg(const gate::GroupResult& group);

// The spans of the slowest candidate exemplar and of the baseline one as waterfalls, one
// above the other on one time scale (each bar from its start to its end, indented by
// depth); "" when neither carries spans.
std::string WaterfallSvg(const explain::Explanation& why);

// Each release's mean time per request on the critical path stacked by cause, then each
// cause's change as a bar with its `confidence` interval as a whisker.
std::string WhyChartSvg(const explain::Decomposition& decomposition, double confidence);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_SVG_CHARTS_H_

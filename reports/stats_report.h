// Renders `perfgate stats`: an aligned table per group and overall, or JSON.
#ifndef PERFGATE_REPORTS_STATS_REPORT_H_
#define PERFGATE_REPORTS_STATS_REPORT_H_

#include <string>

#include "gate/source_summary.h"

namespace perfgate::reports {

// TRANSACTION, EVENTS, ERRORS, MEAN, MIN, each asked percentile, MAX; then a method line.
std::string RenderStatsTable(const gate::SourceSummary& summary);
// {"schema_version", "source", "percentile_method", "skipped_rows", "groups": [...]}.
std::string RenderStatsJson(const gate::SourceSummary& summary);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_STATS_REPORT_H_

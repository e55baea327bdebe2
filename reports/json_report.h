// The machine-readable report: one JSON document with a versioned schema
// (docs/json-report.md). Field names are stable within a schema_version; additions do not
// bump it, renames and removals do.
#ifndef PERFGATE_REPORTS_JSON_REPORT_H_
#define PERFGATE_REPORTS_JSON_REPORT_H_

#include <string>

#include "explain/explanations.h"
#include "gate/result.h"

namespace perfgate::reports {

// 2: groups carry `explanation` (why a transaction got slower, from its spans).
inline constexpr int kJsonSchemaVersion = 3;

// Deterministic, two-space indented, newline-terminated. Non-finite numbers (a change
// from a baseline of 0) are written as null.
std::string RenderJson(const explain::ExplainedResult& report);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_JSON_REPORT_H_

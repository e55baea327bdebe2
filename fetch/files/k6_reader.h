// k6 load-test results, in the two shapes k6 writes them:
// - `k6 run --out json=FILE`: one JSON object per line, {"type": "Metric", "data": {"name",
//   "type", "contains", ...}} declaring a metric, and {"type": "Point", "metric": NAME,
//   "data": {"time", "value", "tags": {...}}} for each sample. Every http_req_duration point
//   is an event (its value in ms), grouped by its `name` tag (k6 sets it to the URL unless
//   the script names the request), failed when its `expected_response` tag is "false" (or,
//   with no such tag, when its `status` is 0 or 400 and over: k6's default expected
//   statuses). The points of custom Trend metrics are kept as the values "k6.NAME" of their
//   request's group (their `name` tag, else their `group` tag, else "(test)"). Other
//   built-in metrics are not read.
// - the end-of-test summary (`--summary-export FILE`, or `handleSummary`'s data as JSON):
//   aggregates only, judged as Sentry's aggregate mode is (no interval, no test): the whole
//   test as one group "(all requests)", with http_req_duration's avg, min, med, max and
//   p(N), http_reqs' count and http_req_failed's failures; and each request `name` whose
//   submetrics the script defined (http_req_duration{name:X} with http_reqs{name:X}). k6's
//   own thresholds that failed become notes (the legacy export writes `true` for a failed
//   threshold, handleSummary `ok: false`).
#ifndef PERFGATE_FETCH_FILES_K6_READER_H_
#define PERFGATE_FETCH_FILES_K6_READER_H_

#include <string_view>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// `--out json` output. Errors name `source`, the 1-based line and, for JSON syntax errors,
// the column. Large inputs are read on several threads; the result does not depend on how
// many.
Result<SampleSet> ReadK6(std::string_view text, std::string_view source,
                         const ReadOptions& options);

// The end-of-test summary.
Result<SampleSet> ReadK6Summary(std::string_view text, std::string_view source,
                                const ReadOptions& options);

// True when `text` starts as k6's `--out json` output does ({"type":"Metric", ... or Point).
bool LooksLikeK6(std::string_view text);
// True when `text` is a JSON object with k6's summary keys ("metrics" with "root_group",
// "state" or "options").
bool LooksLikeK6Summary(std::string_view text);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_K6_READER_H_

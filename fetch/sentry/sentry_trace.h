// Sentry's trace view answer (GET /api/0/organizations/{org}/trace/{trace_id}/): a list of
// nodes, each a span with its children, one node per transaction's segment and its spans
// below it, errors beside them. Turned into the span tree of one transaction event, so an
// exemplar from Sentry can be broken down along its critical path like a trace from a file.
#ifndef PERFGATE_FETCH_SENTRY_SENTRY_TRACE_H_
#define PERFGATE_FETCH_SENTRY_SENTRY_TRACE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/samples.h"

namespace perfgate::fetch {

// Spans kept of one transaction's tree; a larger one is an error (the critical path's cost
// grows with the square of a span's children).
inline constexpr std::size_t kMaxTraceSpans = 5000;

// The tree of the transaction event `event_id` in `body`: its first node (depth first) of
// that event, then that node's descendants of the same event, breadth first; other events'
// nodes (transactions of other services) are left out, as their caller's span covers them.
// Times in ms from the event's start (start_timestamp/end_timestamp are Unix seconds).
// kUnavailable errors say what is wrong with the answer, naming `source`.
Result<SpanTree> SentryTraceTree(std::string_view body, const std::string& trace_id,
                                 const std::string& event_id, std::string_view source);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_SENTRY_TRACE_H_

// Span groups: spans that do the same work, named by their normalised description, as
// Sentry groups them (its `span.group` hashes the scrubbed `span.description`): literals in
// SQL become %s, ids in URLs and paths become *, a query string is dropped. A release that
// runs the same query a thousand times with a thousand ids then has one group, not a
// thousand. Pure.
#ifndef PERFGATE_EXPLAIN_SPAN_GROUPS_H_
#define PERFGATE_EXPLAIN_SPAN_GROUPS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace perfgate::explain {

// The longest group name kept; a longer normalised description is cut and ends in "...".
inline constexpr std::size_t kMaxGroupName = 200;

// The group of a span of `op` (Sentry's span.op) named `description`:
// - db ops (db, db.*): quoted strings and numbers become %s, `IN (%s, %s, ...)` becomes
//   `IN (%s)`, runs of white space one space;
// - http ops (http, http.*): the query string and fragment are dropped and every path
//   segment that is an id becomes *;
// - other ops: every word that is an id becomes *.
// An id is a run of digits, or of 8 or more hex digits and dashes holding a digit (hashes,
// UUIDs).
std::string SpanGroup(std::string_view op, std::string_view description);

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_SPAN_GROUPS_H_

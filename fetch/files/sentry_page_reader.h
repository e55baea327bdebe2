// Saved Sentry events API pages: the body of GET /api/0/organizations/{org}/events/,
// {"data": [{...}, ...], "meta": {...}}, with each element of "data" one event. A bare
// JSON array of event objects is accepted too.
#ifndef PERFGATE_FETCH_FILES_SENTRY_PAGE_READER_H_
#define PERFGATE_FETCH_FILES_SENTRY_PAGE_READER_H_

#include <optional>
#include <string_view>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// JSON syntax errors name `source`:line:column; a bad event names its index, "data[17]".
Result<SampleSet> ReadSentryPage(std::string_view text, std::string_view source,
                                 const ReadOptions& options);

// Adds one page's events to `samples` and its bad events to `bad_rows` (which decides
// whether a bad event stops the read). For pages fetched one after another.
// At most `limit` events are added (all are still validated): a sample cap cuts exactly.
// Durations and ops-breakdown times are in the unit the page's meta.units gives them, else
// in `unit`.
Status ReadSentryPageInto(std::string_view text, std::string_view source, SampleSetBuilder& samples,
                          BadRowLog& bad_rows, std::size_t limit = static_cast<std::size_t>(-1),
                          DurationUnit unit = DurationUnit::kMilliseconds);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_SENTRY_PAGE_READER_H_

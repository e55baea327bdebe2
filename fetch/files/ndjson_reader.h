// NDJSON / JSON Lines: one JSON object per line, each one event (see row_fields.h for
// the field names). Blank lines are allowed. Large inputs are parsed on several threads,
// split at line boundaries; the result is the same for any thread count.
#ifndef PERFGATE_FETCH_FILES_NDJSON_READER_H_
#define PERFGATE_FETCH_FILES_NDJSON_READER_H_

#include <string_view>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// Errors name `source`, the 1-based line and, for JSON syntax errors, the column.
Result<SampleSet> ReadNdjson(std::string_view text, std::string_view source,
                             const ReadOptions& options);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_NDJSON_READER_H_

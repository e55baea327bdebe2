// CSV (RFC 4180): a header row naming the columns (perfgate's or Sentry's names, see
// row_fields.h; Sentry Discover's CSV export works as it is), then one event per record.
// Quoted fields may hold commas, doubled quotes and line breaks. A UTF-8 BOM is ignored.
#ifndef PERFGATE_FETCH_FILES_CSV_READER_H_
#define PERFGATE_FETCH_FILES_CSV_READER_H_

#include <string_view>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// Errors name `source` and the 1-based line where the record starts. A header without a
// duration column, and an unterminated quote, stop the read whatever the bad-row policy.
Result<SampleSet> ReadCsv(std::string_view text, std::string_view source,
                          const ReadOptions& options);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_CSV_READER_H_

// The OTLP/JSON reader of one record from a DOM: every variant real producers write (hex
// or base64 ids, enums by number or name, times as strings or numbers, the older keys,
// Jaeger's and Tempo's envelopes), and a message for every fault, naming its place. The
// streaming reader (otlp_fast_reader.h) hands it every record it does not take.
#ifndef PERFGATE_FETCH_FILES_OTLP_DOM_READER_H_
#define PERFGATE_FETCH_FILES_OTLP_DOM_READER_H_

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "fetch/files/otlp_span.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch::otlp {

// Parses JSON values, each filling all of a text (but whitespace), into storage that is
// reused: a record's DOM lives until the next Parse (one monotonic arena, not an
// allocation per node).
class RecordParser {
 public:
  RecordParser();
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // The value of `text`, valid until the next call; on failure, nullptr, with where
  // (`error_offset` into `text`) and what.
  const boost::json::value* Parse(std::string_view text, std::size_t& error_offset,
                                  std::string& error);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Appends every span of one ExportTraceServiceRequest `record` to `spans` (service names
// and versions interned in `strings`); `line` is the record's first line. A bad span is
// recorded in `bad_rows`; false when reading must stop (--on-bad-row=fail). The spans'
// attributes named by `value_keys` are read as values too (FinishSpan).
bool ReadRecord(const boost::json::value& record, std::size_t line, std::vector<Span>& spans,
                std::set<std::string>& strings, BadRowLog& bad_rows, ValueKeys value_keys = {});

}  // namespace perfgate::fetch::otlp

#endif  // PERFGATE_FETCH_FILES_OTLP_DOM_READER_H_

// The streaming reader of one OTLP/JSON Lines record in the Collector's shape: Boost.JSON's
// SAX parser fills spans directly, with no DOM. Any surprise (an envelope, a value of an
// unexpected type, an id that is neither hex nor base64, times out of order) makes it give
// up on the record, which the DOM reader (otlp_dom_reader.h) then reads, so every message
// and every variant is handled in one place. For a record it accepts, it makes the spans
// the DOM reader would (a test checks it on every fixture).
#ifndef PERFGATE_FETCH_FILES_OTLP_FAST_READER_H_
#define PERFGATE_FETCH_FILES_OTLP_FAST_READER_H_

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/files/otlp_span.h"

namespace perfgate::fetch::otlp {

class FastRecordReader {
 public:
  // Spans go to `spans`, service names and versions interned in `strings`; both outlive it,
  // as do `value_keys`, the further attributes read as values (FinishSpan).
  FastRecordReader(std::vector<Span>& spans, std::set<std::string>& strings,
                   ValueKeys value_keys = {});
  ~FastRecordReader();
  FastRecordReader(const FastRecordReader&) = delete;
  FastRecordReader& operator=(const FastRecordReader&) = delete;

  // Reads `record` (one line) whole and returns true, or takes back what it added and
  // returns false (the DOM reader's turn).
  bool Read(std::string_view record);

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace perfgate::fetch::otlp

#endif  // PERFGATE_FETCH_FILES_OTLP_FAST_READER_H_

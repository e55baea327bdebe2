// How sample files are read, shared by every reader and the dispatcher above them: the
// options of one read (bad rows, threads, release, duration unit), the input limits, and
// the log of bad rows. Readers include this, never the dispatcher (sample_reader.h).
#ifndef PERFGATE_FETCH_FILES_READ_OPTIONS_H_
#define PERFGATE_FETCH_FILES_READ_OPTIONS_H_

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/enum_names.h"
#include "core/result.h"
#include "core/samples.h"

namespace perfgate::fetch {

enum class BadRowPolicy {
  kFail,  // the first bad row is an error (the default)
  kSkip,  // bad rows are dropped, counted, and the first few kept for the report
};
inline constexpr NameTable<BadRowPolicy, 2> kBadRowPolicyNames = {
    {{BadRowPolicy::kFail, "fail"}, {BadRowPolicy::kSkip, "skip"}}};

// Input limits, each a clear error instead of unbounded memory or time (README "Limits").
// An NDJSON line or a CSV record (an event is a few hundred bytes; Sentry caps names at
// 200 characters):
inline constexpr std::size_t kMaxRecordBytes = std::size_t{1} << 20;
inline constexpr std::size_t kMaxCsvColumns = 1000;
// Distinct transaction names in one source: more means unparameterised names (an id in
// every URL), which no per-transaction verdict can use.
inline constexpr std::size_t kMaxGroups = 100'000;
// A sample source that is not a regular file (a pipe, a device) is read into memory up to
// this; regular files are mapped, whatever their size.
inline constexpr std::size_t kMaxStreamBytes = std::size_t{512} << 20;

// The unit of the durations in a file (--duration-unit); perfgate works in milliseconds.
enum class DurationUnit { kSeconds, kMilliseconds, kMicroseconds, kNanoseconds };
inline constexpr NameTable<DurationUnit, 4> kDurationUnitNames = {
    {{DurationUnit::kSeconds, "s"},
     {DurationUnit::kMilliseconds, "ms"},
     {DurationUnit::kMicroseconds, "us"},
     {DurationUnit::kNanoseconds, "ns"}}};

// Milliseconds in one `unit`.
double MsPer(DurationUnit unit);

struct ReadOptions {
  BadRowPolicy on_bad_row = BadRowPolicy::kFail;
  // Threads for large NDJSON inputs; 0 picks the number of cores. Results never depend on it.
  unsigned threads = 0;
  // When set, only this release's transactions are read: one OTLP file holding several
  // releases (service.version) is split by it. Other formats refuse it (kUsage).
  std::string release;
  // The unit of the file's durations and ops-breakdown times (NDJSON, CSV, Sentry pages;
  // OTLP has nanosecond timestamps and refuses another). A Sentry page's meta.units, when it
  // gives one for the duration, wins over the default. Each reader scales its own samples
  // to milliseconds: the one owner of the unit, whoever calls it.
  DurationUnit duration_unit = DurationUnit::kMilliseconds;
  // Keep each event's status, time and ids (EventDetails), to save it whole: perfgate's own
  // files (the cache, fetch -o) and Sentry's pages are read so.
  bool keep_details = false;
  // Span attributes read as numbers besides the token counts every OTLP read keeps (the
  // keys of the config's span.KEY and sum_per_request(KEY) rules). Other formats ignore it.
  std::vector<std::string> span_values{};
};

// Collects the bad rows of one read: under kFail the first is returned as the error,
// under kSkip all are counted and the first kMaxExamples kept for the report.
class BadRowLog {
 public:
  static constexpr std::size_t kMaxExamples = 5;

  BadRowLog(BadRowPolicy policy, std::string_view source) : policy_(policy), source_(source) {}
  // Records a bad row at 1-based `line` and `column` (0 when not known) of the source.
  // Returns false when reading must stop (policy kFail).
  bool Record(std::size_t line, std::size_t column, std::string reason);
  // Adds `later`'s rows after this log's, their line numbers moved down by `line_offset`.
  void Append(BadRowLog&& later, std::size_t line_offset);
  // The error to stop with, once Record() returned false.
  Error StopError() const;
  // Writes the count and the examples ("file:line: reason") into `set`.
  void CopyTo(SampleSet& set) const;

 private:
  struct Entry {
    std::size_t line;
    std::size_t column;
    std::string reason;
  };
  std::string Format(const Entry& entry) const;

  BadRowPolicy policy_;
  std::string source_;
  std::size_t count_ = 0;
  std::vector<Entry> examples_;
};

// 1-based line and column of byte `offset` in `text`, for messages.
std::pair<std::size_t, std::size_t> LineColumn(std::string_view text, std::size_t offset);

// The next line of a chunk from `cursor` (advanced past its line break), without the break.
// REQUIRES: cursor < end.
inline std::string_view NextLine(const char*& cursor, const char* end) {
  const char* newline =
      static_cast<const char*>(std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor)));
  const char* line_end = newline ? newline : end;
  const std::string_view line(cursor, static_cast<std::size_t>(line_end - cursor));
  cursor = newline ? newline + 1 : end;
  return line;
}

// True when a line holds only spaces, tabs and a carriage return.
inline bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// `text` split into pieces that end at line boundaries, one per thread a line-by-line reader
// should use on it (`threads`, 0 for the number of cores; one per 4 MiB at most: smaller
// pieces are not worth a thread).
std::vector<std::string_view> SplitForThreads(std::string_view text, unsigned threads);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_READ_OPTIONS_H_

#include "fetch/files/sample_reader.h"

#include "fetch/files/csv_reader.h"
#include "fetch/files/k6_reader.h"
#include "fetch/files/ndjson_reader.h"
#include "fetch/files/otlp_reader.h"
#include "fetch/files/sentry_envelope.h"
#include "fetch/files/sentry_page_reader.h"

namespace perfgate::fetch {

Result<InputFormat> InputFormatForPath(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) { return path.ends_with(suffix); };
  if (ends_with(".otlp.json") || ends_with(".otlp.jsonl")) return InputFormat::kOtlp;
  if (ends_with(".ndjson") || ends_with(".jsonl")) return InputFormat::kNdjson;
  if (ends_with(".csv")) return InputFormat::kCsv;
  if (ends_with(".json")) return InputFormat::kSentryJson;
  return MakeError(ErrorKind::kUsage,
                   std::string(path) +
                       ": cannot tell the format from the file name; name it .ndjson, .jsonl, "
                       ".csv, .json, .otlp.json or .otlp.jsonl, or pass --format "
                       "ndjson|csv|json|otlp|k6|k6-summary");
}

namespace {

// The first line of `text` without its line break.
std::string_view FirstLine(std::string_view text) {
  std::string_view line = text.substr(0, text.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// True when `text` looks like NDJSON: its first line is one object and another follows.
bool LooksLikeNdjson(std::string_view text) {
  std::string_view first = FirstLine(text);
  const std::size_t next = first.size() < text.size() ? text.find('{', first.size()) : text.npos;
  return first.starts_with('{') && first.ends_with('}') && next != text.npos &&
         text.substr(first.size(), next - first.size()).find_first_not_of(" \t\r\n") == text.npos;
}

// The format of standard input, from its first line: OTLP's resourceSpans, one object per
// line (NDJSON), a JSON page or array, else CSV.
InputFormat SniffFormat(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const std::string_view first = FirstLine(text);
  if (first.find("\"resourceSpans\"") != first.npos) return InputFormat::kOtlp;
  if (LooksLikeK6(text)) return InputFormat::kK6;
  if (LooksLikeK6Summary(text)) return InputFormat::kK6Summary;
  if (LooksLikeSentryEvents(text)) return InputFormat::kSentryEvents;
  // Objects line by line, or one object that is an event rather than a page of them.
  if (LooksLikeNdjson(text) ||
      (first.starts_with('{') && first.ends_with('}') && first.find("\"data\"") == first.npos))
    return InputFormat::kNdjson;
  if (first.starts_with('{') || first.starts_with('[')) return InputFormat::kSentryJson;
  return InputFormat::kCsv;
}

}  // namespace

Result<SampleSet> ReadSamples(std::string_view text, std::string_view source, InputFormat format,
                              const ReadOptions& options) {
  if (!options.release.empty() && format != InputFormat::kOtlp &&
      format != InputFormat::kSentryEvents) {
    return MakeError(ErrorKind::kUsage, std::string(source) +
                                            ": a release can be picked out of an OTLP file only "
                                            "(by service.version); give each release its own file");
  }
  // A UTF-8 byte order mark (as Windows tools write) is not part of the data.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.starts_with("\x1F\x8B")) {  // k6's json=FILE.gz, a gzipped export
    return MakeError(ErrorKind::kInput,
                     std::string(source) + ": gzip-compressed; decompress it first (gunzip)");
  }
  Result<SampleSet> read = [&]() -> Result<SampleSet> {
    switch (format) {
      case InputFormat::kNdjson:
        return ReadNdjson(text, source, options);
      case InputFormat::kCsv:
        return ReadCsv(text, source, options);
      case InputFormat::kSentryJson:
        return ReadSentryPage(text, source, options);
      case InputFormat::kOtlp:
        return ReadOtlp(text, source, options);
      case InputFormat::kK6:
        return ReadK6(text, source, options);
      case InputFormat::kK6Summary:
        return ReadK6Summary(text, source, options);
      case InputFormat::kSentryEvents:
        return ReadSentryEvents(text, source, options);
    }
    return MakeError(ErrorKind::kInternal, "unknown input format");
  }();
  if (!read.ok() && format == InputFormat::kSentryJson && LooksLikeNdjson(text)) {
    return MakeError(read.error().kind,
                     read.error().message +
                         "; this looks like NDJSON (one event per line): pass --format ndjson");
  }
  if (read.ok() && read->groups.size() > kMaxGroups) {
    return MakeError(ErrorKind::kInput,
                     std::string(source) + ": " + std::to_string(read->groups.size()) +
                         " distinct transaction names, more than the " +
                         std::to_string(kMaxGroups) +
                         " perfgate judges; names with ids in them need parameterising "
                         "(/users/123 as /users/{id}), as Sentry does");
  }
  if (read.ok() && read->TotalEvents() == 0) {
    std::string message = std::string(source) + ": no samples";
    if (read->skipped_rows > 0) {
      message += ": all " + std::to_string(read->skipped_rows) +
                 " rows were bad; the first: " + read->skipped_examples.front();
    } else {
      message += " (the input has no rows)";
    }
    return MakeError(ErrorKind::kInput, message);
  }
  return read;
}

Result<SampleSet> ReadSampleFile(FileSystem& fs, const std::string& path,
                                 std::optional<InputFormat> format, const ReadOptions& options) {
  const bool stdin = path == "-";
  const bool from_name = !format && !stdin;
  if (from_name) {
    Result<InputFormat> guessed = InputFormatForPath(path);
    if (!guessed.ok()) return guessed.error();
    format = *guessed;
  }
  Result<FileBytes> bytes = fs.MapFile(stdin ? "/dev/stdin" : path, kMaxStreamBytes);
  if (!bytes.ok()) return bytes.error();
  if (!format) {
    format = SniffFormat(bytes->view());
  } else if (from_name &&
             (*format == InputFormat::kSentryJson || *format == InputFormat::kNdjson)) {
    // k6 writes .json (and users .jsonl) files, and Sentry's SDK events are JSON lines:
    // their content tells them from Sentry's pages and perfgate's NDJSON.
    const InputFormat sniffed = SniffFormat(bytes->view());
    if (sniffed == InputFormat::kK6 || sniffed == InputFormat::kK6Summary ||
        sniffed == InputFormat::kSentryEvents)
      format = sniffed;
  }
  return ReadSamples(bytes->view(), stdin ? "(stdin)" : path, *format, options);
}

}  // namespace perfgate::fetch

// Reading samples from text: the formats perfgate accepts and how one is chosen, then the
// reader of that format (read_options.h says how). Pure: text and a source name in, a
// SampleSet or an Error out.
#ifndef PERFGATE_FETCH_FILES_SAMPLE_READER_H_
#define PERFGATE_FETCH_FILES_SAMPLE_READER_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/enum_names.h"
#include "core/file_system.h"
#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

enum class InputFormat {
  kNdjson,        // one JSON object per line (.ndjson, .jsonl)
  kCsv,           // a header row, then one event per record (.csv)
  kSentryJson,    // a saved events API page {"data": [...], "meta": {...}}, or an array (.json)
  kOtlp,          // OpenTelemetry OTLP/JSON traces (.otlp.json, .otlp.jsonl)
  kK6,            // k6's --out json results (told by their content, or --format k6)
  kK6Summary,     // k6's end-of-test summary (told by its content, or --format k6-summary)
  kSentryEvents,  // Sentry SDK transaction events, one per line, or a saved envelope (told
                  // by their content, or --format sentry-events)
};

// --format's names; "jsonl" is another name for NDJSON.
inline constexpr NameTable<InputFormat, 8> kInputFormatNames = {
    {{InputFormat::kNdjson, "ndjson"},
     {InputFormat::kNdjson, "jsonl"},
     {InputFormat::kCsv, "csv"},
     {InputFormat::kSentryJson, "json"},
     {InputFormat::kOtlp, "otlp"},
     {InputFormat::kK6, "k6"},
     {InputFormat::kK6Summary, "k6-summary"},
     {InputFormat::kSentryEvents, "sentry-events"}}};
// The format named by `path`'s extension, or a kUsage error that says how to choose one.
// k6's files are .json like Sentry's pages: ReadSampleFile tells them apart by content.
Result<InputFormat> InputFormatForPath(std::string_view path);

// Reads `text` in `format`. `source` names the input in messages ("base.ndjson:17: ...").
// No rows at all is a kInput error: an empty release must not look like a passing one.
Result<SampleSet> ReadSamples(std::string_view text, std::string_view source, InputFormat format,
                              const ReadOptions& options);

// Reads the file at `path` through `fs`, in `format` or the one its extension names. The
// path "-" is standard input, whose format is told by its first line when not given.
Result<SampleSet> ReadSampleFile(FileSystem& fs, const std::string& path,
                                 std::optional<InputFormat> format, const ReadOptions& options);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_SAMPLE_READER_H_

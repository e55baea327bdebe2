// OpenTelemetry traces in OTLP/JSON: one ExportTraceServiceRequest per line, as the
// Collector's file exporter writes them (.otlp.jsonl), or one such document (.otlp.json,
// the specification's example). A transaction is a local root span: one without a parent,
// with a remote parent (flags 0x300), or whose parent belongs to another service or is not
// in the input. Its name is "{method} {http.route}" where the route is known, else the span
// name; it failed when its status is ERROR (as Sentry maps OTel statuses); its duration is
// end - start. Liberal in what real producers write: hex or base64 ids, kind and status as
// numbers or enum names, nanosecond times as strings or numbers, scopeSpans or the older
// instrumentationLibrarySpans, and the envelopes of Jaeger ({"result": ...}) and Tempo
// ({"batches": [...]}).
#ifndef PERFGATE_FETCH_FILES_OTLP_READER_H_
#define PERFGATE_FETCH_FILES_OTLP_READER_H_

#include <string_view>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// JSON syntax errors name `source`:line:column; a bad span names its record's line and its
// place ("resourceSpans[0].scopeSpans[1].spans[3]") and what is wrong with it.
Result<SampleSet> ReadOtlp(std::string_view text, std::string_view source,
                           const ReadOptions& options);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_OTLP_READER_H_

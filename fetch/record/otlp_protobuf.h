// OTLP/HTTP's binary form: an ExportTraceServiceRequest in protobuf (what most SDKs send to
// /v1/traces by default), decoded by hand from the wire format into the same request in
// OTLP/JSON, the form perfgate's readers and the Collector's file exporter use. The few
// messages needed are written here from the OTLP specification (opentelemetry-proto,
// trace/v1, common/v1, resource/v1, collector/trace/v1); unknown fields are skipped as
// protobuf requires, so newer senders still decode.
#ifndef PERFGATE_FETCH_RECORD_OTLP_PROTOBUF_H_
#define PERFGATE_FETCH_RECORD_OTLP_PROTOBUF_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace perfgate::fetch {

// A request decoded: its OTLP/JSON text (one line: ids as lowercase hex, 64-bit integers
// as strings, enums as numbers, as the OTLP/JSON encoding allows) and its spans.
struct DecodedTraces {
  std::string json;
  std::size_t spans = 0;
};

// Decodes the protobuf ExportTraceServiceRequest `body`. A body that is not one (a
// truncated field, a wire type that cannot be, nesting deeper than kMaxProtobufDepth) is a
// kInput error saying where.
Result<DecodedTraces> DecodeOtlpProtobuf(std::string_view body);

// How deep attribute values may nest (arrays and key-value lists in values): a bound on
// the decoder's recursion, far above what any SDK sends.
inline constexpr int kMaxProtobufDepth = 32;

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_RECORD_OTLP_PROTOBUF_H_

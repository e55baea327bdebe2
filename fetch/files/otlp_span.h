// OpenTelemetry spans as the OTLP readers make them (otlp_reader.cc and its two record
// readers): a span's ids, times, op and names, the enum values and attributes read from
// OTLP/JSON, and how a span's op, failure and transaction name are derived (as Sentry's
// Relay does). Shared by the DOM reader, the streaming reader and the tree building.
#ifndef PERFGATE_FETCH_FILES_OTLP_SPAN_H_
#define PERFGATE_FETCH_FILES_OTLP_SPAN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perfgate::fetch::otlp {

// A trace id's 16 bytes, big-endian halves.
struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const TraceId&) const = default;
};

// What a span contributes: its place in the trace, its part of a tree and, should it be a
// local root, its transaction. Ids are kept as numbers (0: absent): a span is read a
// million times over, and a hex string of 16 or 32 characters is a heap allocation each.
struct Span {
  TraceId trace_id;
  std::uint64_t span_id = 0;
  std::uint64_t parent_id = 0;           // 0 for a root
  const std::string* service = nullptr;  // interned: equal services are the same pointer
  const std::string* version = nullptr;
  bool remote_parent = false;
  std::string name;
  std::string transaction;  // "{method} {route}" where known; empty: the name is
  std::string op;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  bool failed = false;
  // The span's numeric value attributes (token counts, the keys a read was asked for), by
  // key.
  std::vector<std::pair<std::string_view, double>> values;
  // Its `measurements.*` attributes that read as numbers (a Sentry transaction's Web
  // Vitals, as perfgate record writes them): values of the event a root span is.
  std::vector<std::pair<std::string, double>> measurements;
};

// How a measurement attribute's key starts.
inline constexpr std::string_view kMeasurementPrefix = "measurements.";

// Adds measurement `key` of `span` when `text` reads as a finite number; the first of a
// repeated key wins.
void AddMeasurement(Span& span, std::string_view key, std::string_view text);

// The shortest text that reads back as `value`: a doubleValue attribute kept as text, as
// the other attribute values are.
std::string NumberText(double value);

// A trace id as lowercase hex, for links.
std::string Hex(const TraceId& id);

// A JSON value's fault, as a message: thrown within one span and caught by its reader.
struct Fault {
  std::string message;
};

// An id of `bytes` (8 or 16) bytes as big-endian numbers in `out` (out[0] the first 8
// bytes): OTLP/JSON writes hex (either case), protobuf's own JSON mapping base64. False
// for an empty text; a text that is neither throws a Fault naming `key`.
bool DecodeId(std::string_view text, std::string_view key, std::size_t bytes, std::uint64_t out[2]);

inline constexpr std::array<std::string_view, 3> kStatusCodes = {
    "STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
inline constexpr int kStatusError = 2;
inline constexpr std::array<std::string_view, 6> kSpanKinds = {
    "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
// SpanFlags: the parent's remoteness is known, and it is remote.
inline constexpr std::uint64_t kHasIsRemote = 0x100;
inline constexpr std::uint64_t kIsRemote = 0x200;
inline constexpr int kKindServer = 2;
inline constexpr int kKindClient = 3;

// The span attributes perfgate reads: the op's inputs, and the route and method of a name.
enum SpanAttribute : std::size_t {
  kSentryOp,
  kRequestMethod,
  kOldMethod,  // http.method, before semantic conventions 1.21
  kDbSystemName,
  kDbSystem,
  kGenAiOperation,
  kGenAiProvider,
  kGenAiSystem,
  kRpcService,
  kMessagingSystem,
  kFaasTrigger,
  kRoute,
  kFirstValueAttribute,  // from here on, numbers: the token counts of AI spans
  kSpanAttributes = kFirstValueAttribute + 8,
};
inline constexpr std::array<std::string_view, kSpanAttributes> kSpanAttributeKeys = {
    "sentry.op", "http.request.method", "http.method", "db.system.name", "db.system",
    "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system", "rpc.service",
    "messaging.system", "faas.trigger", "http.route",
    // OpenTelemetry's GenAI conventions (1.28 on; prompt and completion before), and the
    // names Sentry's SDKs gave them: a span's tokens, read as numbers.
    "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.usage.total_tokens",
    "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "ai.prompt_tokens",
    "ai.completion_tokens", "ai.total_tokens"};
using SpanAttributes = std::array<std::optional<std::string>, kSpanAttributes>;

// Further numeric attributes a read is asked for (ReadOptions::span_values), beyond the
// token counts of kSpanAttributeKeys, and their values on one span (nullopt: absent).
using ValueKeys = std::span<const std::string>;
using ValueTexts = std::vector<std::optional<std::string>>;

// Completes a span read up to its ids, times and name: its op (Sentry's span.op: `sentry.op`
// where set, else derived from the semantic conventions as Relay does), failure, transaction
// name ("{method} {http.route}" where the route is known) and value attributes (those of
// `attributes` and of `extra` that read as finite numbers; `extra[j]` is the value of
// `extra_keys[j]`, which must outlive the span's values).
void FinishSpan(Span& span, int kind, int status_code, const SpanAttributes& attributes,
                ValueKeys extra_keys = {}, const ValueTexts& extra = {});

}  // namespace perfgate::fetch::otlp

#endif  // PERFGATE_FETCH_FILES_OTLP_SPAN_H_

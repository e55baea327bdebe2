// What Sentry's SDKs send, as perfgate record keeps it and as perfgate reads it from files:
// an envelope (a header line, then items, each a header line and a payload) or a bare event
// (the legacy /store/ endpoint, or a file of events saved from Sentry's event API), its
// transactions and streamed spans turned into one OTLP/JSON ExportTraceServiceRequest, so
// a recording is one format whichever SDK sent it, and saved events read as recordings do.
//
// A transaction event becomes its root span (contexts.trace: ids, op, status, data; the
// event's transaction name and times) and its child spans; a span v2 item (the span
// streaming of current SDKs: `traceLifecycle: 'stream'`, or AI spans beside a transaction)
// becomes its spans, a segment (is_segment) being a root. Every span keeps its op
// (attribute sentry.op), its status (failed unless ok, cancelled or unknown, as Sentry's
// failure_rate() counts) and its data attributes; a transaction's measurements (Web Vitals)
// become root attributes measurements.NAME in milliseconds (or as given when not a time),
// which the OTLP reader makes event values. Resources are per release (service.version)
// and environment; service.name is "sentry:PROJECT".
#ifndef PERFGATE_FETCH_FILES_SENTRY_ENVELOPE_H_
#define PERFGATE_FETCH_FILES_SENTRY_ENVELOPE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/samples.h"
#include "fetch/files/read_options.h"

namespace perfgate::fetch {

// One envelope item: its header's type ("transaction", "span", "event", ...) and payload.
struct EnvelopeItem {
  std::string type;
  std::string_view payload;  // into the body given to ParseEnvelope
};

struct Envelope {
  std::string event_id;     // the header's, or ""
  std::string release;      // the header's trace.release, or ""
  std::string environment;  // the header's trace.environment, or ""
  std::vector<EnvelopeItem> items;
};

// Splits an envelope. An item header's "length" is its payload's size in bytes; without
// one the payload runs to the end of its line. A header that is not a JSON object, or a
// length past the body, is a kInput error naming the item.
Result<Envelope> ParseEnvelope(std::string_view body);

// What one envelope or event gave.
struct SentrySpans {
  std::string otlp_json;         // an ExportTraceServiceRequest in OTLP/JSON
  std::size_t transactions = 0;  // transaction events
  std::size_t spans = 0;         // spans in all
  std::size_t other_items = 0;   // items of other types (errors, sessions, ...), not kept
  std::string event_id;          // for the reply
};

// The spans of envelope `body` sent to project `project`. A transaction or span item that
// is not what Sentry's SDKs send (not JSON, no ids or times) is a kInput error.
Result<SentrySpans> SentryEnvelopeSpans(std::string_view body, std::string_view project);

// The same for a bare event (POST /api/PROJECT/store/): a transaction event, or another
// event type (kept as nothing).
Result<SentrySpans> SentryEventSpans(std::string_view body, std::string_view project);

// True when `text` is Sentry's events rather than perfgate's flat NDJSON: its first line is
// a transaction event ("type": "transaction" with "contexts"), or an envelope's header
// followed by an item header.
bool LooksLikeSentryEvents(std::string_view text);

// Reads a file of Sentry transaction events (one per line, as an SDK sends them or Sentry's
// event API gives them), or one saved envelope, as the OTLP reader reads what perfgate
// record wrote of them. A line that is not a transaction event is a bad row
// ("events.ndjson:3: a Sentry event: ..."); other event types are skipped and said.
Result<SampleSet> ReadSentryEvents(std::string_view text, std::string_view source,
                                   const ReadOptions& options);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_FILES_SENTRY_ENVELOPE_H_

#include "fetch/files/sentry_envelope.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/span_status.h"
#include "core/timestamp.h"
#include "fetch/files/otlp_reader.h"
#include "fetch/files/row_fields.h"

namespace perfgate::fetch {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// A fault in one item, said with what it is.
struct Bad : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const value* At(const object& o, std::string_view key) {
  const value* found = o.if_contains(key);
  return found != nullptr && !found->is_null() ? found : nullptr;
}

std::string TextAt(const object& o, std::string_view key) {
  const value* found = At(o, key);
  return found != nullptr && found->is_string() ? std::string(found->as_string()) : "";
}

const object& ObjectOf(const value& v, const char* what) {
  if (!v.is_object()) throw Bad(std::string(what) + " is not a JSON object");
  return v.as_object();
}

// A Sentry time (seconds since the epoch as a number, or an RFC 3339 text) in nanoseconds,
// to the microsecond the SDKs measure.
std::string Nanos(const object& o, std::string_view key, const char* what) {
  const value* found = At(o, key);
  std::optional<double> seconds;
  if (found != nullptr && found->is_number()) seconds = found->to_number<double>();
  if (found != nullptr && found->is_string()) seconds = ParseIsoTimestamp(found->as_string());
  if (!seconds || !std::isfinite(*seconds) || *seconds < 0 || *seconds > 1e11)
    throw Bad(std::string(what) + " has no " + std::string(key) + " time");
  return std::to_string(std::llround(*seconds * 1e6)) + "000";
}

// An id of `digits` hex digits, lowercase; else the item is refused.
std::string HexId(const object& o, std::string_view key, std::size_t digits, const char* what) {
  std::string id = TextAt(o, key);
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (id.size() != digits || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw Bad(std::string(what) + " has no " + std::string(key) + " of " + std::to_string(digits) +
              " hex digits");
  return id;
}

// An OTLP attribute of a JSON value: strings, booleans, integers (as OTLP/JSON's text),
// doubles; anything else as its JSON text.
object Attribute(std::string_view key, const value& v) {
  object typed;
  if (v.is_string()) {
    typed["stringValue"] = v.as_string();
  } else if (v.is_bool()) {
    typed["boolValue"] = v.as_bool();
  } else if (v.is_int64()) {
    typed["intValue"] = std::to_string(v.as_int64());
  } else if (v.is_uint64()) {
    typed["intValue"] = std::to_string(v.as_uint64());
  } else if (v.is_double()) {
    typed["doubleValue"] = v.as_double();
  } else {
    typed["stringValue"] = boost::json::serialize(v);
  }
  return object{{"key", key}, {"value", std::move(typed)}};
}

// The OTLP status of a Sentry status: failed as Sentry's failure_rate() counts it.
object Status(std::string_view status) {
  if (status.empty()) return object{};
  if (!IsFailureStatus(status)) return object{{"code", status == "ok" ? 1 : 0}};
  return object{{"code", 2}, {"message", status}};
}

// The spans of one request, grouped in resources by release and environment.
class Spans {
 public:
  array& Of(const std::string& release, const std::string& environment) {
    for (Group& group : groups_) {
      if (group.release == release && group.environment == environment) return group.spans;
    }
    groups_.push_back({release, environment, {}});
    return groups_.back().spans;
  }
  std::size_t size() const {
    std::size_t spans = 0;
    for (const Group& group : groups_) spans += group.spans.size();
    return spans;
  }
  std::string Json(std::string_view project) const {
    array resources;
    for (const Group& group : groups_) {
      array attributes = {Attribute("service.name", value("sentry:" + std::string(project)))};
      if (!group.release.empty())
        attributes.push_back(Attribute("service.version", value(group.release)));
      if (!group.environment.empty())
        attributes.push_back(Attribute("deployment.environment.name", value(group.environment)));
      resources.push_back(object{{"resource", object{{"attributes", std::move(attributes)}}},
                                 {"scopeSpans", array{object{{"scope", object{{"name", "sentry"}}},
                                                             {"spans", group.spans}}}}});
    }
    return boost::json::serialize(object{{"resourceSpans", std::move(resources)}});
  }

 private:
  struct Group {
    std::string release;
    std::string environment;
    array spans;
  };
  std::vector<Group> groups_;
};

// A span of a transaction event (its root from contexts.trace, or one of `spans`).
object TransactionSpan(const object& span, const std::string& trace_id, std::string name,
                       const std::string& start, const std::string& end, const char* what) {
  object out{{"traceId", At(span, "trace_id") ? HexId(span, "trace_id", 32, what) : trace_id},
             {"spanId", HexId(span, "span_id", 16, what)},
             {"name", std::move(name)},
             {"startTimeUnixNano", start},
             {"endTimeUnixNano", end}};
  if (At(span, "parent_span_id")) out["parentSpanId"] = HexId(span, "parent_span_id", 16, what);
  array attributes;
  if (const std::string op = TextAt(span, "op"); !op.empty())
    attributes.push_back(Attribute("sentry.op", value(op)));
  if (const value* data = At(span, "data"); data && data->is_object()) {
    for (const auto& entry : data->as_object()) {
      if (entry.key() == "sentry.op") continue;  // the op above is Sentry's own
      attributes.push_back(Attribute(entry.key(), entry.value()));
    }
  }
  out["attributes"] = std::move(attributes);
  const std::string status = TextAt(span, "status");
  if (!status.empty()) out["status"] = Status(status);
  return out;
}

void AddTransaction(const object& event, const std::string& release, const std::string& environment,
                    Spans& spans) {
  const value* contexts = At(event, "contexts");
  const value* trace_value =
      contexts && contexts->is_object() ? At(contexts->as_object(), "trace") : nullptr;
  if (trace_value == nullptr) throw Bad("a transaction has no contexts.trace");
  const object& trace = ObjectOf(*trace_value, "contexts.trace");
  const std::string trace_id = HexId(trace, "trace_id", 32, "a transaction's contexts.trace");
  std::string name = TextAt(event, "transaction");
  object root = TransactionSpan(trace, trace_id, name.empty() ? "(unnamed transaction)" : name,
                                Nanos(event, "start_timestamp", "a transaction"),
                                Nanos(event, "timestamp", "a transaction"), "a transaction");
  // Web Vitals and other measurements, times in milliseconds.
  if (const value* measurements = At(event, "measurements");
      measurements && measurements->is_object()) {
    array& attributes = root["attributes"].as_array();
    for (const auto& entry : measurements->as_object()) {
      if (!entry.value().is_object()) continue;
      const value* number = At(entry.value().as_object(), "value");
      if (number == nullptr || !number->is_number()) continue;
      const std::optional<double> ms = SentryUnitMs(TextAt(entry.value().as_object(), "unit"));
      const double v = number->to_number<double>() * ms.value_or(1);
      if (std::isfinite(v))
        attributes.push_back(Attribute("measurements." + std::string(entry.key()), value(v)));
    }
  }
  const std::string event_release = TextAt(event, "release");
  const std::string event_environment = TextAt(event, "environment");
  array& into = spans.Of(event_release.empty() ? release : event_release,
                         event_environment.empty() ? environment : event_environment);
  into.push_back(std::move(root));
  if (const value* children = At(event, "spans"); children && children->is_array()) {
    for (const value& child_value : children->as_array()) {
      const object& child = ObjectOf(child_value, "a transaction's span");
      std::string description = TextAt(child, "description");
      if (description.empty()) description = TextAt(child, "op");
      into.push_back(TransactionSpan(child, trace_id, std::move(description),
                                     Nanos(child, "start_timestamp", "a transaction's span"),
                                     Nanos(child, "timestamp", "a transaction's span"),
                                     "a transaction's span"));
    }
  }
}

// A span v2 item: {"version": 2, "items": [{trace_id, span_id, parent_span_id, name,
// start_timestamp, end_timestamp, status, is_segment, attributes: {KEY: {value, type}}}]}.
void AddStreamedSpans(const object& payload, const std::string& release,
                      const std::string& environment, Spans& spans) {
  const value* items = At(payload, "items");
  if (items == nullptr || !items->is_array()) throw Bad("a span item has no items array");
  for (const value& item_value : items->as_array()) {
    const object& item = ObjectOf(item_value, "a streamed span");
    const char* what = "a streamed span";
    object span{{"traceId", HexId(item, "trace_id", 32, what)},
                {"spanId", HexId(item, "span_id", 16, what)},
                {"name", TextAt(item, "name")},
                {"startTimeUnixNano", Nanos(item, "start_timestamp", what)},
                {"endTimeUnixNano", Nanos(item, "end_timestamp", what)}};
    if (At(item, "parent_span_id")) span["parentSpanId"] = HexId(item, "parent_span_id", 16, what);
    array attributes;
    std::string span_release = release, span_environment = environment;
    if (const value* given = At(item, "attributes"); given && given->is_object()) {
      for (const auto& entry : given->as_object()) {
        const value* v =
            entry.value().is_object() ? At(entry.value().as_object(), "value") : nullptr;
        if (v == nullptr) continue;
        if (entry.key() == "sentry.release" && v->is_string()) span_release = v->as_string();
        if (entry.key() == "sentry.environment" && v->is_string())
          span_environment = v->as_string();
        attributes.push_back(Attribute(entry.key(), *v));
      }
    }
    span["attributes"] = std::move(attributes);
    // Streamed spans say "ok" or "error".
    const std::string status = TextAt(item, "status");
    if (!status.empty()) span["status"] = Status(status == "error" ? "internal_error" : status);
    spans.Of(span_release, span_environment).push_back(std::move(span));
  }
}

value ParseJson(std::string_view text, const char* what) {
  boost::json::error_code ec;
  value parsed = boost::json::parse(text, ec);
  if (ec) throw Bad(std::string(what) + " is not JSON: " + ec.message());
  return parsed;
}

}  // namespace

Result<Envelope> ParseEnvelope(std::string_view body) {
  Envelope envelope;
  std::size_t at = body.find('\n');
  try {
    const value header = ParseJson(body.substr(0, at), "the envelope header");
    const object& fields = ObjectOf(header, "the envelope header");
    envelope.event_id = TextAt(fields, "event_id");
    if (const value* trace = At(fields, "trace"); trace && trace->is_object()) {
      envelope.release = TextAt(trace->as_object(), "release");
      envelope.environment = TextAt(trace->as_object(), "environment");
    }
    while (at != std::string_view::npos && at + 1 < body.size()) {
      const std::size_t start = at + 1;
      const std::size_t line_end = body.find('\n', start);
      const std::string_view line = body.substr(start, line_end - start);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) {  // a blank line
        at = line_end;
        continue;
      }
      const std::string what = "item " + std::to_string(envelope.items.size() + 1) + "'s header";
      const value item_header = ParseJson(line, what.c_str());
      const object& item_fields = ObjectOf(item_header, what.c_str());
      EnvelopeItem item{TextAt(item_fields, "type"), {}};
      const std::size_t payload = line_end == std::string_view::npos ? body.size() : line_end + 1;
      if (const value* length = At(item_fields, "length"); length && length->is_number()) {
        const double bytes = length->to_number<double>();
        if (!(bytes >= 0) || bytes > static_cast<double>(body.size() - payload))
          throw Bad(what + " gives a length past the end of the envelope");
        item.payload = body.substr(payload, static_cast<std::size_t>(bytes));
        at = payload + item.payload.size();
        if (at < body.size() && body[at] != '\n')
          throw Bad("item " + std::to_string(envelope.items.size() + 1) +
                    " is not followed by a newline after its length");
      } else {
        at = payload >= body.size() ? std::string_view::npos : body.find('\n', payload);
        item.payload = body.substr(
            std::min(payload, body.size()),
            (at == std::string_view::npos ? body.size() : at) - std::min(payload, body.size()));
      }
      envelope.items.push_back(std::move(item));
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kInput, std::string("not a Sentry envelope: ") + error.what());
  }
  return envelope;
}

Result<SentrySpans> SentryEnvelopeSpans(std::string_view body, std::string_view project) {
  Result<Envelope> envelope = ParseEnvelope(body);
  if (!envelope.ok()) return envelope.error();
  SentrySpans out;
  out.event_id = envelope->event_id;
  Spans spans;
  try {
    for (const EnvelopeItem& item : envelope->items) {
      if (item.type == "transaction") {
        const value event = ParseJson(item.payload, "a transaction");
        AddTransaction(ObjectOf(event, "a transaction"), envelope->release, envelope->environment,
                       spans);
        ++out.transactions;
      } else if (item.type == "span") {
        const value payload = ParseJson(item.payload, "a span item");
        AddStreamedSpans(ObjectOf(payload, "a span item"), envelope->release, envelope->environment,
                         spans);
      } else {
        ++out.other_items;
      }
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kInput, std::string("a Sentry envelope: ") + error.what());
  }
  out.spans = spans.size();
  out.otlp_json = spans.Json(project);
  return out;
}

namespace {

enum class SentryShape { kNone, kEvents, kEnvelope };

// What `text` holds, told by its first two lines: transaction events one per line (the
// first is one, with its contexts), one envelope (a header line, then an item header), or
// neither.
SentryShape ShapeOf(std::string_view text) {
  const std::size_t end = text.find('\n');
  const std::string_view first = text.substr(0, end);
  if (first.find("\"type\":\"transaction\"") != std::string_view::npos &&
      first.find("\"contexts\"") != std::string_view::npos)
    return SentryShape::kEvents;
  if (!first.starts_with('{') || end == std::string_view::npos) return SentryShape::kNone;
  const std::string_view second = text.substr(end + 1, text.find('\n', end + 1) - end - 1);
  const bool envelope = second.starts_with("{\"type\":") &&
                        (first.find("\"event_id\"") != std::string_view::npos ||
                         first.find("\"sent_at\"") != std::string_view::npos ||
                         first.find("\"dsn\"") != std::string_view::npos || first == "{}");
  return envelope ? SentryShape::kEnvelope : SentryShape::kNone;
}

}  // namespace

bool LooksLikeSentryEvents(std::string_view text) { return ShapeOf(text) != SentryShape::kNone; }

Result<SampleSet> ReadSentryEvents(std::string_view text, std::string_view source,
                                   const ReadOptions& options) {
  std::string otlp;
  std::size_t other = 0;
  BadRowLog bad_rows(options.on_bad_row, source);
  if (ShapeOf(text) == SentryShape::kEnvelope) {
    Result<SentrySpans> spans = SentryEnvelopeSpans(text, "file");
    if (!spans.ok())
      return MakeError(ErrorKind::kInput, std::string(source) + ": " + spans.error().message);
    otlp = spans->otlp_json + "\n";
    other = spans->other_items;
  } else {
    const char* cursor = text.data();
    const char* const end = text.data() + text.size();
    for (std::size_t line = 1; cursor < end; ++line) {
      const std::string_view row = NextLine(cursor, end);
      if (IsBlank(row)) continue;
      Result<SentrySpans> spans = SentryEventSpans(row, "file");
      if (!spans.ok()) {
        if (!bad_rows.Record(line, 0, spans.error().message)) return bad_rows.StopError();
        continue;
      }
      other += spans->other_items;
      if (spans->spans > 0) otlp += spans->otlp_json + "\n";
    }
  }
  if (otlp.empty()) {
    return MakeError(ErrorKind::kInput,
                     std::string(source) + ": no transaction events" +
                         (other > 0 ? " (" + std::to_string(other) + " other events)" : ""));
  }
  Result<SampleSet> set = ReadOtlp(otlp, source, options);
  if (!set.ok()) return set.error();
  bad_rows.CopyTo(*set);
  if (other > 0) {
    set->notes.push_back(std::string(source) + ": " + std::to_string(other) +
                         (other == 1 ? " event that is not a transaction was"
                                     : " events that are not transactions were") +
                         " skipped");
  }
  return set;
}

Result<SentrySpans> SentryEventSpans(std::string_view body, std::string_view project) {
  SentrySpans out;
  Spans spans;
  try {
    const value event = ParseJson(body, "the event");
    const object& fields = ObjectOf(event, "the event");
    out.event_id = TextAt(fields, "event_id");
    if (TextAt(fields, "type") == "transaction") {
      AddTransaction(fields, "", "", spans);
      ++out.transactions;
    } else {
      ++out.other_items;
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kInput, std::string("a Sentry event: ") + error.what());
  }
  out.spans = spans.size();
  out.otlp_json = spans.Json(project);
  return out;
}

}  // namespace perfgate::fetch

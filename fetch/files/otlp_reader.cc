#include "fetch/files/otlp_reader.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include "core/timestamp.h"

namespace perfgate::fetch {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

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
};

// A trace id as lowercase hex, for links.
std::string Hex(const TraceId& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(32, '0');
  for (int i = 0; i < 16; ++i) {
    hex[static_cast<std::size_t>(31 - i)] = kHex[(id.low >> (4 * i)) & 0xf];
    hex[static_cast<std::size_t>(15 - i)] = kHex[(id.high >> (4 * i)) & 0xf];
  }
  return hex;
}

// A JSON value's fault, as a message: thrown within one span and caught by its reader.
struct Fault {
  std::string message;
};

const value* Member(const object& o, std::string_view key) {
  auto found = o.find(key);
  return found == o.end() ? nullptr : &found->value();
}

const object& AsObject(const value& v, std::string_view what) {
  if (!v.is_object()) throw Fault{std::string(what) + " is not an object"};
  return v.as_object();
}

const array& AsArray(const value& v, std::string_view what) {
  if (!v.is_array()) throw Fault{std::string(what) + " is not an array"};
  return v.as_array();
}

// An id of `bytes` (8 or 16) bytes as big-endian numbers in `out` (out[0] the first 8
// bytes): OTLP/JSON writes hex (either case), protobuf's own JSON mapping base64. False
// when absent or empty.
bool DecodeId(std::string_view text, std::string_view key, std::size_t bytes, std::uint64_t out[2]);

bool Id(const object& span, std::string_view key, std::size_t bytes, std::uint64_t out[2]) {
  const value* v = Member(span, key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_string()) throw Fault{std::string(key) + " is not a string"};
  return DecodeId(v->as_string(), key, bytes, out);
}

// DecodeId's work for the text of id `key`; false for an empty text.
bool DecodeId(std::string_view text, std::string_view key, std::size_t bytes,
              std::uint64_t out[2]) {
  if (text.empty()) return false;
  out[0] = out[1] = 0;
  auto put = [&](std::size_t byte_index, unsigned byte) {
    std::uint64_t& word = out[byte_index / 8];
    word = (word << 8) | byte;
  };
  // Hex digits' values; 16 for any other byte. Ids are read a million times a file.
  static constexpr auto kNibbles = [] {
    std::array<std::uint8_t, 256> table{};
    table.fill(16);
    for (std::size_t c = 0; c < 10; ++c) table['0' + c] = static_cast<std::uint8_t>(c);
    for (std::size_t c = 0; c < 6; ++c) {
      table['a' + c] = static_cast<std::uint8_t>(10 + c);
      table['A' + c] = static_cast<std::uint8_t>(10 + c);
    }
    return table;
  }();
  if (text.size() == 2 * bytes) {
    unsigned invalid = 0;
    for (std::size_t word = 0; word * 8 < bytes; ++word) {
      std::uint64_t value = 0;
      for (std::size_t i = word * 16; i < std::min(2 * bytes, word * 16 + 16); ++i) {
        const std::uint8_t nibble = kNibbles[static_cast<unsigned char>(text[i])];
        invalid |= nibble & 16u;
        value = (value << 4) | (nibble & 15u);
      }
      out[word] = value;
    }
    if (invalid == 0) return true;
    out[0] = out[1] = 0;
  }
  // Base64 (standard or URL-safe alphabet, padded): 4 characters for every 3 bytes.
  if (text.size() == (bytes + 2) / 3 * 4) {
    auto sextet = [](char c) -> int {
      if (c >= 'A' && c <= 'Z') return c - 'A';
      if (c >= 'a' && c <= 'z') return c - 'a' + 26;
      if (c >= '0' && c <= '9') return c - '0' + 52;
      if (c == '+' || c == '-') return 62;
      if (c == '/' || c == '_') return 63;
      return -1;
    };
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t decoded = 0;
    bool valid = true;
    for (char c : text) {
      if (c == '=') break;
      const int six = sextet(c);
      if (six < 0 || decoded == bytes) {
        valid = false;
        break;
      }
      buffer = (buffer << 6) | static_cast<std::uint32_t>(six);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        put(decoded++, (buffer >> bits) & 0xff);
      }
    }
    if (valid && decoded == bytes) return true;
  }
  throw Fault{std::string(key) + " '" + std::string(text) + "' is neither hex nor base64 of " +
              std::to_string(bytes) + " bytes"};
}

// A fixed64 of nanoseconds: a decimal string, as OTLP/JSON writes it, or a number.
std::uint64_t Nanos(const object& span, std::string_view key) {
  const value* v = Member(span, key);
  if (v == nullptr) throw Fault{"no " + std::string(key)};
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  if (v->is_string()) {
    const std::string_view text = v->as_string();
    std::uint64_t nanos = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), nanos);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return nanos;
  }
  throw Fault{std::string(key) + " is not a whole number of nanoseconds"};
}

// An enum given as its number or its name (protobuf JSON writes "SPAN_KIND_SERVER").
int Enum(const value& v, std::string_view what, std::span<const std::string_view> names) {
  if (v.is_int64() || v.is_uint64()) {
    const auto number = v.to_number<std::int64_t>();
    if (number >= 0 && number < static_cast<std::int64_t>(names.size()))
      return static_cast<int>(number);
  } else if (v.is_string()) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (v.as_string() == names[i]) return static_cast<int>(i);
    }
  }
  throw Fault{std::string(what) + " is not one of its values"};
}

constexpr std::array<std::string_view, 3> kStatusCodes = {"STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                                          "STATUS_CODE_ERROR"};
constexpr int kStatusError = 2;
constexpr std::array<std::string_view, 6> kSpanKinds = {
    "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
    "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
// SpanFlags: the parent's remoteness is known, and it is remote.
constexpr std::uint64_t kHasIsRemote = 0x100;
constexpr std::uint64_t kIsRemote = 0x200;
constexpr int kKindServer = 2;
constexpr int kKindClient = 3;

// The string form of an attribute's AnyValue: stringValue, or intValue as OTLP/JSON writes
// it (a decimal string or a number); "" for other types.
std::string AnyValueText(const value* any) {
  if (any == nullptr || !any->is_object()) return "";
  const object& typed = any->as_object();
  if (const value* s = Member(typed, "stringValue"); s && s->is_string())
    return std::string(s->as_string());
  if (const value* i = Member(typed, "intValue")) {
    if (i->is_string()) return std::string(i->as_string());
    if (i->is_int64()) return std::to_string(i->as_int64());
    if (i->is_uint64()) return std::to_string(i->as_uint64());
  }
  return "";
}

// The attributes of `owner` named by `keys`, each nullopt when absent, in one pass over
// its attribute list (the first of a repeated key wins).
template <std::size_t N>
std::array<std::optional<std::string>, N> Attributes(const object& owner,
                                                     const std::array<std::string_view, N>& keys) {
  std::array<std::optional<std::string>, N> found;
  const value* attributes = Member(owner, "attributes");
  if (attributes == nullptr || attributes->is_null()) return found;
  for (const value& entry : AsArray(*attributes, "attributes")) {
    const object& pair = AsObject(entry, "an attribute");
    const value* name = Member(pair, "key");
    if (name == nullptr || !name->is_string()) continue;
    const std::string_view key = name->as_string();
    for (std::size_t k = 0; k < N; ++k) {
      if (key == keys[k] && !found[k]) found[k] = AnyValueText(Member(pair, "value"));
    }
  }
  return found;
}

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
  kSpanAttributes,
};
constexpr std::array<std::string_view, kSpanAttributes> kSpanAttributeKeys = {
    "sentry.op",   "http.request.method",   "http.method",          "db.system.name",
    "db.system",   "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system",
    "rpc.service", "messaging.system",      "faas.trigger",         "http.route"};
using SpanAttributes = std::array<std::optional<std::string>, kSpanAttributes>;

// Sentry's span.op for an OTel span: `sentry.op` where set, else derived from the semantic
// conventions in the order Sentry's Relay derives it (relay-spans, op.rs).
std::string DeriveOp(const SpanAttributes& a, int kind) {
  auto has = [&](SpanAttribute key) { return a[key].has_value(); };
  auto non_empty = [&](SpanAttribute key) { return a[key] && !a[key]->empty(); };
  if (non_empty(kSentryOp)) return *a[kSentryOp];
  if (has(kRequestMethod) || has(kOldMethod)) {
    if (kind == kKindClient) return "http.client";
    if (kind == kKindServer) return "http.server";
    return "http";
  }
  if (has(kDbSystemName) || has(kDbSystem)) return "db";
  if (non_empty(kGenAiOperation)) return "gen_ai." + *a[kGenAiOperation];
  if (has(kGenAiProvider) || has(kGenAiSystem)) return "gen_ai";
  if (has(kRpcService)) return "rpc";
  if (has(kMessagingSystem)) return "message";
  if (non_empty(kFaasTrigger)) return *a[kFaasTrigger];
  return "default";
}

// Completes a span read up to its ids, times and name: its op, failure and transaction name.
void FinishSpan(Span& span, int kind, int status_code, const SpanAttributes& attributes) {
  span.op = DeriveOp(attributes, kind);
  span.failed = status_code == kStatusError;
  // "{method} {http.route}" where the route is known, as the server span name SHOULD be.
  if (const std::optional<std::string>& route = attributes[kRoute]; route && !route->empty()) {
    const std::optional<std::string>& method =
        attributes[kRequestMethod] ? attributes[kRequestMethod] : attributes[kOldMethod];
    span.transaction = method && !method->empty() ? *method + " " + *route : *route;
  }
}

// Reads every span of one ExportTraceServiceRequest; `line` is the record's first line.
class RecordReader {
 public:
  RecordReader(std::vector<Span>& spans, std::set<std::string>& strings, BadRowLog& bad_rows)
      : spans_(spans), strings_(strings), bad_rows_(bad_rows) {}

  // False when reading must stop (a bad span under --on-bad-row=fail).
  bool Read(const value& record, std::size_t line) {
    try {
      const object* root = &AsObject(record, "the record");
      if (const value* result = Member(*root, "result")) root = &AsObject(*result, "result");
      const value* resources = Member(*root, "resourceSpans");
      std::string key = "resourceSpans";
      if (resources == nullptr) {
        resources = Member(*root, "batches");
        key = "batches";
      }
      if (resources == nullptr) throw Fault{"no resourceSpans: not an OTLP/JSON trace record"};
      const array& list = AsArray(*resources, key);
      for (std::size_t r = 0; r < list.size(); ++r) {
        if (!ReadResource(list[r], key + "[" + std::to_string(r) + "]", line)) return false;
      }
      return true;
    } catch (const Fault& fault) {
      return bad_rows_.Record(line, 0, fault.message);
    }
  }

 private:
  bool ReadResource(const value& v, const std::string& where, std::size_t line) {
    const object& resource_spans = AsObject(v, where);
    const std::string* service = &Intern("");
    const std::string* version = &Intern("");
    if (const value* resource = Member(resource_spans, "resource");
        resource && !resource->is_null()) {
      static constexpr std::array<std::string_view, 2> kKeys = {"service.name", "service.version"};
      auto [name, release] = Attributes(AsObject(*resource, where + ".resource"), kKeys);
      service = &Intern(name.value_or(""));
      version = &Intern(release.value_or(""));
    }
    std::string key = "scopeSpans";
    const value* scopes = Member(resource_spans, key);
    if (scopes == nullptr) {
      key = "instrumentationLibrarySpans";  // before OTLP 0.19
      scopes = Member(resource_spans, key);
    }
    if (scopes == nullptr || scopes->is_null()) return true;
    const array& list = AsArray(*scopes, where + "." + key);
    for (std::size_t s = 0; s < list.size(); ++s) {
      std::string scope_where = where;
      scope_where.append(".").append(key).append("[").append(std::to_string(s)).append("]");
      const value* spans = Member(AsObject(list[s], scope_where), "spans");
      if (spans == nullptr || spans->is_null()) continue;
      const array& span_list = AsArray(*spans, scope_where + ".spans");
      for (std::size_t i = 0; i < span_list.size(); ++i) {
        try {
          spans_.push_back(ReadSpan(span_list[i], service, version));
        } catch (const Fault& fault) {
          // The place is worded only for a bad span: most spans are good.
          const std::string span_where = scope_where + ".spans[" + std::to_string(i) + "]";
          if (!bad_rows_.Record(line, 0, span_where + ": " + fault.message)) return false;
        }
      }
    }
    return true;
  }

  Span ReadSpan(const value& v, const std::string* service, const std::string* version) {
    const object& o = AsObject(v, "the span");
    Span span;
    std::uint64_t id[2];
    if (Id(o, "traceId", 16, id)) span.trace_id = {id[0], id[1]};
    if (Id(o, "spanId", 8, id)) span.span_id = id[0];
    if (Id(o, "parentSpanId", 8, id)) span.parent_id = id[0];
    span.service = service;
    span.version = version;
    if (const value* flags = Member(o, "flags");
        flags && (flags->is_int64() || flags->is_uint64())) {
      const auto bits = flags->to_number<std::uint64_t>();
      span.remote_parent = (bits & kHasIsRemote) != 0 && (bits & kIsRemote) != 0;
    }
    span.start_ns = Nanos(o, "startTimeUnixNano");
    span.end_ns = Nanos(o, "endTimeUnixNano");
    if (span.end_ns < span.start_ns) throw Fault{"endTimeUnixNano is before startTimeUnixNano"};
    int kind = 0;
    if (const value* k = Member(o, "kind"); k && !k->is_null()) kind = Enum(*k, "kind", kSpanKinds);
    int code = 0;
    if (const value* status = Member(o, "status"); status && !status->is_null()) {
      if (const value* c = Member(AsObject(*status, "status"), "code"); c && !c->is_null())
        code = Enum(*c, "status.code", kStatusCodes);
    }
    if (const value* n = Member(o, "name"); n && n->is_string()) span.name = n->as_string();
    FinishSpan(span, kind, code, Attributes(o, kSpanAttributeKeys));
    return span;
  }

  const std::string& Intern(std::string text) { return *strings_.insert(std::move(text)).first; }

  std::vector<Span>& spans_;
  std::set<std::string>& strings_;
  BadRowLog& bad_rows_;
};

// The fast path for one JSON Lines record in the Collector's shape: a streaming parse
// (Boost.JSON's SAX parser, no DOM) that fills spans directly. Any surprise (an envelope, a
// value of an unexpected type, an id that is neither hex nor base64, times out of order)
// makes it give up on the record, which RecordReader then reads from a DOM, so every
// message, and every variant real producers write, is handled in one place. For a record it
// accepts, it makes the spans RecordReader would (a test checks it on every fixture).
class FastRecordHandler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  FastRecordHandler(std::vector<Span>& spans, std::set<std::string>& strings)
      : spans_(spans), strings_(strings) {}

  // Before each record.
  void Reset() {
    stack_.clear();
    gave_up_ = false;
    saw_resources_ = false;
    first_span_ = spans_.size();
  }
  // After a parse: whether the record was read whole; if not, its spans are taken back.
  bool Finish(bool parsed) {
    if (parsed && !gave_up_ && saw_resources_) return true;
    spans_.resize(first_span_);
    return false;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code& ec) { return Open(true, ec); }
  bool on_object_end(std::size_t, error_code& ec) { return Close(ec); }
  bool on_array_begin(error_code& ec) { return Open(false, ec); }
  bool on_array_end(std::size_t, error_code& ec) { return Close(ec); }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    if (!stack_.empty()) stack_.back().key = KeyOf(FullText(s));
    part_.clear();
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    part_.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    const bool ok = String(FullText(s), ec);
    part_.clear();
    return ok;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    return i >= 0 ? Unsigned(static_cast<std::uint64_t>(i), ec) : OtherScalar(ec);
  }
  bool on_uint64(std::uint64_t u, string_view, error_code& ec) { return Unsigned(u, ec); }
  bool on_double(double, string_view, error_code& ec) { return OtherScalar(ec); }
  bool on_bool(bool, error_code& ec) { return OtherScalar(ec); }
  bool on_null(error_code& ec) { return Null(ec); }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  enum class Place {
    kRoot,
    kResources,
    kResourceSpans,
    kResource,
    kResourceAttributes,
    kSpanAttributes,
    kAttribute,
    kAnyValue,
    kScopes,
    kScope,
    kSpans,
    kSpan,
    kStatus,
    kSkip,
  };
  // The keys the fast path reads; kOther for the rest.
  enum class Key {
    kOther,
    kResourceSpans,
    kResult,
    kBatches,
    kResource,
    kScopeSpans,
    kLibrarySpans,
    kAttributes,
    kSpans,
    kTraceId,
    kSpanId,
    kParentSpanId,
    kName,
    kKind,
    kStart,
    kEnd,
    kFlags,
    kStatus,
    kCode,
    kKey,
    kValue,
    kStringValue,
    kIntValue,
  };
  struct Frame {
    Place place;
    Key key = Key::kOther;  // the key whose value comes next (objects)
  };

  static Key KeyOf(std::string_view key) {
    // Most keys are span fields, checked first; a length decides before any byte does.
    static constexpr std::pair<std::string_view, Key> kKeys[] = {
        {"key", Key::kKey},
        {"value", Key::kValue},
        {"stringValue", Key::kStringValue},
        {"traceId", Key::kTraceId},
        {"spanId", Key::kSpanId},
        {"parentSpanId", Key::kParentSpanId},
        {"name", Key::kName},
        {"kind", Key::kKind},
        {"startTimeUnixNano", Key::kStart},
        {"endTimeUnixNano", Key::kEnd},
        {"attributes", Key::kAttributes},
        {"status", Key::kStatus},
        {"code", Key::kCode},
        {"flags", Key::kFlags},
        {"intValue", Key::kIntValue},
        {"resourceSpans", Key::kResourceSpans},
        {"result", Key::kResult},
        {"batches", Key::kBatches},
        {"resource", Key::kResource},
        {"scopeSpans", Key::kScopeSpans},
        {"instrumentationLibrarySpans", Key::kLibrarySpans},
        {"spans", Key::kSpans}};
    for (const auto& [name, id] : kKeys) {
      if (name.size() == key.size() && std::memcmp(name.data(), key.data(), key.size()) == 0)
        return id;
    }
    return Key::kOther;
  }

  // The text of a string or key: `s`, after any parts the parser delivered first.
  std::string_view FullText(string_view s) {
    if (part_.empty()) return {s.data(), s.size()};
    part_.append(s.data(), s.size());
    return part_;
  }

  bool GiveUp(error_code& ec) {
    gave_up_ = true;
    ec = boost::json::error::exception;  // stops the parse
    return false;
  }
  Place CurrentPlace() const { return stack_.empty() ? Place::kSkip : stack_.back().place; }
  Key CurrentKey() const { return stack_.empty() ? Key::kOther : stack_.back().key; }

  // The place a container opened here becomes, or kSkip for one not read; nullopt when
  // the record is not in the shape the fast path reads.
  std::optional<Place> PlaceOfNewContainer(bool object) const {
    if (stack_.empty()) return object ? std::optional(Place::kRoot) : std::nullopt;
    const Key key = CurrentKey();
    auto array_of = [object](Place place) { return object ? std::nullopt : std::optional(place); };
    auto object_of = [object](Place place) { return object ? std::optional(place) : std::nullopt; };
    switch (CurrentPlace()) {
      case Place::kRoot:
        if (key == Key::kResourceSpans) return array_of(Place::kResources);
        if (key == Key::kResult || key == Key::kBatches) return std::nullopt;  // envelopes
        return Place::kSkip;
      case Place::kResources:
        return object_of(Place::kResourceSpans);
      case Place::kResourceSpans:
        if (key == Key::kResource) return object_of(Place::kResource);
        if (key == Key::kScopeSpans) return array_of(Place::kScopes);
        if (key == Key::kLibrarySpans) return std::nullopt;
        return Place::kSkip;
      case Place::kResource:
        if (key == Key::kAttributes) return array_of(Place::kResourceAttributes);
        return Place::kSkip;
      case Place::kResourceAttributes:
      case Place::kSpanAttributes:
        return object_of(Place::kAttribute);
      case Place::kAttribute:
        return key == Key::kValue && object ? Place::kAnyValue : Place::kSkip;
      case Place::kScopes:
        return object_of(Place::kScope);
      case Place::kScope:
        if (key == Key::kSpans) return array_of(Place::kSpans);
        return Place::kSkip;
      case Place::kSpans:
        return object_of(Place::kSpan);
      case Place::kSpan:
        if (key == Key::kAttributes) return array_of(Place::kSpanAttributes);
        if (key == Key::kStatus) return object_of(Place::kStatus);
        if (IsSpanScalar(key) || key == Key::kFlags) return std::nullopt;
        return Place::kSkip;
      default:
        return Place::kSkip;
    }
  }

  // Whether the value of the key here must be an object or an array (or null, where it
  // may be absent): a scalar there is a fault the DOM reader words.
  bool MustBeContainer() const {
    const Key key = CurrentKey();
    switch (CurrentPlace()) {
      case Place::kRoot:
        return key == Key::kResourceSpans || key == Key::kResult || key == Key::kBatches;
      case Place::kResourceSpans:
        return key == Key::kResource || key == Key::kScopeSpans || key == Key::kLibrarySpans;
      case Place::kResource:
        return key == Key::kAttributes;
      case Place::kScope:
        return key == Key::kSpans;
      case Place::kSpan:
        return key == Key::kAttributes || key == Key::kStatus;
      default:
        return false;
    }
  }

  // Whether a scalar here is ignored: an object's field the fast path does not read. In a
  // list of objects, a scalar is a fault the DOM reader words.
  bool ReadsNoScalars() const {
    switch (CurrentPlace()) {
      case Place::kAttribute:
      case Place::kRoot:
      case Place::kResourceSpans:
      case Place::kResource:
      case Place::kScope:
      case Place::kSkip:
        return true;
      default:
        return false;
    }
  }

  static bool IsSpanScalar(Key key) {
    return key == Key::kTraceId || key == Key::kSpanId || key == Key::kParentSpanId ||
           key == Key::kName || key == Key::kKind || key == Key::kStart || key == Key::kEnd;
  }

  bool Open(bool object, error_code& ec) {
    if (CurrentPlace() == Place::kSkip && !stack_.empty()) {
      stack_.push_back({Place::kSkip});
      return true;
    }
    const std::optional<Place> place = PlaceOfNewContainer(object);
    if (!place) return GiveUp(ec);
    switch (*place) {
      case Place::kResources:
        saw_resources_ = true;
        break;
      case Place::kResourceSpans:
        resource_first_span_ = spans_.size();
        resource_[0].reset();
        resource_[1].reset();
        break;
      case Place::kSpan:
        span_ = Span{};
        span_attributes_ = {};
        kind_ = code_ = 0;
        has_start_ = has_end_ = false;
        break;
      case Place::kAttribute:
        attribute_ = kNoAttribute;
        string_value_.reset();
        int_value_.reset();
        break;
      default:
        break;
    }
    stack_.push_back({*place});
    return true;
  }

  bool Close(error_code& ec) {
    const Place place = CurrentPlace();
    stack_.pop_back();
    switch (place) {
      case Place::kAttribute:
        EndAttribute();
        return true;
      case Place::kSpan:
        return EndSpan(ec);
      case Place::kResourceSpans: {
        const std::string* service = &Intern(resource_[0].value_or(""));
        const std::string* version = &Intern(resource_[1].value_or(""));
        for (std::size_t i = resource_first_span_; i < spans_.size(); ++i) {
          spans_[i].service = service;
          spans_[i].version = version;
        }
        return true;
      }
      default:
        return true;
    }
  }

  // Attribute keys read: a span's (kSpanAttributeKeys), then the resource's two.
  static constexpr std::size_t kServiceName = kSpanAttributes;
  static constexpr std::size_t kServiceVersion = kSpanAttributes + 1;
  static constexpr std::size_t kNoAttribute = kSpanAttributes + 2;

  std::size_t AttributeOf(std::string_view key) const {
    if (stack_[stack_.size() - 2].place == Place::kResourceAttributes) {
      return key == "service.name"      ? kServiceName
             : key == "service.version" ? kServiceVersion
                                        : kNoAttribute;
    }
    for (std::size_t k = 0; k < kSpanAttributes; ++k) {
      if (key == kSpanAttributeKeys[k]) return k;
    }
    return kNoAttribute;
  }

  void EndAttribute() {
    if (attribute_ == kNoAttribute) return;
    std::optional<std::string>& found = attribute_ == kServiceName ? resource_[0]
                                        : attribute_ == kServiceVersion
                                            ? resource_[1]
                                            : span_attributes_[attribute_];
    if (found) return;  // the first of a repeated key wins
    found = string_value_ ? std::move(*string_value_) : int_value_.value_or("");
  }

  bool EndSpan(error_code& ec) {
    if (!has_start_ || !has_end_ || span_.end_ns < span_.start_ns) return GiveUp(ec);
    FinishSpan(span_, kind_, code_, span_attributes_);
    spans_.push_back(std::move(span_));
    return true;
  }

  // Enum values by name, as protobuf's JSON mapping writes them.
  static int Named(std::string_view text, std::span<const std::string_view> names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (text == names[i]) return static_cast<int>(i);
    }
    return -1;
  }

  bool Id(std::string_view text, std::size_t bytes, error_code& ec) {
    std::uint64_t id[2];
    try {
      if (!DecodeId(text, "id", bytes, id)) return true;
    } catch (const Fault&) {
      return GiveUp(ec);
    }
    switch (CurrentKey()) {
      case Key::kTraceId:
        span_.trace_id = {id[0], id[1]};
        break;
      case Key::kSpanId:
        span_.span_id = id[0];
        break;
      default:
        span_.parent_id = id[0];
        break;
    }
    return true;
  }

  bool String(std::string_view text, error_code& ec) {
    if (stack_.empty() || MustBeContainer()) return GiveUp(ec);
    const Key key = CurrentKey();
    switch (CurrentPlace()) {
      case Place::kSpan:
        switch (key) {
          case Key::kTraceId:
            return Id(text, 16, ec);
          case Key::kSpanId:
          case Key::kParentSpanId:
            return Id(text, 8, ec);
          case Key::kName:
            span_.name = text;
            return true;
          case Key::kKind:
            kind_ = Named(text, kSpanKinds);
            return kind_ >= 0 || GiveUp(ec);
          case Key::kStart:
          case Key::kEnd: {
            std::uint64_t nanos = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), nanos);
            if (error != std::errc() || end != text.data() + text.size() || text.empty())
              return GiveUp(ec);
            return Time(key, nanos);
          }
          default:
            return true;
        }
      case Place::kStatus:
        if (key == Key::kCode) {
          code_ = Named(text, kStatusCodes);
          return code_ >= 0 || GiveUp(ec);
        }
        return true;
      case Place::kAttribute:
        if (key == Key::kKey) attribute_ = AttributeOf(text);
        return true;
      case Place::kAnyValue:
        if (key == Key::kStringValue) string_value_ = text;
        if (key == Key::kIntValue) int_value_ = text;
        return true;
      default:
        return ReadsNoScalars() || GiveUp(ec);  // not a string where a list's element was expected
    }
  }

  bool Time(Key key, std::uint64_t nanos) {
    (key == Key::kStart ? span_.start_ns : span_.end_ns) = nanos;
    (key == Key::kStart ? has_start_ : has_end_) = true;
    return true;
  }

  bool Unsigned(std::uint64_t number, error_code& ec) {
    if (stack_.empty() || MustBeContainer()) return GiveUp(ec);
    const Key key = CurrentKey();
    switch (CurrentPlace()) {
      case Place::kSpan:
        if (key == Key::kStart || key == Key::kEnd) return Time(key, number);
        if (key == Key::kKind) {
          if (number >= kSpanKinds.size()) return GiveUp(ec);
          kind_ = static_cast<int>(number);
        } else if (key == Key::kFlags) {
          span_.remote_parent = (number & kHasIsRemote) != 0 && (number & kIsRemote) != 0;
        } else if (IsSpanScalar(key)) {
          return GiveUp(ec);  // an id or a name as a number
        }
        return true;
      case Place::kStatus:
        if (key == Key::kCode) {
          if (number >= kStatusCodes.size()) return GiveUp(ec);
          code_ = static_cast<int>(number);
        }
        return true;
      case Place::kAnyValue:
        if (key == Key::kIntValue) int_value_ = std::to_string(number);
        return true;
      default:
        return ReadsNoScalars() || GiveUp(ec);
    }
  }

  // A value of another type (negative, fractional, boolean): fine where nothing is read.
  bool OtherScalar(error_code& ec) {
    if (stack_.empty() || MustBeContainer()) return GiveUp(ec);
    const Key key = CurrentKey();
    switch (CurrentPlace()) {
      case Place::kSpan:
        return !(IsSpanScalar(key) || key == Key::kFlags) || GiveUp(ec);
      case Place::kStatus:
        return key != Key::kCode || GiveUp(ec);
      case Place::kAnyValue:
        return !(key == Key::kIntValue || key == Key::kStringValue) || GiveUp(ec);
      default:
        return ReadsNoScalars() || GiveUp(ec);
    }
  }

  // Null is "not given" for the DOM reader's every optional field.
  bool Null(error_code& ec) {
    if (stack_.empty()) return GiveUp(ec);
    const Key key = CurrentKey();
    switch (CurrentPlace()) {
      case Place::kSpan:
        return !(key == Key::kStart || key == Key::kEnd) || GiveUp(ec);
      case Place::kRoot:
        return !(key == Key::kResourceSpans || key == Key::kResult || key == Key::kBatches) ||
               GiveUp(ec);
      case Place::kResourceSpans:
        return key != Key::kLibrarySpans || GiveUp(ec);
      case Place::kAnyValue:
        return !(key == Key::kIntValue || key == Key::kStringValue) || GiveUp(ec);
      case Place::kResources:
      case Place::kScopes:
      case Place::kSpans:
      case Place::kResourceAttributes:
      case Place::kSpanAttributes:
        return GiveUp(ec);
      default:
        return true;
    }
  }

  const std::string& Intern(const std::string& text) { return *strings_.insert(text).first; }

  std::vector<Span>& spans_;
  std::set<std::string>& strings_;
  std::vector<Frame> stack_;
  std::string part_;  // a key's or string's parts so far
  bool gave_up_ = false;
  bool saw_resources_ = false;
  std::size_t first_span_ = 0;
  std::size_t resource_first_span_ = 0;
  std::array<std::optional<std::string>, 2> resource_;  // service.name, service.version
  Span span_;
  SpanAttributes span_attributes_;
  int kind_ = 0;
  int code_ = 0;
  bool has_start_ = false;
  bool has_end_ = false;
  std::size_t attribute_ = kNoAttribute;
  std::optional<std::string> string_value_;
  std::optional<std::string> int_value_;
};

// Parses JSON values, each filling all of a text (but whitespace), into storage that is
// reused: a record's DOM lives until the next Parse (one monotonic arena, not an
// allocation per node).
class RecordParser {
 public:
  // The value of `text`, valid until the next call; on failure, nullptr, with where
  // (`error_offset` into `text`) and what.
  const value* Parse(std::string_view text, std::size_t& error_offset, std::string& error) {
    record_.reset();  // before its arena goes
    arena_.emplace(arena_buffer_.data(), arena_buffer_.size());
    parser_.reset(boost::json::storage_ptr(&*arena_));
    boost::json::error_code ec;
    // boost::json::parser takes a complete text: an incomplete one is an error here.
    std::size_t used = parser_.write_some(text.data(), text.size(), ec);
    if (!ec && text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
      ec = boost::json::error::extra_data;
      used = text.find_first_not_of(" \t\r\n", used);
    }
    if (ec) {
      error_offset = used;
      error = ec.message();
      return nullptr;
    }
    // Constructed, not assigned: a value keeps its storage on assignment and would copy.
    record_.emplace(parser_.release());
    return &*record_;
  }

 private:
  static constexpr std::size_t kArenaBytes = 1 << 20;  // a Collector batch fits; more grows
  std::vector<unsigned char> arena_buffer_ = std::vector<unsigned char>(kArenaBytes);
  std::optional<boost::json::monotonic_resource> arena_;
  boost::json::parser parser_;
  std::optional<value> record_;
};

// Each span's children, in input order: children of span i are
// spans[offsets[i], offsets[i + 1]).
struct Children {
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> spans;
};

// The tree under local root `root`: its descendants in its service, breadth first (parents
// before children), times in ms from the root's start. Each span is in at most one list of
// `children` (its parent's, found by id: a duplicated id's later spans are nobody's
// parent), and a root in none, so no span is reached twice and a cycle is never reached.
SpanTree Tree(const std::vector<Span>& spans, const Children& children, std::size_t root) {
  SpanTree tree;
  tree.trace_id = Hex(spans[root].trace_id);
  // Differences of whole nanoseconds first: a double holds Unix nanoseconds only to 256 ns.
  const std::uint64_t origin = spans[root].start_ns;
  auto ms = [origin](std::uint64_t t) {
    return t >= origin ? static_cast<double>(t - origin) / 1e6
                       : -static_cast<double>(origin - t) / 1e6;
  };
  std::vector<std::pair<std::size_t, long>> queue = {{root, -1}};  // (span, parent's place)
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const auto [i, parent] = queue[next];
    const Span& span = spans[i];
    tree.spans.push_back({span.op, span.name, parent, ms(span.start_ns), ms(span.end_ns)});
    for (std::size_t k = children.offsets[i]; k < children.offsets[i + 1]; ++k)
      queue.emplace_back(children.spans[k], static_cast<long>(next));
  }
  return tree;
}

// Where each span's parent is among `spans`: the index of the first span with the same
// trace and the parent's id, or kNone; and which spans repeat an earlier span's trace and
// id (a batch exported twice), which are nobody's child and no transaction. An
// open-addressing table (a power of two of slots,
// linear probing) of span indices keyed by (trace, id): a million spans are read in a
// second, and std::unordered_map's node per entry cost a third of that.
constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Links {
  std::vector<std::size_t> parents;
  std::vector<bool> repeated;  // the same trace and span id as an earlier span
  std::size_t repeats = 0;
};

Links LinkSpans(const std::vector<Span>& spans) {
  std::size_t size = 16;
  while (size < 2 * spans.size()) size *= 2;
  const std::size_t mask = size - 1;
  std::vector<std::size_t> slots(size, kNone);
  auto slot_of = [&](const TraceId& trace, std::uint64_t id) {
    // Ids are random: a multiply-and-fold of their words spreads them well enough.
    std::uint64_t h = trace.high * 0x9E3779B97F4A7C15ULL ^ trace.low;
    h = (h ^ id) * 0xBF58476D1CE4E5B9ULL;
    std::size_t slot = static_cast<std::size_t>(h ^ (h >> 31)) & mask;
    while (slots[slot] != kNone &&
           (spans[slots[slot]].span_id != id || !(spans[slots[slot]].trace_id == trace)))
      slot = (slot + 1) & mask;
    return slot;
  };
  Links links;
  links.repeated.assign(spans.size(), false);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::size_t slot = slot_of(spans[i].trace_id, spans[i].span_id);
    if (slots[slot] == kNone) {
      slots[slot] = i;
    } else if (spans[i].span_id != 0) {  // a repeated id: the first span keeps it
      links.repeated[i] = true;
      ++links.repeats;
    }
  }
  links.parents.assign(spans.size(), kNone);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    if (links.repeated[i] || span.parent_id == 0 || span.remote_parent) continue;
    const std::size_t parent = slots[slot_of(span.trace_id, span.parent_id)];
    if (parent == kNone || parent == i || spans[parent].service != span.service) continue;
    links.parents[i] = parent;
  }
  return links;
}

// Spans that are neither repeated nor reached from a local root: their parent chain loops
// (A's parent is B, B's is A), so they belong to no transaction. A bad row each.
bool RecordCycles(const std::vector<Span>& spans, const Links& links, const Children& children,
                  BadRowLog& bad_rows) {
  std::vector<bool> reached(spans.size(), false);
  std::vector<std::size_t> queue;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (links.parents[i] == kNone && !links.repeated[i]) queue.push_back(i);
  }
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const std::size_t i = queue[next];
    reached[i] = true;
    for (std::size_t k = children.offsets[i]; k < children.offsets[i + 1]; ++k)
      queue.push_back(children.spans[k]);
  }
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (reached[i] || links.repeated[i]) continue;
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(spans[i].span_id));
    if (!bad_rows.Record(0, 0,
                         "span " + std::string(id) + " of trace " + Hex(spans[i].trace_id) +
                             ": its parentSpanId chain loops back on itself, so it belongs to "
                             "no transaction"))
      return false;
  }
  return true;
}

// The children of every span by `parents` (a counting sort: input order kept).
Children ChildrenOf(const std::vector<std::size_t>& parents) {
  Children children;
  children.offsets.assign(parents.size() + 1, 0);
  for (const std::size_t parent : parents) {
    if (parent != kNone) ++children.offsets[parent + 1];
  }
  for (std::size_t i = 0; i < parents.size(); ++i) children.offsets[i + 1] += children.offsets[i];
  children.spans.resize(children.offsets.back());
  std::vector<std::size_t> next(children.offsets.begin(), children.offsets.end() - 1);
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (parents[i] != kNone) children.spans[next[parents[i]]++] = i;
  }
  return children;
}

}  // namespace

Result<SampleSet> ReadOtlp(std::string_view text, std::string_view source,
                           const ReadOptions& options) {
  static const std::string kUnnamed = "(unnamed span)";
  BadRowLog bad_rows(options.on_bad_row, source);
  std::vector<Span> spans;
  // About one span per 512 bytes of OTLP/JSON (a span with few attributes takes 300 to 400):
  // fewer copies of a large vector as it grows.
  spans.reserve(text.size() / 512);
  std::set<std::string> strings;
  RecordReader reader(spans, strings, bad_rows);
  RecordParser parser;
  boost::json::basic_parser<FastRecordHandler> fast(boost::json::parse_options{}, spans, strings);
  auto invalid = [&](std::size_t offset, const std::string& message) {
    auto [line, column] = LineColumn(text, offset);
    return bad_rows.Record(line, column, "invalid JSON: " + message);
  };
  // JSON Lines when the first record ends with its line; else one document.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const std::size_t first_end = std::min(text.find('\n', first), text.size());
  std::size_t offset = 0;
  std::string error;
  const bool lines = first != std::string_view::npos &&
                     parser.Parse(text.substr(first, first_end - first), offset, error) != nullptr;
  if (!lines && first != std::string_view::npos) {
    const value* record = parser.Parse(text, offset, error);
    if (record == nullptr) {
      invalid(offset, error);
      return bad_rows.StopError();
    }
    if (!reader.Read(*record, 1)) return bad_rows.StopError();
  }
  for (std::size_t at = 0, line = 1; lines && at < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view record_text = text.substr(at, end - at);
    if (record_text.find_first_not_of(" \t\r") != std::string_view::npos) {
      fast.handler().Reset();
      fast.reset();
      boost::json::error_code ec;
      const std::size_t used = fast.write_some(false, record_text.data(), record_text.size(), ec);
      if (fast.handler().Finish(!ec && record_text.substr(used).find_first_not_of(" \t\r") ==
                                           std::string_view::npos)) {
        at = end + 1;
        continue;
      }
      const value* record = parser.Parse(record_text, offset, error);
      const bool go_on = record ? reader.Read(*record, line) : invalid(at + offset, error);
      if (!go_on) return bad_rows.StopError();
    }
    at = end + 1;
  }

  // Transactions: local roots. A parent in the input under the same service makes a span a
  // child; a parent elsewhere (another service, another file, remote) makes it a segment,
  // whose tree is its descendants in its service.
  const Links links = LinkSpans(spans);
  const std::vector<std::size_t>& parents = links.parents;
  const Children children = ChildrenOf(parents);
  if (!RecordCycles(spans, links, children, bad_rows)) return bad_rows.StopError();
  SampleSetBuilder builder;
  std::set<std::string_view> versions;
  std::size_t transactions = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (parents[i] != kNone || links.repeated[i]) continue;
    const Span& span = spans[i];
    versions.insert(*span.version);
    if (!options.release.empty() && *span.version != options.release) continue;
    const std::string& name = !span.transaction.empty() ? span.transaction
                              : !span.name.empty()      ? span.name
                                                        : kUnnamed;
    builder.Add(name, static_cast<double>(span.end_ns - span.start_ns) / 1e6, span.failed,
                Tree(spans, children, i));
    builder.NoteOrigin(*span.version,
                       FromMilliseconds(static_cast<long long>(span.start_ns / 1'000'000)));
    ++transactions;
  }
  std::string version_list;
  for (std::string_view version : versions)
    version_list += (version_list.empty() ? "" : ", ") +
                    (version.empty() ? std::string("(none)") : std::string(version));
  if (transactions == 0 && !options.release.empty() && !versions.empty()) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": no transactions of release " +
                                            options.release + " (service.version); it holds " +
                                            version_list);
  }
  if (transactions == 0) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": no transactions: " +
                                            (spans.empty() ? "no spans" : "no local root spans") +
                                            " in the input");
  }
  SampleSet set = std::move(builder).Build(
      options.release.empty() ? std::string(source)
                              : std::string(source) + " (release " + options.release + ")");
  bad_rows.CopyTo(set);
  if (links.repeats > 0) {
    set.notes.push_back(std::string(source) + ": " + std::to_string(links.repeats) +
                        (links.repeats == 1 ? " span repeated" : " spans repeated") +
                        " an earlier span's traceId and spanId (a batch exported twice?) and "
                        "counted once");
  }
  if (versions.size() > 1 && options.release.empty()) {
    set.notes.push_back(std::string(source) + " holds transactions of " +
                        std::to_string(versions.size()) + " service.version values (" +
                        version_list +
                        "), judged together as one release; --baseline-release and "
                        "--candidate-release pick one each");
  }
  return set;
}

}  // namespace perfgate::fetch

#include "fetch/files/otlp_reader.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

namespace perfgate::fetch {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// What a span contributes: its place in the trace, its part of a tree and, should it be a
// local root, its transaction.
struct Span {
  std::string trace_id;   // lowercase hex
  std::string span_id;    // lowercase hex
  std::string parent_id;  // lowercase hex, "" for a root
  const std::string* service = nullptr;
  const std::string* version = nullptr;
  bool remote_parent = false;
  std::string transaction;
  std::string name;
  std::string op;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  bool failed = false;
};

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

// An id of `bytes` bytes as lowercase hex: OTLP/JSON writes hex (either case), protobuf's
// own JSON mapping base64. "" when absent or empty.
std::string Id(const object& span, std::string_view key, std::size_t bytes) {
  const value* v = Member(span, key);
  if (v == nullptr || v->is_null()) return "";
  if (!v->is_string()) throw Fault{std::string(key) + " is not a string"};
  const std::string_view text = v->as_string();
  if (text.empty()) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  if (text.size() == 2 * bytes) {
    for (char c : text) {
      const char lower = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
      if (!((lower >= '0' && lower <= '9') || (lower >= 'a' && lower <= 'f'))) {
        hex.clear();
        break;
      }
      hex += lower;
    }
    if (!hex.empty()) return hex;
  }
  // Base64 (standard alphabet, padded): 4 characters for every 3 bytes.
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
      if (six < 0) {
        valid = false;
        break;
      }
      buffer = (buffer << 6) | static_cast<std::uint32_t>(six);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        const auto byte = static_cast<unsigned>((buffer >> bits) & 0xff);
        hex += kHex[byte >> 4];
        hex += kHex[byte & 0xf];
        ++decoded;
      }
    }
    if (valid && decoded == bytes) return hex;
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

// The string form of an attribute's AnyValue (stringValue, or intValue as OTLP/JSON writes
// it, a decimal string or a number), or nullopt when the key is absent.
std::optional<std::string> Attribute(const object& owner, std::string_view key) {
  const value* attributes = Member(owner, "attributes");
  if (attributes == nullptr || attributes->is_null()) return std::nullopt;
  for (const value& entry : AsArray(*attributes, "attributes")) {
    const object& pair = AsObject(entry, "an attribute");
    const value* name = Member(pair, "key");
    if (name == nullptr || !name->is_string() || name->as_string() != key) continue;
    const value* any = Member(pair, "value");
    if (any == nullptr || !any->is_object()) return std::string();
    const object& typed = any->as_object();
    if (const value* s = Member(typed, "stringValue"); s && s->is_string())
      return std::string(s->as_string());
    if (const value* i = Member(typed, "intValue")) {
      if (i->is_string()) return std::string(i->as_string());
      if (i->is_int64()) return std::to_string(i->as_int64());
      if (i->is_uint64()) return std::to_string(i->as_uint64());
    }
    return std::string();
  }
  return std::nullopt;
}

// Sentry's span.op for an OTel span: `sentry.op` where set, else derived from the semantic
// conventions in the order Sentry's Relay derives it (relay-spans, op.rs).
std::string DeriveOp(const object& span, int kind) {
  if (std::optional<std::string> op = Attribute(span, "sentry.op"); op && !op->empty()) return *op;
  auto has = [&](std::string_view key) { return Attribute(span, key).has_value(); };
  if (has("http.request.method") || has("http.method")) {
    if (kind == kKindClient) return "http.client";
    if (kind == kKindServer) return "http.server";
    return "http";
  }
  if (has("db.system.name") || has("db.system")) return "db";
  if (std::optional<std::string> operation = Attribute(span, "gen_ai.operation.name");
      operation && !operation->empty())
    return "gen_ai." + *operation;
  if (has("gen_ai.provider.name") || has("gen_ai.system")) return "gen_ai";
  if (has("rpc.service")) return "rpc";
  if (has("messaging.system")) return "message";
  if (std::optional<std::string> trigger = Attribute(span, "faas.trigger");
      trigger && !trigger->empty())
    return *trigger;
  return "default";
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
      const object& attributes = AsObject(*resource, where + ".resource");
      service = &Intern(Attribute(attributes, "service.name").value_or(""));
      version = &Intern(Attribute(attributes, "service.version").value_or(""));
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
        const std::string span_where = scope_where + ".spans[" + std::to_string(i) + "]";
        try {
          spans_.push_back(ReadSpan(AsObject(span_list[i], span_where), service, version));
        } catch (const Fault& fault) {
          if (!bad_rows_.Record(line, 0, span_where + ": " + fault.message)) return false;
        }
      }
    }
    return true;
  }

  Span ReadSpan(const object& o, const std::string* service, const std::string* version) {
    Span span;
    span.trace_id = Id(o, "traceId", 16);
    span.span_id = Id(o, "spanId", 8);
    span.parent_id = Id(o, "parentSpanId", 8);
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
    span.op = DeriveOp(o, kind);
    if (const value* status = Member(o, "status"); status && !status->is_null()) {
      if (const value* code = Member(AsObject(*status, "status"), "code"); code && !code->is_null())
        span.failed = Enum(*code, "status.code", kStatusCodes) == kStatusError;
    }
    std::string name;
    if (const value* n = Member(o, "name"); n && n->is_string()) name = n->as_string();
    span.name = name;
    // "{method} {http.route}" where the route is known, as the server span name SHOULD be.
    if (std::optional<std::string> route = Attribute(o, "http.route"); route && !route->empty()) {
      std::optional<std::string> method = Attribute(o, "http.request.method");
      if (!method) method = Attribute(o, "http.method");  // before semantic conventions 1.21
      name = method && !method->empty() ? *method + " " + *route : *route;
    }
    span.transaction = name.empty() ? "(unnamed span)" : name;
    return span;
  }

  const std::string& Intern(std::string text) { return *strings_.insert(std::move(text)).first; }

  std::vector<Span>& spans_;
  std::set<std::string>& strings_;
  BadRowLog& bad_rows_;
};

// Parses one JSON value filling all of `text` (but whitespace); on failure says where.
std::optional<value> ParseWhole(std::string_view text, std::size_t& error_offset,
                                std::string& error) {
  boost::json::parser parser;
  boost::json::error_code ec;
  // boost::json::parser takes a complete text: an incomplete one is an error here.
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec && text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    ec = boost::json::error::extra_data;
    used = text.find_first_not_of(" \t\r\n", used);
  }
  if (ec) {
    error_offset = used;
    error = ec.message();
    return std::nullopt;
  }
  return parser.release();
}

// The tree under local root `root`: its descendants in its service, breadth first (parents
// before children), times in ms from the root's start. A cycle cannot reach a root; a span
// seen twice (a duplicated id) is taken once.
SpanTree Tree(const std::vector<Span>& spans, const std::vector<std::vector<std::size_t>>& children,
              std::size_t root) {
  SpanTree tree;
  tree.trace_id = spans[root].trace_id;
  // Differences of whole nanoseconds first: a double holds Unix nanoseconds only to 256 ns.
  const std::uint64_t origin = spans[root].start_ns;
  auto ms = [origin](std::uint64_t t) {
    return t >= origin ? static_cast<double>(t - origin) / 1e6
                       : -static_cast<double>(origin - t) / 1e6;
  };
  std::vector<std::pair<std::size_t, long>> queue = {{root, -1}};  // (span, parent's place)
  std::set<std::size_t> seen = {root};
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const auto [i, parent] = queue[next];
    const Span& span = spans[i];
    tree.spans.push_back({span.op, span.name, parent, ms(span.start_ns), ms(span.end_ns)});
    for (std::size_t child : children[i]) {
      if (seen.insert(child).second) queue.emplace_back(child, static_cast<long>(next));
    }
  }
  return tree;
}

}  // namespace

Result<SampleSet> ReadOtlp(std::string_view text, std::string_view source,
                           const ReadOptions& options) {
  BadRowLog bad_rows(options.on_bad_row, source);
  std::vector<Span> spans;
  std::set<std::string> strings;
  RecordReader reader(spans, strings, bad_rows);
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
                     ParseWhole(text.substr(first, first_end - first), offset, error).has_value();
  if (!lines && first != std::string_view::npos) {
    std::optional<value> record = ParseWhole(text, offset, error);
    if (!record) {
      invalid(offset, error);
      return bad_rows.StopError();
    }
    if (!reader.Read(*record, 1)) return bad_rows.StopError();
  }
  for (std::size_t at = 0, line = 1; lines && at < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view record_text = text.substr(at, end - at);
    if (record_text.find_first_not_of(" \t\r") != std::string_view::npos) {
      std::optional<value> record = ParseWhole(record_text, offset, error);
      const bool go_on = record ? reader.Read(*record, line) : invalid(at + offset, error);
      if (!go_on) return bad_rows.StopError();
    }
    at = end + 1;
  }

  // Transactions: local roots. A parent in the input under the same service makes a span a
  // child; a parent elsewhere (another service, another file, remote) makes it a segment,
  // whose tree is its descendants in its service.
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> index_of;
  for (std::size_t i = 0; i < spans.size(); ++i)
    index_of.emplace(
        std::pair{std::string_view(spans[i].trace_id), std::string_view(spans[i].span_id)}, i);
  std::vector<std::vector<std::size_t>> children(spans.size());
  std::vector<bool> root(spans.size(), true);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const Span& span = spans[i];
    if (span.parent_id.empty() || span.remote_parent) continue;
    auto parent = index_of.find({span.trace_id, span.parent_id});
    if (parent == index_of.end() || parent->second == i ||
        *spans[parent->second].service != *span.service)
      continue;
    children[parent->second].push_back(i);
    root[i] = false;
  }
  SampleSetBuilder builder;
  std::set<std::string_view> versions;
  std::size_t transactions = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (!root[i]) continue;
    const Span& span = spans[i];
    builder.Add(span.transaction, static_cast<double>(span.end_ns - span.start_ns) / 1e6,
                span.failed, Tree(spans, children, i));
    versions.insert(*span.version);
    ++transactions;
  }
  if (transactions == 0) {
    return MakeError(ErrorKind::kInput, std::string(source) + ": no transactions: " +
                                            (spans.empty() ? "no spans" : "no local root spans") +
                                            " in the input");
  }
  SampleSet set = std::move(builder).Build(std::string(source));
  bad_rows.CopyTo(set);
  if (versions.size() > 1) {
    std::string list;
    for (std::string_view version : versions)
      list += (list.empty() ? "" : ", ") +
              (version.empty() ? std::string("(none)") : std::string(version));
    set.notes.push_back(std::string(source) + " holds transactions of " +
                        std::to_string(versions.size()) + " service.version values (" + list +
                        "), judged together as one release");
  }
  return set;
}

}  // namespace perfgate::fetch

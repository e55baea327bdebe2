#include "fetch/files/otlp_dom_reader.h"

#include <array>
#include <charconv>
#include <optional>
#include <span>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

namespace perfgate::fetch::otlp {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

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

bool Id(const object& span, std::string_view key, std::size_t bytes, std::uint64_t out[2]) {
  const value* v = Member(span, key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_string()) throw Fault{std::string(key) + " is not a string"};
  return DecodeId(v->as_string(), key, bytes, out);
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

// The string form of an attribute's AnyValue: stringValue, or intValue or doubleValue as
// OTLP/JSON writes them (a decimal string or a number); "" for other types.
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
  if (const value* d = Member(typed, "doubleValue")) {
    if (d->is_string()) return std::string(d->as_string());
    if (d->is_number()) return NumberText(d->to_number<double>());
  }
  return "";
}

// The attributes of `owner` named by `keys` into `found` (one per key, each nullopt when
// absent), in one pass over its attribute list (the first of a repeated key wins).
template <typename Keys, typename Found>
void FindAttributes(const object& owner, const Keys& keys, Found& found) {
  const value* attributes = Member(owner, "attributes");
  if (attributes == nullptr || attributes->is_null()) return;
  for (const value& entry : AsArray(*attributes, "attributes")) {
    const object& pair = AsObject(entry, "an attribute");
    const value* name = Member(pair, "key");
    if (name == nullptr || !name->is_string()) continue;
    const std::string_view key = name->as_string();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (key == keys[k] && !found[k]) found[k] = AnyValueText(Member(pair, "value"));
    }
  }
}

template <std::size_t N>
std::array<std::optional<std::string>, N> Attributes(const object& owner,
                                                     const std::array<std::string_view, N>& keys) {
  std::array<std::optional<std::string>, N> found;
  FindAttributes(owner, keys, found);
  return found;
}

// Reads every span of one ExportTraceServiceRequest; `line` is the record's first line.
class RecordReader {
 public:
  RecordReader(std::vector<Span>& spans, std::set<std::string>& strings, BadRowLog& bad_rows,
               ValueKeys value_keys)
      : spans_(spans), strings_(strings), bad_rows_(bad_rows), value_keys_(value_keys) {}

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
    ValueTexts extra(value_keys_.size());
    FindAttributes(o, value_keys_, extra);
    if (const value* attributes = Member(o, "attributes"); attributes && attributes->is_array()) {
      for (const value& entry : attributes->as_array()) {
        const value* key = entry.is_object() ? Member(entry.as_object(), "key") : nullptr;
        if (key == nullptr || !key->is_string() ||
            !key->as_string().starts_with(kMeasurementPrefix))
          continue;
        const value* typed = Member(entry.as_object(), "value");
        if (typed == nullptr || !typed->is_object()) continue;
        for (const char* numeric : {"intValue", "doubleValue"}) {
          const value* number = Member(typed->as_object(), numeric);
          if (number != nullptr && (number->is_string() || number->is_number()))
            AddMeasurement(span, key->as_string(),
                           number->is_string() ? std::string(number->as_string())
                                               : NumberText(number->to_number<double>()));
        }
      }
    }
    FinishSpan(span, kind, code, Attributes(o, kSpanAttributeKeys), value_keys_, extra);
    return span;
  }

  const std::string& Intern(std::string text) { return *strings_.insert(std::move(text)).first; }

  std::vector<Span>& spans_;
  std::set<std::string>& strings_;
  BadRowLog& bad_rows_;
  ValueKeys value_keys_;
};

}  // namespace

struct RecordParser::State {
  static constexpr std::size_t kArenaBytes = 1 << 20;  // a Collector batch fits; more grows
  std::vector<unsigned char> arena_buffer_ = std::vector<unsigned char>(kArenaBytes);
  std::optional<boost::json::monotonic_resource> arena_;
  boost::json::parser parser_;
  std::optional<value> record_;
};

RecordParser::RecordParser() : state_(std::make_unique<State>()) {}
RecordParser::~RecordParser() = default;

const value* RecordParser::Parse(std::string_view text, std::size_t& error_offset,
                                 std::string& error) {
  state_->record_.reset();  // before its arena goes
  state_->arena_.emplace(state_->arena_buffer_.data(), state_->arena_buffer_.size());
  state_->parser_.reset(boost::json::storage_ptr(&*state_->arena_));
  boost::json::error_code ec;
  // boost::json::parser takes a complete text: an incomplete one is an error here.
  std::size_t used = state_->parser_.write_some(text.data(), text.size(), ec);
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
  state_->record_.emplace(state_->parser_.release());
  return &*state_->record_;
}

bool ReadRecord(const value& record, std::size_t line, std::vector<Span>& spans,
                std::set<std::string>& strings, BadRowLog& bad_rows, ValueKeys value_keys) {
  return RecordReader(spans, strings, bad_rows, value_keys).Read(record, line);
}

}  // namespace perfgate::fetch::otlp

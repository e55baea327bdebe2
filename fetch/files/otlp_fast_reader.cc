#include "fetch/files/otlp_fast_reader.h"

#include <array>
#include <charconv>
#include <optional>
#include <span>

#include <boost/json/basic_parser_impl.hpp>

namespace perfgate::fetch::otlp {
namespace {

// The fast path for one JSON Lines record in the Collector's shape: a streaming parse
// (Boost.JSON's SAX parser, no DOM) that fills spans directly. Any surprise (an envelope, a
// value of an unexpected type, an id that is neither hex nor base64, times out of order)
// makes it give up on the record, which the DOM reader (otlp_dom_reader.cc) then reads, so every
// message, and every variant real producers write, is handled in one place. For a record it
// accepts, it makes the spans the DOM reader would (a test checks it on every fixture).
class FastRecordHandler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;

  FastRecordHandler(std::vector<Span>& spans, std::set<std::string>& strings, ValueKeys value_keys)
      : spans_(spans), strings_(strings), value_keys_(value_keys) {}

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
  bool on_double(double d, string_view, error_code& ec) {
    if (!stack_.empty() && CurrentPlace() == Place::kAnyValue &&
        CurrentKey() == Key::kDoubleValue) {
      double_value_ = NumberText(d);
      return true;
    }
    return OtherScalar(ec);
  }
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
    kDoubleValue,
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
        {"doubleValue", Key::kDoubleValue},
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
        value_texts_.assign(value_keys_.size(), std::nullopt);
        kind_ = code_ = 0;
        has_start_ = has_end_ = false;
        break;
      case Place::kAttribute:
        attribute_ = kNoAttribute;
        string_value_.reset();
        int_value_.reset();
        double_value_.reset();
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
  static constexpr std::size_t kMeasurement = kSpanAttributes + 3;    // measurements.*
  static constexpr std::size_t kFirstValueKey = kSpanAttributes + 4;  // value_keys_[0]

  std::size_t AttributeOf(std::string_view key) const {
    if (stack_[stack_.size() - 2].place == Place::kResourceAttributes) {
      return key == "service.name"      ? kServiceName
             : key == "service.version" ? kServiceVersion
                                        : kNoAttribute;
    }
    for (std::size_t k = 0; k < kSpanAttributes; ++k) {
      if (key == kSpanAttributeKeys[k]) return k;
    }
    for (std::size_t j = 0; j < value_keys_.size(); ++j) {
      if (key == value_keys_[j]) return kFirstValueKey + j;
    }
    if (key.starts_with(kMeasurementPrefix)) return kMeasurement;
    return kNoAttribute;
  }

  void EndAttribute() {
    if (attribute_ == kNoAttribute) return;
    if (attribute_ == kMeasurement) {
      AddMeasurement(span_, measurement_key_,
                     int_value_ ? *int_value_ : double_value_.value_or(""));
      return;
    }
    std::optional<std::string>& found = attribute_ == kServiceName      ? resource_[0]
                                        : attribute_ == kServiceVersion ? resource_[1]
                                        : attribute_ >= kFirstValueKey
                                            ? value_texts_[attribute_ - kFirstValueKey]
                                            : span_attributes_[attribute_];
    if (found) return;  // the first of a repeated key wins
    found = string_value_ ? std::move(*string_value_)
            : int_value_  ? std::move(*int_value_)
                          : double_value_.value_or("");
  }

  bool EndSpan(error_code& ec) {
    if (!has_start_ || !has_end_ || span_.end_ns < span_.start_ns) return GiveUp(ec);
    FinishSpan(span_, kind_, code_, span_attributes_, value_keys_, value_texts_);
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
        if (key == Key::kKey) {
          attribute_ = AttributeOf(text);
          if (attribute_ == kMeasurement) measurement_key_ = text;
        }
        return true;
      case Place::kAnyValue:
        if (key == Key::kStringValue) string_value_ = text;
        if (key == Key::kIntValue) int_value_ = text;
        if (key == Key::kDoubleValue) double_value_ = text;
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
        if (key == Key::kDoubleValue) double_value_ = std::to_string(number);
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
      case Place::kAnyValue:  // a negative number: the full reader reads it
        return !(key == Key::kIntValue || key == Key::kStringValue || key == Key::kDoubleValue) ||
               GiveUp(ec);
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
  ValueKeys value_keys_;
  ValueTexts value_texts_;
  int kind_ = 0;
  int code_ = 0;
  bool has_start_ = false;
  bool has_end_ = false;
  std::size_t attribute_ = kNoAttribute;
  std::string measurement_key_;  // the key of a measurements.* attribute being read
  std::optional<std::string> string_value_;
  std::optional<std::string> int_value_;
  std::optional<std::string> double_value_;
};

}  // namespace

struct FastRecordReader::Parser {
  Parser(std::vector<Span>& spans, std::set<std::string>& strings, ValueKeys value_keys)
      : parser(boost::json::parse_options{}, spans, strings, value_keys) {}
  boost::json::basic_parser<FastRecordHandler> parser;
};

FastRecordReader::FastRecordReader(std::vector<Span>& spans, std::set<std::string>& strings,
                                   ValueKeys value_keys)
    : parser_(std::make_unique<Parser>(spans, strings, value_keys)) {}
FastRecordReader::~FastRecordReader() = default;

bool FastRecordReader::Read(std::string_view record) {
  auto& fast = parser_->parser;
  fast.handler().Reset();
  fast.reset();
  boost::json::error_code ec;
  const std::size_t used = fast.write_some(false, record.data(), record.size(), ec);
  return fast.handler().Finish(!ec && record.substr(used).find_first_not_of(" \t\r") ==
                                          std::string_view::npos);
}

}  // namespace perfgate::fetch::otlp

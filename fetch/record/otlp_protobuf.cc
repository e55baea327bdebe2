#include "fetch/record/otlp_protobuf.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/text.h"

namespace perfgate::fetch {
namespace {

// Protobuf's wire types.
enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

// A fault in the body: where (byte offset) and what.
struct Malformed {
  std::size_t offset;
  std::string what;
};

// One message's bytes, read field by field.
class Message {
 public:
  Message(std::string_view bytes, std::size_t base) : bytes_(bytes), base_(base) {}

  bool Done() const { return at_ >= bytes_.size(); }

  // The next field's number and wire type.
  std::pair<std::uint32_t, std::uint32_t> Tag() {
    const std::uint64_t tag = Varint();
    const auto number = static_cast<std::uint32_t>(tag >> 3);
    if (number == 0 || tag >> 32 != 0) Fail("a field number of 0 or past 2^29");
    return {number, static_cast<std::uint32_t>(tag & 7)};
  }

  std::uint64_t Varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= bytes_.size()) Fail("a varint cut short");
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    Fail("a varint longer than 10 bytes");
  }

  std::uint64_t Fixed(std::size_t size) {
    if (bytes_.size() - at_ < size) Fail("a fixed-size field cut short");
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i)
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    at_ += size;
    return value;
  }

  // A length-delimited field's bytes, and where they start in the body.
  std::pair<std::string_view, std::size_t> Bytes() {
    const std::uint64_t size = Varint();
    if (size > bytes_.size() - at_) Fail("a field longer than its message");
    const std::size_t start = at_;
    at_ += static_cast<std::size_t>(size);
    return {bytes_.substr(start, static_cast<std::size_t>(size)), base_ + start};
  }

  Message Nested() {
    auto [bytes, base] = Bytes();
    return Message(bytes, base);
  }

  // Skips a field of `wire` type; groups (3, 4) and types 6, 7 are not protobuf 3.
  void Skip(std::uint32_t wire) {
    switch (wire) {
      case kVarint:
        Varint();
        return;
      case kFixed64:
        Fixed(8);
        return;
      case kLength:
        Bytes();
        return;
      case kFixed32:
        Fixed(4);
        return;
      default:
        Fail("wire type " + std::to_string(wire) + ", which protobuf 3 does not have");
    }
  }

  // Requires `wire` for field `name`.
  void Expect(std::uint32_t wire, std::uint32_t wanted, const char* name) {
    if (wire != wanted) Fail(std::string(name) + " has the wrong wire type");
  }

  [[noreturn]] void Fail(const std::string& what) const { throw Malformed{base_ + at_, what}; }

 private:
  std::string_view bytes_;
  std::size_t base_;  // offset of bytes_[0] in the body
  std::size_t at_ = 0;
};

void AppendString(std::string& out, std::string_view text) {
  const std::string valid = ValidUtf8(text);
  out += boost::json::serialize(boost::json::value(boost::json::string_view(valid)));
}

void AppendHex(std::string& out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += '"';
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  out += '"';
}

// A double as JSON: the shortest text that reads back; NaN and infinities as OTLP/JSON's
// strings for them.
void AppendDouble(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, value);
    out.append(text, end);
  }
}

// One message's JSON object, fields in any order on the wire: scalars (the last of a
// repeated scalar wins, as protobuf says) and arrays (a repeated field's elements, in order,
// wherever on the wire they are).
class Object {
 public:
  void Set(std::string_view key, std::string json) {
    for (auto& [name, value] : scalars_) {
      if (name == key) {
        value = std::move(json);
        return;
      }
    }
    scalars_.emplace_back(key, std::move(json));
  }
  void Add(std::string_view key, const std::string& json) {
    for (auto& [name, elements] : arrays_) {
      if (name == key) {
        elements += ',' + json;
        return;
      }
    }
    arrays_.emplace_back(key, json);
  }
  std::string Close() const {
    std::string out = "{";
    auto field = [&](std::string_view key, const std::string& json, bool array) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += key;
      out += "\":";
      if (array) out += '[';
      out += json;
      if (array) out += ']';
    };
    for (const auto& [key, json] : scalars_) field(key, json, false);
    for (const auto& [key, json] : arrays_) field(key, json, true);
    return out + '}';
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> scalars_;
  std::vector<std::pair<std::string_view, std::string>> arrays_;
};

std::string Json(std::string_view text) {
  std::string out;
  AppendString(out, text);
  return out;
}

std::string Hex(std::string_view bytes) {
  std::string out;
  AppendHex(out, bytes);
  return out;
}

std::string Quoted(std::uint64_t value) { return '"' + std::to_string(value) + '"'; }

std::string KeyValue(Message m, int depth);

// AnyValue: string 1, bool 2, int64 3, double 4, ArrayValue 5, KeyValueList 6, bytes 7.
std::string AnyValue(Message m, int depth) {
  if (depth > kMaxProtobufDepth) m.Fail("attribute values nested too deep");
  Object value;
  while (!m.Done()) {
    auto [field, wire] = m.Tag();
    switch (field) {
      case 1:
        m.Expect(wire, kLength, "stringValue");
        value.Set("stringValue", Json(m.Bytes().first));
        break;
      case 2:
        m.Expect(wire, kVarint, "boolValue");
        value.Set("boolValue", m.Varint() != 0 ? "true" : "false");
        break;
      case 3:
        m.Expect(wire, kVarint, "intValue");
        value.Set("intValue", '"' + std::to_string(static_cast<std::int64_t>(m.Varint())) + '"');
        break;
      case 4: {
        m.Expect(wire, kFixed64, "doubleValue");
        std::string number;
        AppendDouble(number, std::bit_cast<double>(m.Fixed(8)));
        value.Set("doubleValue", number);
        break;
      }
      case 5:
      case 6: {
        // ArrayValue {repeated AnyValue values = 1}; KeyValueList {repeated KeyValue values = 1}.
        m.Expect(wire, kLength, field == 5 ? "arrayValue" : "kvlistValue");
        Message list = m.Nested();
        Object values;
        values.Set("values", "[]");
        std::string elements;
        while (!list.Done()) {
          auto [inner, inner_wire] = list.Tag();
          if (inner != 1) {
            list.Skip(inner_wire);
            continue;
          }
          list.Expect(inner_wire, kLength, "values");
          elements +=
              (elements.empty() ? "" : ",") + (field == 5 ? AnyValue(list.Nested(), depth + 1)
                                                          : KeyValue(list.Nested(), depth + 1));
        }
        values.Set("values", '[' + elements + ']');
        value.Set(field == 5 ? "arrayValue" : "kvlistValue", values.Close());
        break;
      }
      case 7:
        // Protobuf's JSON mapping says base64; OTLP/JSON readers take it as a string.
        m.Expect(wire, kLength, "bytesValue");
        value.Set("bytesValue", Hex(m.Bytes().first));
        break;
      default:
        m.Skip(wire);
    }
  }
  return value.Close();
}

// KeyValue: key 1, value 2.
std::string KeyValue(Message m, int depth) {
  Object pair;
  while (!m.Done()) {
    auto [field, wire] = m.Tag();
    if (field == 1) {
      m.Expect(wire, kLength, "key");
      pair.Set("key", Json(m.Bytes().first));
    } else if (field == 2) {
      m.Expect(wire, kLength, "value");
      pair.Set("value", AnyValue(m.Nested(), depth + 1));
    } else {
      m.Skip(wire);
    }
  }
  return pair.Close();
}

// A field of a message the decoder knows: its key in OTLP/JSON and how its value reads.
enum class Kind { kString, kHexBytes, kVarint, kFixed32, kFixed64Quoted, kAttributes, kMessage };

// Decodes a message whose fields are `fields` (number, key, kind); a kMessage field's
// message is decoded by `nested(number, message)`.
template <typename Nested>
std::string Decode(Message m,
                   std::initializer_list<std::tuple<std::uint32_t, const char*, Kind>> fields,
                   const Nested& nested) {
  Object object;
  while (!m.Done()) {
    auto [number, wire] = m.Tag();
    const std::tuple<std::uint32_t, const char*, Kind>* known = nullptr;
    for (const auto& field : fields) {
      if (std::get<0>(field) == number) known = &field;
    }
    if (known == nullptr) {
      m.Skip(wire);
      continue;
    }
    const char* key = std::get<1>(*known);
    switch (std::get<2>(*known)) {
      case Kind::kString:
        m.Expect(wire, kLength, key);
        object.Set(key, Json(m.Bytes().first));
        break;
      case Kind::kHexBytes: {
        m.Expect(wire, kLength, key);
        const std::string_view bytes = m.Bytes().first;
        if (!bytes.empty()) object.Set(key, Hex(bytes));
        break;
      }
      case Kind::kVarint:
        m.Expect(wire, kVarint, key);
        object.Set(key, std::to_string(m.Varint()));
        break;
      case Kind::kFixed32:
        m.Expect(wire, kFixed32, key);
        object.Set(key, std::to_string(m.Fixed(4)));
        break;
      case Kind::kFixed64Quoted:
        m.Expect(wire, kFixed64, key);
        object.Set(key, Quoted(m.Fixed(8)));
        break;
      case Kind::kAttributes:
        m.Expect(wire, kLength, key);
        object.Add(key, KeyValue(m.Nested(), 0));
        break;
      case Kind::kMessage:
        m.Expect(wire, kLength, key);
        nested(number, key, m.Nested(), object);
        break;
    }
  }
  return object.Close();
}

constexpr auto kNoNested = [](std::uint32_t, const char*, Message, Object&) {};

std::string Status(Message m) {
  return Decode(m, {{2, "message", Kind::kString}, {3, "code", Kind::kVarint}}, kNoNested);
}

std::string Event(Message m) {
  return Decode(m,
                {{1, "timeUnixNano", Kind::kFixed64Quoted},
                 {2, "name", Kind::kString},
                 {3, "attributes", Kind::kAttributes},
                 {4, "droppedAttributesCount", Kind::kVarint}},
                kNoNested);
}

std::string Link(Message m) {
  return Decode(m,
                {{1, "traceId", Kind::kHexBytes},
                 {2, "spanId", Kind::kHexBytes},
                 {3, "traceState", Kind::kString},
                 {4, "attributes", Kind::kAttributes},
                 {5, "droppedAttributesCount", Kind::kVarint},
                 {6, "flags", Kind::kFixed32}},
                kNoNested);
}

std::string Span(Message m) {
  return Decode(m,
                {{1, "traceId", Kind::kHexBytes},
                 {2, "spanId", Kind::kHexBytes},
                 {3, "traceState", Kind::kString},
                 {4, "parentSpanId", Kind::kHexBytes},
                 {16, "flags", Kind::kFixed32},
                 {5, "name", Kind::kString},
                 {6, "kind", Kind::kVarint},
                 {7, "startTimeUnixNano", Kind::kFixed64Quoted},
                 {8, "endTimeUnixNano", Kind::kFixed64Quoted},
                 {9, "attributes", Kind::kAttributes},
                 {10, "droppedAttributesCount", Kind::kVarint},
                 {11, "events", Kind::kMessage},
                 {12, "droppedEventsCount", Kind::kVarint},
                 {13, "links", Kind::kMessage},
                 {14, "droppedLinksCount", Kind::kVarint},
                 {15, "status", Kind::kMessage}},
                [](std::uint32_t number, const char* key, Message nested, Object& span) {
                  if (number == 15) {
                    span.Set(key, Status(nested));
                  } else {
                    span.Add(key, number == 11 ? Event(nested) : Link(nested));
                  }
                });
}

std::string Resource(Message m) {
  return Decode(
      m, {{1, "attributes", Kind::kAttributes}, {2, "droppedAttributesCount", Kind::kVarint}},
      kNoNested);
}

std::string Scope(Message m) {
  return Decode(m,
                {{1, "name", Kind::kString},
                 {2, "version", Kind::kString},
                 {3, "attributes", Kind::kAttributes},
                 {4, "droppedAttributesCount", Kind::kVarint}},
                kNoNested);
}

std::string ScopeSpans(Message m, std::size_t& spans) {
  return Decode(
      m,
      {{1, "scope", Kind::kMessage}, {2, "spans", Kind::kMessage}, {3, "schemaUrl", Kind::kString}},
      [&](std::uint32_t number, const char* key, Message nested, Object& scope) {
        if (number == 1) {
          scope.Set(key, Scope(nested));
        } else {
          scope.Add(key, Span(nested));
          ++spans;
        }
      });
}

std::string ResourceSpans(Message m, std::size_t& spans) {
  return Decode(m,
                {{1, "resource", Kind::kMessage},
                 {2, "scopeSpans", Kind::kMessage},
                 {3, "schemaUrl", Kind::kString}},
                [&](std::uint32_t number, const char* key, Message nested, Object& resource) {
                  if (number == 1) {
                    resource.Set(key, Resource(nested));
                  } else {
                    resource.Add(key, ScopeSpans(nested, spans));
                  }
                });
}

}  // namespace

Result<DecodedTraces> DecodeOtlpProtobuf(std::string_view body) {
  DecodedTraces decoded;
  try {
    decoded.json = Decode(Message(body, 0), {{1, "resourceSpans", Kind::kMessage}},
                          [&](std::uint32_t, const char* key, Message nested, Object& request) {
                            request.Add(key, ResourceSpans(nested, decoded.spans));
                          });
  } catch (const Malformed& error) {
    return MakeError(ErrorKind::kInput,
                     "not an OTLP ExportTraceServiceRequest in protobuf: " + error.what +
                         " at byte " + std::to_string(error.offset));
  }
  return decoded;
}

}  // namespace perfgate::fetch

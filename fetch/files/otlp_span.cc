#include "fetch/files/otlp_span.h"

#include <charconv>
#include <cmath>

namespace perfgate::fetch::otlp {
namespace {

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

}  // namespace

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

// Completes a span read up to its ids, times and name: its op, failure and transaction name.
std::string NumberText(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end);
}

void AddMeasurement(Span& span, std::string_view key, std::string_view text) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(number))
    return;
  for (const auto& [known, value] : span.measurements) {
    if (known == key) return;
  }
  span.measurements.emplace_back(key, number);
}

void FinishSpan(Span& span, int kind, int status_code, const SpanAttributes& attributes,
                ValueKeys extra_keys, const ValueTexts& extra) {
  span.op = DeriveOp(attributes, kind);
  span.failed = status_code == kStatusError;
  // "{method} {http.route}" where the route is known, as the server span name SHOULD be.
  if (const std::optional<std::string>& route = attributes[kRoute]; route && !route->empty()) {
    const std::optional<std::string>& method =
        attributes[kRequestMethod] ? attributes[kRequestMethod] : attributes[kOldMethod];
    span.transaction = method && !method->empty() ? *method + " " + *route : *route;
  }
  auto add = [&](std::string_view key, const std::optional<std::string>& text) {
    if (!text || text->empty()) return;
    double number = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
    if (ec == std::errc() && end == text->data() + text->size() && std::isfinite(number))
      span.values.emplace_back(key, number);
  };
  for (std::size_t k = kFirstValueAttribute; k < kSpanAttributes; ++k)
    add(kSpanAttributeKeys[k], attributes[k]);
  for (std::size_t j = 0; j < extra.size() && j < extra_keys.size(); ++j)
    add(extra_keys[j], extra[j]);
}

}  // namespace perfgate::fetch::otlp

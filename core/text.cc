#include "core/text.h"

namespace perfgate {
namespace {

// The length of the valid UTF-8 sequence at `text[at]`, or 0 when the bytes there are not
// one (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t SequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

// A control character at `text[at]` of a sequence of `length`: C0 but tab, DEL, or C1
// (U+0080..U+009F, encoded C2 80..C2 9F).
bool IsControl(std::string_view text, std::size_t at, std::size_t length) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (length == 1) return (lead < 0x20 && lead != '\t') || lead == 0x7F;
  return length == 2 && lead == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0;
}

template <bool kDropControls>
bool IsClean(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead >= 0x20 && lead < 0x7F) {  // the common case: printable ASCII
      ++at;
      continue;
    }
    const std::size_t length = SequenceLength(text, at);
    if (length == 0 || (kDropControls && IsControl(text, at, length))) return false;
    at += length;
  }
  return true;
}

template <bool kDropControls>
std::string Clean(std::string_view text) {
  if (IsClean<kDropControls>(text)) return std::string(text);
  std::string clean;
  clean.reserve(text.size() + 8);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = SequenceLength(text, at);
    if (length == 0 || (kDropControls && IsControl(text, at, length))) {
      clean += kReplacement;
      at += length == 0 ? 1 : length;
    } else {
      clean.append(text.substr(at, length));
      at += length;
    }
  }
  return clean;
}

}  // namespace

bool IsCleanText(std::string_view text) { return IsClean<true>(text); }

std::size_t FirstInvalidUtf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = SequenceLength(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}
std::string CleanText(std::string_view text) { return Clean<true>(text); }
std::string ValidUtf8(std::string_view text) { return Clean<false>(text); }

void Fnv1aFold(std::uint64_t& hash, std::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
}

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t hash = kFnv1aOffset;
  Fnv1aFold(hash, text);
  return hash;
}

}  // namespace perfgate

// Text from the data made safe to show: every report format (JSON and XML need valid
// UTF-8; a terminal obeys escape sequences; Markdown and HTML read control bytes raw) gets
// names it can carry whatever bytes the input held.
#ifndef PERFGATE_CORE_TEXT_H_
#define PERFGATE_CORE_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace perfgate {

// U+FFFD, the replacement character, in UTF-8.
inline constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// True when `text` is valid UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF) without control characters (C0 but tab, DEL, C1).
bool IsCleanText(std::string_view text);

// The offset of the first byte of `text` that is not part of valid UTF-8, or npos.
std::size_t FirstInvalidUtf8(std::string_view text);

// `text` with each byte of an invalid UTF-8 sequence, and each control character (C0 but
// tab, DEL, C1), replaced by U+FFFD. Returns `text` unchanged when IsCleanText().
std::string CleanText(std::string_view text);

// `text` with invalid UTF-8 replaced by U+FFFD, control characters kept (a JSON string
// escapes them; newlines in a message are meant).
std::string ValidUtf8(std::string_view text);

// FNV-1a (64 bits): its offset basis, `bytes` folded into `hash`, and the hash of `text`. A
// checksum and a name hash (the Sentry cache), and a user id's hash (row_fields).
inline constexpr std::uint64_t kFnv1aOffset = 0xCBF29CE484222325ULL;
void Fnv1aFold(std::uint64_t& hash, std::string_view bytes);
std::uint64_t Fnv1a(std::string_view text);

}  // namespace perfgate

#endif  // PERFGATE_CORE_TEXT_H_

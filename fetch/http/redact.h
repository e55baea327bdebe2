// Keeping secrets out of what perfgate shows: text that came from the network (a server's
// error detail, a header, a transport's message) may echo the token or a webhook's secret
// path back, so it passes through Redact() before it reaches a message, a log or a note.
#ifndef PERFGATE_FETCH_HTTP_REDACT_H_
#define PERFGATE_FETCH_HTTP_REDACT_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace perfgate::fetch {

inline constexpr std::string_view kRedacted = "[redacted]";

// `text` with every occurrence of each non-empty secret replaced by "[redacted]".
std::string Redact(std::string text, std::initializer_list<std::string_view> secrets);

// True when `text` holds a control character (CR, LF, NUL, ... or DEL): such a token
// would inject request headers.
bool HasControlCharacter(std::string_view text);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_REDACT_H_

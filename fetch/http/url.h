// The parts of a URL perfgate needs to decide where a secret may go: the origin (scheme,
// host and port) a token is bound to, and whether plain http is acceptable (loopback only).
#ifndef PERFGATE_FETCH_HTTP_URL_H_
#define PERFGATE_FETCH_HTTP_URL_H_

#include <string>
#include <string_view>

namespace perfgate::fetch {

// "https://host:port" of `url`, or "" when it has no scheme.
std::string Origin(std::string_view url);
// The host of `url` ("sentry.io", "127.0.0.1", "[::1]"), or "".
std::string Host(std::string_view url);
// localhost, an IPv4 literal in 127.0.0.0/8, or [::1].
bool IsLoopbackHost(std::string_view host);
// https:// with a host, or http:// to a loopback host: where a secret may be sent.
bool IsSafeForSecrets(std::string_view url);
// Percent-encodes `text` for a URL path segment or query value (RFC 3986 unreserved
// characters kept).
std::string UrlEncode(std::string_view text);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_URL_H_

// One HTTP exchange, and nothing more: a transport sends one request and returns one
// response. Retries, backoff, rate limits, redirects, pagination and JSON decoding live
// above it (sentry_client.h), so they can be tested with a scripted fake transport. An HTTP
// error status (429, 500) is a successful exchange; only failures to exchange at all
// (refused, reset, timed out, malformed) are errors.
#ifndef PERFGATE_FETCH_HTTP_HTTP_TRANSPORT_H_
#define PERFGATE_FETCH_HTTP_HTTP_TRANSPORT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace perfgate::fetch {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The largest answer body read by default (Sentry's largest answers, 100 events a page or a
// trace, are a few MB).
inline constexpr std::size_t kMaxAnswerBytes = std::size_t{256} << 20;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // the whole exchange
  // The largest answer body read; a larger one fails the request (kUnavailable) instead of
  // taking the memory.
  std::size_t max_body = kMaxAnswerBytes;
};

struct HttpResponse {
  int status = 0;
  Headers headers;  // names as sent; look them up with Header()
  std::string body;

  // The first header named `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  // That header as a finite number ("30", "1795608003.5"), or nullopt when absent, not a
  // number, or not finite ("inf", "1e999").
  std::optional<double> NumberHeader(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request`. A kUnavailable error's message is the cause alone ("Timeout was
  // reached"): the caller names the request, as it chooses to show its URL (a webhook's
  // path is a secret). It never holds a header value (the Authorization header holds the
  // token).
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_HTTP_TRANSPORT_H_

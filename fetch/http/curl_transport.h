// The real HttpTransport, on libcurl (the only curl user in perfgate). It follows no
// redirects (the client decides whether a redirect may carry the token), verifies TLS
// peers, and reports failures without echoing request headers.
#ifndef PERFGATE_FETCH_HTTP_CURL_TRANSPORT_H_
#define PERFGATE_FETCH_HTTP_CURL_TRANSPORT_H_

#include "fetch/http/http_transport.h"

namespace perfgate::fetch {

class CurlTransport : public HttpTransport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Thread-safe: each call uses its own curl handle.
  Result<HttpResponse> Send(const HttpRequest& request) override;
};

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_CURL_TRANSPORT_H_

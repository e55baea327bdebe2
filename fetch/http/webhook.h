// Delivers a JSON payload to a webhook (Slack-compatible or any HTTP endpoint) with the
// the same HTTP policy as the Sentry client (http_client.h). The URL is treated as a secret:
// messages name only its scheme, host and port.
#ifndef PERFGATE_FETCH_HTTP_WEBHOOK_H_
#define PERFGATE_FETCH_HTTP_WEBHOOK_H_

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "fetch/http/http_transport.h"
#include "fetch/http/retry_policy.h"

namespace perfgate::fetch {

// Checks that `url` may receive a payload: https, or plain http on a loopback host.
Status ValidateWebhookUrl(const std::string& url);

// POSTs `json` to `url` and succeeds on any 2xx; retries 429, 5xx and transport failures.
// Plain http is refused except for loopback hosts. A kUnavailable error says what failed.
Status PostJson(HttpTransport& transport, Clock& clock, const std::string& url,
                const std::string& json,
                const RetryPolicy& policy = RetryPolicy{4, std::chrono::milliseconds(500),
                                                        std::chrono::milliseconds(10000)});

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_HTTP_WEBHOOK_H_

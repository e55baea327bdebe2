#include "fetch/http/webhook.h"

#include "fetch/http/http_client.h"
#include "fetch/http/url.h"

namespace perfgate::fetch {

Status ValidateWebhookUrl(const std::string& url) {
  if (IsSafeForSecrets(url)) return {};
  const std::string origin = Origin(url);
  return MakeError(ErrorKind::kUsage,
                   "the webhook must be an https:// URL (plain http only on loopback), not " +
                       (origin.empty() ? "(not a URL)" : origin));
}

Status PostJson(HttpTransport& transport, Clock& clock, const std::string& url,
                const std::string& json, const RetryPolicy& policy) {
  if (Status valid = ValidateWebhookUrl(url); !valid.ok()) return valid;
  // Only the origin is shown: a webhook's path is its secret (Slack's /services/T/B/XXXX).
  const std::string origin = Origin(url);
  const std::string shown = origin + "/...";
  HttpClientOptions options;
  options.retry = policy;
  options.timeout = std::chrono::milliseconds(15000);
  options.secrets = {url, url.substr(origin.size())};
  HttpClient client(transport, clock, options);
  Result<HttpOutcome> sent = client.Send(
      HttpRequest{"POST", url, {{"Content-Type", "application/json"}}, json, options.timeout},
      shown);
  if (!sent.ok()) return sent.error();
  const int status = sent->response.status;
  if (status >= 200 && status < 300) return {};
  Error error =
      MakeError(ErrorKind::kUnavailable, "POST " + shown + ": answered " + std::to_string(status));
  error.http_status = status;
  return error;
}

}  // namespace perfgate::fetch

#include "fetch/http/webhook.h"

#include <algorithm>

#include "fetch/http/redact.h"

namespace perfgate::fetch {
namespace {

// "https://hooks.example.com": the part of a webhook URL that is safe to print.
std::string Origin(const std::string& url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "(not a URL)";
  return url.substr(0, url.find('/', scheme + 3));
}

bool LoopbackHttp(const std::string& url) {
  for (const char* prefix : {"http://127.", "http://localhost:", "http://localhost/", "http://[::1]"}) {
    if (url.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

Status ValidateWebhookUrl(const std::string& url) {
  if (url.starts_with("https://") || LoopbackHttp(url)) return {};
  return MakeError(ErrorKind::kUsage, "the webhook must be an https:// URL (plain http only on loopback), not " +
                                          Origin(url));
}

Status PostJson(HttpTransport& transport, Clock& clock, const std::string& url, const std::string& json,
                const RetryPolicy& policy) {
  const std::string shown = "POST " + Origin(url) + "/...";
  if (Status valid = ValidateWebhookUrl(url); !valid.ok()) return valid;
  Result<HttpResponse> outcome = MakeError(ErrorKind::kInternal, "not sent");
  for (int attempt = 1;; ++attempt) {
    HttpRequest request{"POST", url, {{"Content-Type", "application/json"}}, json, std::chrono::milliseconds(15000)};
    outcome = transport.Send(request);
    if (outcome.ok() && outcome->status >= 200 && outcome->status < 300) return {};
    auto delay = RetryDelay(policy, attempt, outcome, clock.Now(), 0.5);
    if (!delay) break;
    clock.Sleep(*delay);
  }
  // A transport error message names the URL, whose path is the webhook's secret: say only
  // the cause, and redact the path wherever else the text may hold it.
  std::string cause = "answered " + std::to_string(outcome.ok() ? outcome->status : 0);
  if (!outcome.ok()) {
    const std::string& message = outcome.error().message;
    const std::string prefix = "POST " + url.substr(0, url.find('?')) + ": ";
    cause = message.starts_with(prefix) ? message.substr(prefix.size()) : message;
  }
  const std::string_view path = std::string_view(url).substr(std::min(url.size(), Origin(url).size()));
  return MakeError(ErrorKind::kUnavailable, shown + ": " + Redact(cause, {url, path}));
}

}  // namespace perfgate::fetch

// A real HTTP server on 127.0.0.1 (Boost.Beast, an ephemeral port), started by a test:
// either answering with a handler the test writes, or playing Sentry (releases API and a
// paginated events API over given samples). Each connection gets its own thread, so
// concurrent clients are served concurrently.
#ifndef PERFGATE_TESTS_FAKES_FAKE_SENTRY_SERVER_H_
#define PERFGATE_TESTS_FAKES_FAKE_SENTRY_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/samples.h"
#include "fetch/http/http_transport.h"

namespace perfgate {

class FakeSentryServer {
 public:
  struct Request {
    std::string method;
    std::string target;  // path and query, as sent
    std::string authorization;
    std::string body;
    std::string private_token;  // GitLab's PRIVATE-TOKEN header
  };
  struct Reply {
    int status = 200;
    fetch::Headers headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // wait this long before answering
    bool reset_mid_body = false;         // send the headers and half the body, then close
    std::string raw{};  // when set, sent as the whole response as it is, then the connection closed
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit FakeSentryServer(Handler handler);
  ~FakeSentryServer();
  FakeSentryServer(const FakeSentryServer&) = delete;
  FakeSentryServer& operator=(const FakeSentryServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string url() const;
  std::vector<Request> requests() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// How the fake Sentry behaves beyond answering: latency per request, and sentry.io's rate
// limits (a fixed window of N requests a second, M at once) with its headers and 429s.
struct SentryServerOptions {
  std::chrono::milliseconds latency{0};
  int requests_per_second = 0;  // 0: no limits and no rate-limit headers (self-hosted)
  int concurrent_requests = 15;
  // Events this long past a request's end are answered too, as by a server whose end is
  // inclusive or rounded up: time windows that meet then share their boundary's events.
  std::chrono::milliseconds end_slack{0};
  std::shared_ptr<std::atomic<int>> rejected = std::make_shared<std::atomic<int>>(0);  // 429s sent
  // The spans dataset's span groups, by release and transaction, for the aggregate queries
  // of one transaction (dataset=spans, query transaction:"NAME" release:"R"): a page of
  // span.op, span.description, sum(span.self_time) and count() rows, and count() of
  // is_transaction:true. A transaction not here has no spans.
  std::map<std::string, std::map<std::string, SpanGroupTotals>> span_groups;
  // The trace view's answers (GET .../trace/{trace_id}/), by trace id; others are 404.
  std::map<std::string, std::string> traces;
  // A release's events (and its details' firstEvent and lastEvent) moved by this much from
  // the 2026-11-20 10:00-23:59:59 UTC every release has by default.
  std::map<std::string, std::chrono::milliseconds> release_offsets;
  // Deploys (the deploys API and the releases list's environment filter): release,
  // environment and when it finished (ISO 8601).
  struct Deploy {
    std::string release;
    std::string environment;
    std::string finished;
  };
  std::vector<Deploy> deploys;
};

// A handler that plays Sentry for `releases` (version -> events): the release details
// endpoint, the latest-release list, and the events endpoint (100 events a page, newest
// first, Link headers, start/end filtering on synthetic timestamps spread over
// 2026-11-20T10:00:00Z..23:59:59Z, and field=count()), aggregate rows (with any
// measurement's aggregates from the events' value columns), duration histograms, and INP's
// interaction spans from each group's sample values "measurements.inp" (raw pages or
// aggregate rows). Requests without "Bearer <token>" get 401.
FakeSentryServer::Handler SentryHandler(std::map<std::string, SampleSet> releases,
                                        std::string token, SentryServerOptions options = {});

// Sentry's events-histogram of `durations` (find_histogram_params and the bin formula of
// sentry-api.md): a max given is made exclusive by 0.1 unit (10^-precision ms); without min
// or max, the durations' own; bucket_size = nice_int((max - min) * 10^precision /
// buckets); start_offset = floor(scaled min / bucket_size) * bucket_size; the bucket
// widened once when the last bin would not reach the max; durations outside the bins left
// out; trailing empty bins trimmed. (lower edge in ms, count) per bin.
std::vector<std::pair<double, std::size_t>> SentryHistogram(const std::vector<double>& durations,
                                                            int buckets, int precision,
                                                            const std::string& min,
                                                            const std::string& max);

// The query parameter `name` of a request target, percent-decoded, or "".
std::string QueryParameter(const std::string& target, const std::string& name);
// Every value of the query parameter `name` (field=a&field=b), percent-decoded, in order.
std::vector<std::string> QueryParameters(const std::string& target, const std::string& name);

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_FAKE_SENTRY_SERVER_H_

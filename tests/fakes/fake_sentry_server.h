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
#include "fetch/http_transport.h"

namespace perfgate {

class FakeSentryServer {
 public:
  struct Request {
    std::string method;
    std::string target;  // path and query, as sent
    std::string authorization;
  };
  struct Reply {
    int status = 200;
    fetch::Headers headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // wait this long before answering
    bool reset_mid_body = false;         // send the headers and half the body, then close
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

// A handler that plays Sentry for `releases` (version -> events): the release details
// endpoint, the latest-release list, and the events endpoint with 100 events a page and
// Link headers. Requests without "Bearer <token>" get 401.
FakeSentryServer::Handler SentryHandler(std::map<std::string, SampleSet> releases, std::string token);

// The query parameter `name` of a request target, percent-decoded, or "".
std::string QueryParameter(const std::string& target, const std::string& name);

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_FAKE_SENTRY_SERVER_H_

// A scripted HttpTransport: each request is answered by the first rule whose URL fragment
// it contains and that has answers left (a rule's answers are used in order, the last one
// repeating), and every request is recorded for the test to inspect.
#ifndef PERFGATE_TESTS_FAKES_FAKE_TRANSPORT_H_
#define PERFGATE_TESTS_FAKES_FAKE_TRANSPORT_H_

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "fetch/http/http_transport.h"

namespace perfgate {

class FakeTransport : public fetch::HttpTransport {
 public:
  struct Rule {
    std::string url_contains;
    std::deque<Result<fetch::HttpResponse>> answers;
  };

  // Answers requests whose URL contains `fragment` with `answers`, in order.
  void On(std::string fragment, std::vector<Result<fetch::HttpResponse>> answers) {
    rules_.push_back(Rule{std::move(fragment), {answers.begin(), answers.end()}});
  }

  Result<fetch::HttpResponse> Send(const fetch::HttpRequest& request) override {
    std::lock_guard lock(mutex_);
    requests.push_back(request);
    for (Rule& rule : rules_) {
      if (request.url.find(rule.url_contains) == std::string::npos || rule.answers.empty())
        continue;
      Result<fetch::HttpResponse> answer = rule.answers.front();
      if (rule.answers.size() > 1) rule.answers.pop_front();
      return answer;
    }
    return fetch::HttpResponse{404, {}, ""};
  }

  std::vector<fetch::HttpRequest> requests;

 private:
  std::mutex mutex_;
  std::vector<Rule> rules_;
};

// A response with `status`, `body` and `headers`.
inline fetch::HttpResponse Respond(int status, std::string body, fetch::Headers headers = {}) {
  return fetch::HttpResponse{status, std::move(headers), std::move(body)};
}

}  // namespace perfgate

#endif  // PERFGATE_TESTS_FAKES_FAKE_TRANSPORT_H_

#include "tests/fakes/fake_sentry_server.h"

#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace perfgate {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace

struct FakeSentryServer::State {
  Handler handler;
  net::io_context io;
  tcp::acceptor acceptor{io};
  unsigned short port = 0;
  std::atomic<bool> stopping{false};
  std::thread accept_thread;
  std::mutex mutex;
  std::vector<std::thread> sessions;
  std::vector<Request> requests;

  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) break;
      Request seen{std::string(request.method_string()), std::string(request.target()),
                   std::string(request[http::field::authorization])};
      {
        std::lock_guard lock(mutex);
        requests.push_back(seen);
      }
      Reply reply = handler(seen);
      if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
      if (reply.reset_mid_body) {
        std::string partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body.substr(0, reply.body.size() / 2);
        net::write(socket, net::buffer(partial), ec);
        socket.close(ec);
        return;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), request.version()};
      response.set(http::field::content_type, "application/json");
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      response.body() = reply.body;
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
};

FakeSentryServer::FakeSentryServer(Handler handler) : state_(std::make_shared<State>()) {
  state_->handler = std::move(handler);
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.set_option(net::socket_base::reuse_address(true));
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  state_->port = state_->acceptor.local_endpoint().port();
  state_->accept_thread = std::thread([state = state_] {
    while (true) {
      tcp::socket socket(state->io);
      beast::error_code ec;
      state->acceptor.accept(socket, ec);
      if (state->stopping || ec) break;
      std::lock_guard lock(state->mutex);
      state->sessions.emplace_back([state, s = std::move(socket)]() mutable { state->Serve(std::move(s)); });
    }
  });
}

FakeSentryServer::~FakeSentryServer() {
  state_->stopping = true;
  // Wake the blocking accept() with a connection of our own.
  beast::error_code ec;
  tcp::socket poke(state_->io);
  poke.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), state_->port), ec);
  state_->accept_thread.join();
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(state_->mutex);
    sessions.swap(state_->sessions);
  }
  for (std::thread& session : sessions) session.join();
}

std::string FakeSentryServer::url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

std::vector<FakeSentryServer::Request> FakeSentryServer::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::string QueryParameter(const std::string& target, const std::string& name) {
  std::size_t query = target.find('?');
  if (query == std::string::npos) return "";
  std::string_view rest = std::string_view(target).substr(query + 1);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) != name) continue;
    std::string_view raw = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    std::string decoded;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '%' && i + 2 < raw.size()) {
        int value = 0;
        std::from_chars(raw.data() + i + 1, raw.data() + i + 3, value, 16);
        decoded += static_cast<char>(value);
        i += 2;
      } else {
        decoded += raw[i] == '+' ? ' ' : raw[i];
      }
    }
    return decoded;
  }
  return "";
}

FakeSentryServer::Handler SentryHandler(std::map<std::string, SampleSet> releases, std::string token) {
  auto data = std::make_shared<std::map<std::string, SampleSet>>(std::move(releases));
  return [data, token](const FakeSentryServer::Request& request) -> FakeSentryServer::Reply {
    if (request.authorization != "Bearer " + token) return {401, {}, R"({"detail": "Invalid token"})"};
    const std::string path = request.target.substr(0, request.target.find('?'));
    const std::string releases_prefix = "/api/0/organizations/acme/releases/";
    if (path == releases_prefix) {
      return {200, {}, "[{\"version\":" + boost::json::serialize(boost::json::value(data->rbegin()->first)) + "}]"};
    }
    if (path.starts_with(releases_prefix)) {
      std::string version = QueryParameter("?v=" + path.substr(releases_prefix.size(), path.size() - releases_prefix.size() - 1), "v");
      if (!data->contains(version)) return {404, {}, R"({"detail": "The requested resource does not exist"})"};
      return {200, {}, R"({"version":")" + version + R"(","firstEvent":"2026-11-20T10:00:00Z","lastEvent":"2026-11-20T23:59:59Z"})"};
    }
    if (path != "/api/0/organizations/acme/events/") return {404, {}, ""};
    const std::string query = QueryParameter(request.target, "query");
    const std::size_t at = query.find("release:\"");
    if (at == std::string::npos) return {400, {}, R"({"detail": "expected a release filter"})"};
    const std::string version = query.substr(at + 9, query.find('"', at + 9) - at - 9);
    auto found = data->find(version);
    std::vector<std::pair<const GroupSamples*, std::size_t>> events;
    if (found != data->end()) {
      for (const GroupSamples& group : found->second.groups) {
        for (std::size_t i = 0; i < group.size(); ++i) events.emplace_back(&group, i);
      }
    }
    std::size_t offset = 0;
    std::string cursor = QueryParameter(request.target, "cursor");
    if (!cursor.empty()) offset = std::stoul(cursor.substr(cursor.find(':') + 1));
    const std::size_t end = std::min(events.size(), offset + 100);
    std::string body = R"({"data":[)";
    char number[32];
    for (std::size_t e = offset; e < end; ++e) {
      const auto& [group, i] = events[e];
      auto [stop, ec] = std::to_chars(number, number + sizeof number, group->durations_ms[i]);
      body += std::string(e > offset ? "," : "") + R"({"id":")" + std::to_string(e) + R"(","transaction":)" +
              boost::json::serialize(boost::json::value(group->name)) + R"(,"transaction.duration":)" +
              std::string(number, stop) + R"(,"transaction.status":")" + (group->failed[i] ? "internal_error" : "ok") +
              R"(","timestamp":"2026-11-20T12:00:00+00:00"})";
    }
    body += R"(],"meta":{"fields":{"transaction.duration":"duration"},"units":{"transaction.duration":"millisecond"},"dataset":"transactions"}})";
    const bool more = end < events.size();
    const std::string next = "0:" + std::to_string(end) + ":0";
    fetch::Headers headers = {
        {"Link", "<http://127.0.0.1/api/0/organizations/acme/events/?&cursor=0:0:1>; rel=\"previous\"; results=\"false\"; "
                 "cursor=\"0:0:1\", <http://127.0.0.1/api/0/organizations/acme/events/?&cursor=" + next +
                 ">; rel=\"next\"; results=\"" + (more ? "true" : "false") + "\"; cursor=\"" + next + "\""}};
    return {200, headers, body};
  };
}

}  // namespace perfgate

#include "fetch/record/receiver.h"

#include <sys/socket.h>
#include <zlib.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "fetch/files/sentry_envelope.h"
#include "fetch/record/otlp_protobuf.h"

namespace perfgate::fetch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::string_view kProtobuf = "application/x-protobuf";
constexpr std::string_view kJson = "application/json";
constexpr int kInvalidArgument = 3;  // google.rpc.Code

// A google.rpc.Status {code = 1, message = 2} in the request's own encoding.
ReceiverReply StatusReply(int http_status, bool protobuf, const std::string& message) {
  ReceiverReply reply{http_status, std::string(protobuf ? kProtobuf : kJson), ""};
  if (!protobuf) {
    boost::json::object status{{"code", kInvalidArgument}, {"message", message}};
    reply.body = boost::json::serialize(status);
    return reply;
  }
  auto varint = [&](std::uint64_t value) {
    while (value >= 0x80) {
      reply.body.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    reply.body.push_back(static_cast<char>(value));
  };
  reply.body.push_back('\x08');
  varint(kInvalidArgument);
  reply.body.push_back('\x12');
  varint(message.size());
  reply.body += message;
  return reply;
}

// The media type of a Content-Type header, lowercase, without parameters.
std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

// A Sentry ingestion path: /api/PROJECT/envelope/ or the legacy /api/PROJECT/store/.
struct SentryRoute {
  std::string project;
  bool envelope = true;
};

std::optional<SentryRoute> SentryRouteOf(std::string_view path) {
  constexpr std::string_view kApi = "/api/";
  if (!path.starts_with(kApi)) return std::nullopt;
  path.remove_prefix(kApi.size());
  const std::size_t slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos) return std::nullopt;
  const std::string_view project = path.substr(0, slash);
  const std::string_view rest = path.substr(slash);
  if (rest != "/envelope/" && rest != "/envelope" && rest != "/store/" && rest != "/store")
    return std::nullopt;
  return SentryRoute{std::string(project), rest.starts_with("/envelope")};
}

std::string Plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

Result<std::string> Gunzip(std::string_view body, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
    return MakeError(ErrorKind::kInternal, "zlib could not start");
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  int status = Z_OK;
  char chunk[1 << 16];
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return MakeError(ErrorKind::kInput,
                       "the body inflates past " + std::to_string(max_bytes >> 20) + " MiB");
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended early
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END)
    return MakeError(ErrorKind::kInput, "the body is not whole gzip (Content-Encoding: gzip)");
  return out;
}

ReceiverReply HandleRequest(std::string_view method, std::string_view target,
                            std::string_view content_type, std::string_view content_encoding,
                            std::string_view body, Recording& recording,
                            const ReceiverOptions& options) {
  const std::string_view path = target.substr(0, target.find('?'));
  const std::string type = MediaType(content_type);
  const bool protobuf = type == kProtobuf;
  auto log = [&](const std::string& line) {
    if (options.log) options.log(std::string(method) + " " + std::string(path) + ": " + line);
  };
  auto refuse = [&](int status, const std::string& why) {
    log("refused (" + std::to_string(status) + "): " + why);
    return StatusReply(status, protobuf, why);
  };
  if (method == "OPTIONS") return {204, "", ""};  // a browser SDK's CORS preflight
  const std::optional<SentryRoute> sentry = SentryRouteOf(path);
  if (!sentry && path != "/v1/traces") {
    return refuse(404,
                  "perfgate record takes OTLP/HTTP traces at POST /v1/traces and Sentry "
                  "envelopes at POST /api/PROJECT/envelope/");
  }
  if (method != "POST") return refuse(405, "SDKs send traces with POST");
  if (!sentry && !protobuf && type != kJson) {
    return refuse(415, "Content-Type must be application/x-protobuf or application/json, not '" +
                           std::string(content_type) + "'");
  }
  std::string inflated;
  if (!content_encoding.empty() && content_encoding != "identity") {
    if (content_encoding != "gzip")
      return refuse(415, "Content-Encoding must be gzip or none, not '" +
                             std::string(content_encoding) + "'");
    Result<std::string> gunzipped = Gunzip(body, options.max_inflated_bytes);
    if (!gunzipped.ok()) return refuse(400, gunzipped.error().message);
    inflated = std::move(gunzipped).value();
    body = inflated;
  }
  if (sentry) {
    Result<SentrySpans> spans = sentry->envelope ? SentryEnvelopeSpans(body, sentry->project)
                                                 : SentryEventSpans(body, sentry->project);
    if (!spans.ok()) return refuse(400, spans.error().message);
    if (spans->spans > 0) {
      Result<Received> taken = recording.AddOtlpJson(spans->otlp_json);
      if (!taken.ok()) return refuse(503, taken.error().message);
    }
    log(Plural(spans->transactions, "transaction", "transactions") + ", " +
        Plural(spans->spans, "span", "spans") +
        (spans->other_items > 0
             ? " (" + Plural(spans->other_items, "other item", "other items") + " not kept)"
             : ""));
    return {200, std::string(kJson),
            spans->event_id.empty()
                ? "{}"
                : boost::json::serialize(boost::json::object{{"id", spans->event_id}})};
  }
  std::string decoded;
  if (protobuf) {
    Result<DecodedTraces> traces = DecodeOtlpProtobuf(body);
    if (!traces.ok()) return refuse(400, traces.error().message);
    decoded = std::move(traces->json);
    body = decoded;
  }
  Result<Received> taken = recording.AddOtlpJson(body);
  if (!taken.ok()) {
    // The request is sound but the file cannot take it (a full disk): the SDK may retry.
    if (taken.error().kind != ErrorKind::kInput) return refuse(503, taken.error().message);
    return refuse(400, taken.error().message);
  }
  log(Plural(taken->spans, "span", "spans") + " (" + Plural(taken->roots, "root", "roots") + ")");
  // An ExportTraceServiceResponse without partial_success: every span was taken.
  return {200, std::string(protobuf ? kProtobuf : kJson), protobuf ? "" : "{}"};
}

struct Receiver::State {
  ReceiverOptions options;
  Recording* recording = nullptr;
  net::io_context io;
  tcp::acceptor acceptor{io};
  unsigned short port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<std::int64_t> last_request_ns{0};
  std::thread accept_thread;
  std::mutex mutex;
  std::condition_variable room;  // a connection ended
  struct Session {
    std::thread thread;
    int fd = -1;
    bool done = false;
  };
  std::list<Session> sessions;
  int live = 0;

  void Touch() {
    const auto now = options.clock ? options.clock->Now() : std::chrono::system_clock::now();
    last_request_ns = now.time_since_epoch().count();
  }

  void Serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      http::read(socket, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        http::response<http::string_body> response{http::status::payload_too_large, 11};
        response.set(http::field::content_type, kJson);
        response.body() = "{\"code\":3,\"message\":\"the body is larger than " +
                          std::to_string(options.max_body_bytes >> 20) + " MiB\"}";
        response.keep_alive(false);
        response.prepare_payload();
        http::write(socket, response, ec);
        if (options.log) options.log("a request larger than the body limit was refused (413)");
        break;
      }
      if (ec) break;  // the client went away, or sent what is not HTTP
      Touch();
      const http::request<http::string_body>& request = parser.get();
      ReceiverReply reply = HandleRequest(
          request.method_string(), request.target(), request[http::field::content_type],
          request[http::field::content_encoding], request.body(), *recording, options);
      Touch();
      http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                                 request.version()};
      if (!reply.content_type.empty()) response.set(http::field::content_type, reply.content_type);
      // Browser SDKs send from a page's origin: allowed, as the receiver is local.
      response.set(http::field::access_control_allow_origin, "*");
      if (reply.status == 204) {
        response.set(http::field::access_control_allow_methods, "POST, OPTIONS");
        response.set(http::field::access_control_allow_headers, "*");
      }
      response.body() = std::move(reply.body);
      response.keep_alive(request.keep_alive() && !stopping);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }

  // Joins the threads of sessions that ended. REQUIRES: `mutex` held.
  void Reap() {
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (!it->done) {
        ++it;
        continue;
      }
      it->thread.join();
      it = sessions.erase(it);
    }
  }

  void Accept(const std::shared_ptr<State>& self) {
    while (true) {
      {
        std::unique_lock lock(mutex);
        room.wait(lock, [&] { return stopping || live < options.max_connections; });
        Reap();
      }
      tcp::socket socket(io);
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (stopping) break;
      if (ec) continue;
      std::lock_guard lock(mutex);
      sessions.emplace_back();
      Session& session = sessions.back();
      session.fd = socket.native_handle();
      ++live;
      // The socket closes with the thread's function, after its fd left the registry: Stop()
      // never shuts down a number the system gave to another file.
      session.thread = std::thread([self, &session, s = std::move(socket)]() mutable {
        self->Serve(s);
        std::lock_guard done_lock(self->mutex);
        session.done = true;
        session.fd = -1;
        --self->live;
        self->room.notify_all();
      });
    }
  }
};

Result<std::unique_ptr<Receiver>> Receiver::Start(const ReceiverOptions& options,
                                                  Recording& recording) {
  auto state = std::make_shared<State>();
  state->options = options;
  state->recording = &recording;
  state->Touch();
  const std::string where = options.address + ":" + std::to_string(options.port);
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options.address, ec);
  if (ec) return MakeError(ErrorKind::kUsage, "--listen " + where + ": not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorKind::kUsage,
                     "--listen " + where + ": cannot listen there: " + ec.message() +
                         (ec == net::error::address_in_use
                              ? " (another collector or recorder? --listen 127.0.0.1:0 picks a "
                                "free port)"
                              : ""));
  }
  state->port = state->acceptor.local_endpoint().port();
  state->accept_thread = std::thread([state] { state->Accept(state); });
  return std::unique_ptr<Receiver>(new Receiver(state));
}

Receiver::~Receiver() { Stop(); }

unsigned short Receiver::port() const { return state_->port; }

std::chrono::system_clock::time_point Receiver::last_request() const {
  return std::chrono::system_clock::time_point(
      std::chrono::system_clock::duration(state_->last_request_ns.load()));
}

void Receiver::Stop() {
  State& state = *state_;
  if (state.stopping.exchange(true)) return;
  {
    std::lock_guard lock(state.mutex);
    state.room.notify_all();
  }
  // Wake the blocking accept() with a connection of our own, then end every session: a
  // shutdown makes its blocked read return.
  beast::error_code ec;
  tcp::socket poke(state.io);
  const net::ip::address address = state.acceptor.local_endpoint(ec).address();
  poke.connect(
      tcp::endpoint(address.is_unspecified() ? net::ip::make_address("127.0.0.1") : address,
                    state.port),
      ec);
  state.accept_thread.join();
  state.acceptor.close(ec);
  std::list<State::Session> sessions;
  {
    std::lock_guard lock(state.mutex);
    for (State::Session& session : state.sessions) {
      if (session.fd >= 0) ::shutdown(session.fd, SHUT_RDWR);
    }
    sessions.splice(sessions.end(), state.sessions);
  }
  for (State::Session& session : sessions) session.thread.join();
}

}  // namespace perfgate::fetch

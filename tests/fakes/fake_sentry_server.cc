#include "tests/fakes/fake_sentry_server.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

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
                   std::string(request[http::field::authorization]), request.body(),
                   std::string(request["PRIVATE-TOKEN"])};
      {
        std::lock_guard lock(mutex);
        requests.push_back(seen);
      }
      Reply reply = handler(seen);
      if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
      if (!reply.raw.empty()) {  // bytes no well-behaved server library would send
        net::write(socket, net::buffer(reply.raw), ec);
        socket.close(ec);
        return;
      }
      if (reply.reset_mid_body) {
        std::string partial =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(reply.body.size()) + "\r\n\r\n" +
            reply.body.substr(0, reply.body.size() / 2);
        net::write(socket, net::buffer(partial), ec);
        socket.close(ec);
        return;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                                 request.version()};
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
      state->sessions.emplace_back(
          [state, s = std::move(socket)]() mutable { state->Serve(std::move(s)); });
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

std::string FakeSentryServer::url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

std::vector<FakeSentryServer::Request> FakeSentryServer::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::string QueryParameter(const std::string& target, const std::string& name) {
  std::vector<std::string> values = QueryParameters(target, name);
  return values.empty() ? std::string() : values.front();
}

std::vector<std::string> QueryParameters(const std::string& target, const std::string& name) {
  std::vector<std::string> values;
  std::size_t query = target.find('?');
  if (query == std::string::npos) return values;
  std::string_view rest = std::string_view(target).substr(query + 1);
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) != name) continue;
    std::string_view raw =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
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
    values.push_back(std::move(decoded));
  }
  return values;
}

namespace {

// Events of one release with synthetic timestamps spread evenly from 2026-11-20T10:00:00Z
// to 23:59:59Z, newest first (as sort=-timestamp asks).
struct TimedEvent {
  long long timestamp_ms;
  const GroupSamples* group;
  std::size_t index;
};

constexpr long long kFirstMs = 1795168800000;  // 2026-11-20T10:00:00Z
constexpr long long kSpanMs = 50399000;        // to 23:59:59Z

long long IsoToMs(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) != 6)
    return -1;
  using namespace std::chrono;
  auto date = sys_days(year_month_day{std::chrono::year{year},
                                      std::chrono::month{static_cast<unsigned>(month)},
                                      std::chrono::day{static_cast<unsigned>(day)}});
  return duration_cast<milliseconds>(date.time_since_epoch() + hours(hour) + minutes(minute) +
                                     seconds(second))
      .count();
}

std::string MsToIso(long long ms) {
  using namespace std::chrono;
  sys_time<milliseconds> time{milliseconds(ms)};
  auto day_start = floor<days>(time);
  year_month_day ymd(day_start);
  hh_mm_ss clock(time - day_start);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lld+00:00",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(clock.hours().count()),
                static_cast<long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return buffer;
}

// A 32-hex event id: the event's own where its spans carry one, else one from its time.
std::string EventId(const TimedEvent& event) {
  if (!event.group->trees.empty() && !event.group->trees[event.index].event_id.empty())
    return event.group->trees[event.index].event_id;
  char id[33];
  std::snprintf(id, sizeof id, "%032llx", static_cast<unsigned long long>(event.timestamp_ms));
  return id;
}

// The trace and ops breakdown fields a raw query asks for, as Sentry answers them: the
// event's trace id, each family's time or null when it had no such spans, and
// spans.total.time the sum of every family's.
std::string BreakdownFields(const std::string& target, const TimedEvent& event) {
  const SpanTree* tree = event.group->trees.empty() ? nullptr : &event.group->trees[event.index];
  std::string out;
  if (target.find("&field=trace&") != std::string::npos || target.ends_with("&field=trace")) {
    out += tree && !tree->trace_id.empty() ? R"(,"trace":")" + tree->trace_id + "\""
                                           : R"(,"trace":null)";
  }
  for (std::size_t at = 0; (at = target.find("field=spans.", at)) != std::string::npos;) {
    at += 6;
    const std::string name = target.substr(at, target.find('&', at) - at);
    std::optional<double> value;
    if (tree && !tree->op_times.empty()) {
      for (const OpTime& part : tree->op_times) {
        if (name == "spans.total.time" || "spans." + part.op == name)
          value = value.value_or(0) + part.ms;
      }
    }
    out += ",\"" + name + "\":" +
           (value ? boost::json::serialize(boost::json::value(*value)) : std::string("null"));
  }
  // Measurements (ms, or a number) and the user ("id:..."), from the event's value columns.
  for (std::size_t at = 0; (at = target.find("field=", at)) != std::string::npos;) {
    at += 6;
    const std::string name = target.substr(at, target.find('&', at) - at);
    if (!name.starts_with("measurements.") && name != "user") continue;
    auto column = event.group->values.find(name == "user" ? std::string(kUserValue) : name);
    const bool has =
        column != event.group->values.end() && !std::isnan(column->second.values[event.index]);
    const double v = has ? column->second.values[event.index] : 0;
    out += ",\"" + name + "\":" +
           (!has             ? std::string("null")
            : name == "user" ? "\"id:" + std::to_string(static_cast<long long>(v)) + "\""
                             : boost::json::serialize(boost::json::value(v)));
  }
  return out;
}

// Sentry's nice_int (sentry/utils/math.py), written here apart from the client's, as the
// server's own arithmetic: x rounded away from zero to a "nice" number.
double SentryNiceInt(double x) {
  if (x == 0) return 0;
  const double sign = x > 0 ? 1 : -1;
  x = std::fabs(x);
  double rounded = 1;
  std::vector<double> steps = {1, 2, 5, 10};
  if (x >= 100) {
    rounded = std::pow(10.0, std::floor(std::log10(x)) - 2);
    steps = {100, 120, 200, 250, 500, 750, 1000};
  } else if (x >= 10) {
    steps = {10, 20, 25, 50, 100};
  }
  double nice = steps.back();
  for (double step : steps) {
    if (x / rounded <= step) {
      nice = step;
      break;
    }
  }
  return sign * nice * rounded;
}

}  // namespace

std::vector<std::pair<double, std::size_t>> SentryHistogram(const std::vector<double>& durations,
                                                            int buckets, int precision,
                                                            const std::string& min,
                                                            const std::string& max) {
  std::vector<std::pair<double, std::size_t>> out;
  if (durations.empty()) return out;
  const double multiplier = std::pow(10.0, precision);
  const auto [low, high] = std::minmax_element(durations.begin(), durations.end());
  const double min_value = min.empty() ? *low : std::stod(min);
  const double max_value = max.empty() ? *high : std::stod(max) - 0.1 / multiplier;
  const double scaled_min = min_value * multiplier, scaled_max = max_value * multiplier;
  double bucket = scaled_max == scaled_min ? 1 : SentryNiceInt((scaled_max - scaled_min) / buckets);
  if (bucket == 0) bucket = 1;
  const double start_offset = std::floor(scaled_min / bucket) * bucket;
  if (start_offset + buckets * bucket <= scaled_max) bucket = SentryNiceInt(bucket + 1);
  std::vector<std::size_t> counts(static_cast<std::size_t>(buckets), 0);
  for (double d : durations) {
    const double b = std::floor((d * multiplier - start_offset) / bucket);
    if (b >= 0 && b < buckets) ++counts[static_cast<std::size_t>(b)];
  }
  while (counts.size() > 1 && counts.back() == 0) counts.pop_back();
  for (std::size_t b = 0; b < counts.size(); ++b)
    out.emplace_back((start_offset + bucket * static_cast<double>(b)) / multiplier, counts[b]);
  return out;
}

namespace {

// ClickHouse's quantile() as Sentry's p50() to p99() give it (type 7) of sorted values.
double Type7(const std::vector<double>& sorted, double level) {
  const double position = level * static_cast<double>(sorted.size() - 1);
  const std::size_t lower = static_cast<std::size_t>(position);
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (position - static_cast<double>(lower)) * (sorted[upper] - sorted[lower]);
}

std::string Json(double v) { return boost::json::serialize(boost::json::value(v)); }

// The aggregate fields among `fields` of a value (count_if(M,greaterOrEquals,0), pNN(M),
// avg(M), min(M), max(M)) over `values` (its events' or spans'), as Sentry answers them:
// null where no value counts.
std::string ValueAggregateFields(const std::vector<std::string>& fields,
                                 const std::function<std::vector<double>(const std::string&)>& of) {
  std::string out;
  for (const std::string& field : fields) {
    const std::size_t open = field.find('(');
    if (open == std::string::npos || field.find("measurements.") == std::string::npos) continue;
    const std::string function = field.substr(0, open);
    std::string value = field.substr(open + 1, field.size() - open - 2);
    value = value.substr(0, value.find(','));
    std::vector<double> sorted = of(value);
    std::erase_if(sorted, [](double v) { return std::isnan(v); });
    std::sort(sorted.begin(), sorted.end());
    std::string answer = "null";
    if (function == "count_if") {
      answer = std::to_string(
          std::count_if(sorted.begin(), sorted.end(), [](double v) { return v >= 0; }));
    } else if (!sorted.empty()) {
      if (function == "avg") {
        double sum = 0;
        for (double v : sorted) sum += v;
        answer = Json(sum / static_cast<double>(sorted.size()));
      } else if (function == "min" || function == "max") {
        answer = Json(function == "min" ? sorted.front() : sorted.back());
      } else {
        answer = Json(Type7(sorted, std::stod(function.substr(1)) / 100));
      }
    }
    out += "," + boost::json::serialize(boost::json::value(field)) + ":" + answer;
  }
  return out;
}

}  // namespace

FakeSentryServer::Handler SentryHandler(std::map<std::string, SampleSet> releases,
                                        std::string token, SentryServerOptions options) {
  struct Shared {
    std::map<std::string, SampleSet> releases;
    std::map<std::string, std::vector<TimedEvent>> events;
    std::mutex mutex;
    long long window = 0;
    int in_window = 0;
    int in_flight = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->releases = std::move(releases);
  for (const auto& [version, set] : shared->releases) {
    std::vector<TimedEvent>& list = shared->events[version];
    const long long total = static_cast<long long>(set.TotalEvents());
    for (const GroupSamples& group : set.groups) {
      for (std::size_t i = 0; i < group.size(); ++i) list.push_back({0, &group, i});
    }
    const auto offset = options.release_offsets.find(version);
    const long long shift = offset == options.release_offsets.end() ? 0 : offset->second.count();
    for (long long e = 0; e < total; ++e)
      list[static_cast<std::size_t>(e)].timestamp_ms =
          kFirstMs + shift + e * kSpanMs / std::max(1LL, total);
    std::reverse(list.begin(), list.end());  // newest first
  }
  return [shared, token,
          options](const FakeSentryServer::Request& request) -> FakeSentryServer::Reply {
    using namespace std::chrono;
    fetch::Headers limit_headers;
    if (options.requests_per_second > 0) {
      // sentry.io's limiter: a fixed window of N requests a second and M at once, per caller.
      std::lock_guard lock(shared->mutex);
      const long long second =
          duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
      if (second != shared->window) {
        shared->window = second;
        shared->in_window = 0;
      }
      const int remaining = options.requests_per_second - shared->in_window;
      limit_headers = {
          {"X-Sentry-Rate-Limit-Limit", std::to_string(options.requests_per_second)},
          {"X-Sentry-Rate-Limit-Remaining", std::to_string(std::max(0, remaining - 1))},
          {"X-Sentry-Rate-Limit-Reset", std::to_string(second + 1)},
          {"X-Sentry-Rate-Limit-ConcurrentLimit", std::to_string(options.concurrent_requests)}};
      if (remaining <= 0 || shared->in_flight >= options.concurrent_requests) {
        ++*options.rejected;
        return {
            429, limit_headers,
            remaining <= 0
                ? R"({"detail": "You are attempting to use this endpoint too frequently. Limit is )" +
                      std::to_string(options.requests_per_second) + R"( requests in 1 seconds"})"
                : R"({"detail": "You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is )" +
                      std::to_string(options.concurrent_requests) + R"("})"};
      }
      ++shared->in_window;
      ++shared->in_flight;
    }
    struct Done {
      std::shared_ptr<Shared> shared;
      bool counted;
      ~Done() {
        if (!counted) return;
        std::lock_guard lock(shared->mutex);
        --shared->in_flight;
      }
    } done{shared, options.requests_per_second > 0};
    if (options.latency.count() > 0) std::this_thread::sleep_for(options.latency);

    if (request.authorization != "Bearer " + token)
      return {401, limit_headers, R"({"detail": "Invalid token"})"};
    const std::string path = request.target.substr(0, request.target.find('?'));
    const std::string releases_prefix = "/api/0/organizations/acme/releases/";
    if (path == "/api/0/organizations/acme/") return {200, limit_headers, R"({"slug": "acme"})"};
    if (const std::string environment = QueryParameter(request.target, "environment");
        path == releases_prefix && !environment.empty()) {
      // The releases seen in an environment (here: deployed to it), newest version first.
      std::set<std::string> seen;
      for (const SentryServerOptions::Deploy& deploy : options.deploys)
        if (deploy.environment == environment) seen.insert(deploy.release);
      std::string list;
      for (auto it = seen.rbegin(); it != seen.rend(); ++it)
        list += std::string(list.empty() ? "" : ",") + "{\"version\":" +
                boost::json::serialize(boost::json::value(*it)) + "}";
      return {200, limit_headers, "[" + list + "]"};
    }
    if (path.starts_with(releases_prefix) && path.ends_with("/deploys/")) {
      const std::string version = QueryParameter(
          "?v=" + path.substr(releases_prefix.size(), path.size() - releases_prefix.size() - 9),
          "v");
      std::string list;
      for (const SentryServerOptions::Deploy& deploy : options.deploys) {
        if (deploy.release != version) continue;
        list += std::string(list.empty() ? "" : ",") + "{\"environment\":" +
                boost::json::serialize(boost::json::value(deploy.environment)) +
                ",\"dateStarted\":null,\"dateFinished\":\"" + deploy.finished + "\"}";
      }
      return {200, limit_headers, "[" + list + "]"};
    }
    if (path == releases_prefix) {
      // The releases, newest first (here: by version), per_page of them.
      const std::string per_page = QueryParameter(request.target, "per_page");
      const std::size_t count = per_page.empty() ? 1 : std::stoul(per_page);
      std::string list;
      std::size_t listed = 0;
      for (auto it = shared->releases.rbegin(); it != shared->releases.rend() && listed < count;
           ++it, ++listed) {
        list += std::string(list.empty() ? "" : ",") + "{\"version\":" +
                boost::json::serialize(boost::json::value(it->first)) + "}";
      }
      return {200, limit_headers, "[" + list + "]"};
    }
    if (path.starts_with(releases_prefix)) {
      std::string version = QueryParameter(
          "?v=" + path.substr(releases_prefix.size(), path.size() - releases_prefix.size() - 1),
          "v");
      if (!shared->releases.contains(version))
        return {404, limit_headers, R"({"detail": "The requested resource does not exist"})"};
      const auto offset = options.release_offsets.find(version);
      if (offset != options.release_offsets.end()) {
        return {200, limit_headers,
                R"({"version":")" + version + R"(","firstEvent":")" +
                    MsToIso(kFirstMs + offset->second.count()) + R"(","lastEvent":")" +
                    MsToIso(kFirstMs + kSpanMs + offset->second.count()) + R"("})"};
      }
      return {200, limit_headers,
              R"({"version":")" + version +
                  R"(","firstEvent":"2026-11-20T10:00:00Z","lastEvent":"2026-11-20T23:59:59Z"})"};
    }
    if (const std::string prefix = "/api/0/organizations/acme/trace/"; path.starts_with(prefix)) {
      const std::string trace = path.substr(prefix.size(), path.size() - prefix.size() - 1);
      auto found = options.traces.find(trace);
      if (found == options.traces.end())
        return {404, limit_headers, R"({"detail": "The requested resource does not exist"})"};
      return {200, limit_headers, found->second};
    }
    const bool histogram = path == "/api/0/organizations/acme/events-histogram/";
    if (path != "/api/0/organizations/acme/events/" && !histogram) return {404, limit_headers, ""};
    const std::string query = QueryParameter(request.target, "query");
    if (!histogram && query.find("has:release") != std::string::npos &&
        request.target.find("sort=-min%28timestamp%29") != std::string::npos) {
      // The release whose first transaction in the range is the latest, leaving out the one
      // a !release:"X" filter names: field=release&field=min(timestamp), one row or none.
      const long long start = IsoToMs(QueryParameter(request.target, "start"));
      const long long end = IsoToMs(QueryParameter(request.target, "end"));
      const std::size_t not_at = query.find("!release:\"");
      const std::string excluded =
          not_at == std::string::npos
              ? ""
              : query.substr(not_at + 10, query.find('"', not_at + 10) - not_at - 10);
      std::vector<std::pair<long long, std::string>> firsts;  // per release in the range
      for (const auto& [version, events] : shared->events) {
        if (version == excluded) continue;
        long long first = -1;
        for (const TimedEvent& event : events) {
          if ((start >= 0 && event.timestamp_ms < start) || (end >= 0 && event.timestamp_ms >= end))
            continue;
          if (first < 0 || event.timestamp_ms < first) first = event.timestamp_ms;
        }
        if (first >= 0) firsts.emplace_back(first, version);
      }
      std::sort(firsts.rbegin(), firsts.rend());  // the latest first (ties: the later version)
      const std::string per_page = QueryParameter(request.target, "per_page");
      firsts.resize(std::min(firsts.size(), per_page.empty() ? 1 : std::stoul(per_page)));
      std::string rows;
      for (const auto& [first, version] : firsts) {
        rows += std::string(rows.empty() ? "" : ", ") + R"({"release": )" +
                boost::json::serialize(boost::json::value(version)) +
                R"x(, "min(timestamp)": ")x" + MsToIso(first) + R"x("})x";
      }
      return {200, limit_headers, R"({"data": [)" + rows + R"(], "meta": {}})"};
    }
    if (!histogram && query.find("has:release") != std::string::npos &&
        request.target.find("sort=-max%28timestamp%29") != std::string::npos) {
      // Which release has the newest transaction in the range (statsPeriod is taken as all
      // time): field=release&field=max(timestamp), one row or none. The fake's releases all
      // end at the same time: the later version wins the tie.
      const long long start = IsoToMs(QueryParameter(request.target, "start"));
      const long long end = IsoToMs(QueryParameter(request.target, "end"));
      std::string newest;
      long long newest_ms = -1;
      for (const auto& [version, events] : shared->events) {
        for (const TimedEvent& event : events) {
          if ((start >= 0 && event.timestamp_ms < start) || (end >= 0 && event.timestamp_ms >= end))
            continue;
          if (event.timestamp_ms >= newest_ms) newest_ms = event.timestamp_ms, newest = version;
        }
      }
      if (newest_ms < 0) return {200, limit_headers, R"({"data": [], "meta": {}})"};
      return {200, limit_headers,
              R"({"data": [{"release": )" + boost::json::serialize(boost::json::value(newest)) +
                  R"x(, "max(timestamp)": ")x" + MsToIso(newest_ms) + R"x("}], "meta": {}})x"};
    }
    const std::size_t at = query.find("release:\"");
    if (at == std::string::npos)
      return {400, limit_headers, R"({"detail": "expected a release filter"})"};
    const std::string version = query.substr(at + 9, query.find('"', at + 9) - at - 9);
    const long long start = IsoToMs(QueryParameter(request.target, "start"));
    const long long end = IsoToMs(QueryParameter(request.target, "end"));
    std::vector<const TimedEvent*> matching;
    if (auto found = shared->events.find(version); found != shared->events.end()) {
      for (const TimedEvent& event : found->second) {
        if ((start < 0 || event.timestamp_ms >= start) &&
            (end < 0 || event.timestamp_ms < end + options.end_slack.count()))
          matching.push_back(&event);
      }
    }
    // The events of the one transaction a query names (transaction:"NAME"), or every one.
    if (const std::size_t named = query.find(" transaction:\"");
        named != std::string::npos && QueryParameter(request.target, "dataset") != "spans") {
      std::string name;  // Sentry's search syntax: \" inside the quotes
      for (std::size_t i = named + 14; i < query.size() && query[i] != '"'; ++i)
        name.push_back(query[i] == '\\' ? query[++i] : query[i]);
      std::erase_if(matching, [&](const TimedEvent* event) { return event->group->name != name; });
    }
    auto duration = [](const TimedEvent* event) {
      return event->group->durations_ms[event->index];
    };
    if (histogram) {
      std::vector<double> durations;
      for (const TimedEvent* event : matching) durations.push_back(duration(event));
      const std::string precision = QueryParameter(request.target, "precision");
      std::string bins;
      for (const auto& [edge, count] : SentryHistogram(
               durations, std::stoi(QueryParameter(request.target, "numBuckets")),
               precision.empty() ? 0 : std::stoi(precision), QueryParameter(request.target, "min"),
               QueryParameter(request.target, "max"))) {
        bins += std::string(bins.empty() ? "" : ",") + R"json({"bin":)json" + Json(edge) +
                R"json(,"count":)json" + std::to_string(count) + "}";
      }
      return {200, limit_headers, R"json({"transaction.duration":[)json" + bins + "]}"};
    }
    if (const std::vector<std::string> fields = QueryParameters(request.target, "field");
        fields.size() > 1 && fields[1].starts_with("count_if(transaction.duration,")) {
      // count() and count_if(transaction.duration,less|greaterOrEquals,X): one row.
      std::string row = R"json({"count()":)json" + std::to_string(matching.size());
      for (std::size_t f = 1; f < fields.size(); ++f) {
        const std::string& field = fields[f];
        const std::size_t from = field.find(',') + 1, comma = field.find(',', from);
        const std::string op = field.substr(from, comma - from);
        const double x = std::stod(field.substr(comma + 1));
        const auto n = std::count_if(matching.begin(), matching.end(), [&](const TimedEvent* e) {
          return op == "less" ? duration(e) < x : duration(e) >= x;
        });
        row += "," + boost::json::serialize(boost::json::value(field)) + ":" + std::to_string(n);
      }
      return {200, limit_headers, R"json({"data":[)json" + row + R"json(}],"meta":{}})json"};
    }
    if (QueryParameter(request.target, "dataset") == "spans" &&
        query.starts_with("span.op:[ui.interaction.")) {
      // INP's interaction spans: each group's sample values "measurements.inp", raw (a page
      // of transaction and value rows) or one aggregate row per transaction.
      const std::string inp = "measurements.inp";
      const std::vector<std::string> fields = QueryParameters(request.target, "field");
      const bool aggregated = fields.size() > 2;
      std::vector<std::pair<std::string, double>> spans;
      std::string rows;
      for (const GroupSamples& group : shared->releases[version].groups) {
        auto bag = group.sample_values.find(inp);
        if (bag == group.sample_values.end()) continue;
        for (double v : bag->second) spans.emplace_back(group.name, v);
        if (aggregated) {
          rows += std::string(rows.empty() ? "" : ",") + R"json({"transaction":)json" +
                  boost::json::serialize(boost::json::value(group.name)) +
                  ValueAggregateFields(fields, [&](const std::string&) { return bag->second; }) +
                  "}";
        }
      }
      const std::string meta =
          R"json(],"meta":{"units":{"measurements.inp":"millisecond","p75(measurements.inp)":"millisecond"},"dataset":"spans"}})json";
      if (aggregated) return {200, limit_headers, R"json({"data":[)json" + rows + meta};
      std::string cursor = QueryParameter(request.target, "cursor");
      const std::size_t offset =
          cursor.empty() ? 0 : std::stoul(cursor.substr(cursor.find(':') + 1));
      const std::size_t stop = std::min(spans.size(), offset + 100);
      for (std::size_t i = offset; i < stop; ++i) {
        rows += std::string(rows.empty() ? "" : ",") + R"json({"transaction":)json" +
                boost::json::serialize(boost::json::value(spans[i].first)) +
                R"json(,"measurements.inp":)json" + Json(spans[i].second) + "}";
      }
      const std::string next = "0:" + std::to_string(stop) + ":0";
      fetch::Headers headers = limit_headers;
      headers.emplace_back(
          "Link", "<http://127.0.0.1/api/0/organizations/acme/events/?&cursor=" + next +
                      ">; rel=\"next\"; results=\"" + (stop < spans.size() ? "true" : "false") +
                      "\"; cursor=\"" + next + "\"");
      return {200, headers, R"json({"data":[)json" + rows + meta};
    }
    if (const std::size_t named = query.find("transaction:\"");
        QueryParameter(request.target, "dataset") == "spans" && named != std::string::npos) {
      // A transaction's span groups (Sentry's search syntax: \" inside the quotes).
      std::string name;
      for (std::size_t i = named + 13; i < query.size() && query[i] != '"'; ++i)
        name.push_back(query[i] == '\\' ? query[++i] : query[i]);
      SpanGroupTotals totals;
      if (auto release = options.span_groups.find(version); release != options.span_groups.end()) {
        if (auto found = release->second.find(name); found != release->second.end())
          totals = found->second;
      }
      auto number = [](double v) { return boost::json::serialize(boost::json::value(v)); };
      if (query.starts_with("is_transaction:true")) {
        return {200, limit_headers,
                R"json({"data":[{"count()":)json" + number(totals.transactions) +
                    R"json(}],"meta":{"fields":{"count()":"integer"}}})json"};
      }
      std::string rows;
      for (const SpanGroupTotal& group : totals.groups) {
        rows += std::string(rows.empty() ? "" : ",") + R"json({"span.op":)json" +
                boost::json::serialize(boost::json::value(group.op)) +
                R"json(,"span.description":)json" +
                boost::json::serialize(boost::json::value(group.description)) +
                R"json(,"sum(span.self_time)":)json" + number(group.self_time_ms) +
                R"json(,"count()":)json" + number(group.count) + "}";
      }
      return {
          200, limit_headers,
          R"json({"data":[)json" + rows +
              R"json(],"meta":{"fields":{"sum(span.self_time)":"duration"},"units":{"sum(span.self_time)":"millisecond"},"dataset":"spans"}})json"};
    }
    if (request.target.find("field=p95%28%29") != std::string::npos) {
      // Aggregate mode: one row per transaction, as ClickHouse's quantile() (type 7) computes.
      std::map<const GroupSamples*, std::vector<std::size_t>> by_group;
      for (const TimedEvent* event : matching) by_group[event->group].push_back(event->index);
      std::string rows;
      for (const auto& entry : by_group) {
        const GroupSamples* group = entry.first;  // (clang 14 lambdas cannot capture a binding)
        const std::vector<std::size_t>& indices = entry.second;
        std::vector<double> sorted;
        std::size_t failures = 0;
        double sum = 0;
        for (std::size_t i : indices) {
          sorted.push_back(group->durations_ms[i]);
          failures += group->failed[i];
          sum += group->durations_ms[i];
        }
        std::sort(sorted.begin(), sorted.end());
        auto q = [&](double level) { return Json(Type7(sorted, level)); };
        rows +=
            std::string(rows.empty() ? "" : ",") + R"json({"transaction":)json" +
            boost::json::serialize(boost::json::value(group->name)) + R"json(,"count()":)json" +
            std::to_string(sorted.size()) + R"json(,"failure_count()":)json" +
            std::to_string(failures) + R"json(,"p50()":)json" + q(0.5) + R"json(,"p75()":)json" +
            q(0.75) + R"json(,"p95()":)json" + q(0.95) + R"json(,"p99()":)json" + q(0.99) +
            R"json(,"avg(transaction.duration)":)json" +
            boost::json::serialize(boost::json::value(sum / static_cast<double>(sorted.size()))) +
            R"json(,"min(transaction.duration)":)json" +
            boost::json::serialize(boost::json::value(sorted.front())) +
            R"json(,"max(transaction.duration)":)json" +
            boost::json::serialize(boost::json::value(sorted.back())) +
            ValueAggregateFields(QueryParameters(request.target, "field"),
                                 [&](const std::string& value) {
                                   std::vector<double> values;
                                   auto column = group->values.find(value);
                                   if (column == group->values.end()) return values;
                                   for (std::size_t i : indices)
                                     values.push_back(column->second.values[i]);
                                   return values;
                                 }) +
            "}";
      }
      return {200, limit_headers, R"json({"data":[)json" + rows + R"json(],"meta":{}})json"};
    }
    if (QueryParameter(request.target, "field") == "count()") {
      return {200, limit_headers,
              R"json({"data":[{"count()":)json" + std::to_string(matching.size()) +
                  R"json(}],"meta":{"fields":{"count()":"integer"}}})json"};
    }
    std::size_t offset = 0;
    std::string cursor = QueryParameter(request.target, "cursor");
    if (!cursor.empty()) offset = std::stoul(cursor.substr(cursor.find(':') + 1));
    const std::size_t stop = std::min(matching.size(), offset + 100);
    std::string body = R"({"data":[)";
    char number[32];
    for (std::size_t e = offset; e < stop; ++e) {
      const TimedEvent& event = *matching[e];
      auto [last, ec] =
          std::to_chars(number, number + sizeof number, event.group->durations_ms[event.index]);
      body +=
          std::string(e > offset ? "," : "") + R"({"id":")" + EventId(event) +
          R"(","transaction":)" + boost::json::serialize(boost::json::value(event.group->name)) +
          R"(,"transaction.duration":)" + std::string(number, last) + R"(,"transaction.status":")" +
          (event.group->failed[event.index] ? "internal_error" : "ok") + R"(","timestamp":")" +
          MsToIso(event.timestamp_ms) + "\"" + BreakdownFields(request.target, event) + "}";
    }
    body +=
        R"(],"meta":{"fields":{"transaction.duration":"duration"},"units":{"transaction.duration":"millisecond"},"dataset":"transactions"}})";
    const bool more = stop < matching.size();
    const std::string next = "0:" + std::to_string(stop) + ":0";
    fetch::Headers headers = limit_headers;
    headers.emplace_back(
        "Link",
        "<http://127.0.0.1/api/0/organizations/acme/events/?&cursor=0:0:1>; rel=\"previous\"; "
        "results=\"false\"; cursor=\"0:0:1\", <http://127.0.0.1/api/0/organizations/acme/events/"
        "?&cursor=" +
            next + ">; rel=\"next\"; results=\"" + (more ? "true" : "false") + "\"; cursor=\"" +
            next + "\"");
    return {200, headers, body};
  };
}

}  // namespace perfgate

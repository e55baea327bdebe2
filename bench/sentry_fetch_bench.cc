// Fetching a large release from a fake Sentry on 127.0.0.1 that adds 100 ms to every
// request: 100,000 events (1,000 pages) with sentry.io's limits enforced (30 requests a
// second, 15 at once; the floor is about 33 s) and without them, plus one sequential cursor
// chain for comparison (timed over 100 pages and scaled to 1,000). All in one run.
// Usage: sentry_fetch_bench [EVENTS=100000]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "fetch/http/curl_transport.h"
#include "fetch/sentry/sentry_client.h"
#include "tests/fakes/fake_sentry_server.h"

namespace {

using namespace perfgate;
using Clock = std::chrono::steady_clock;

SampleSet Events(int count) {
  SampleSetBuilder builder;
  for (int i = 0; i < count; ++i)
    builder.Add("GET /api/endpoint/" + std::to_string(i % 50), 10 + i % 997, i % 100 == 0);
  return std::move(builder).Build("bench");
}

struct Run {
  double seconds;
  std::size_t events;
  int rejected;
  std::size_t requests;
};

Run Fetch(const SampleSet& events, SentryServerOptions limits, int concurrency,
          std::size_t max_samples) {
  FakeSentryServer server(SentryHandler({{"1.1", events}}, "tok", limits));
  fetch::CurlTransport transport;
  RealClock clock;
  fetch::SentryOptions options;
  options.selection.url = server.url();
  options.selection.organization = "acme";
  options.concurrency = concurrency;
  options.selection.max_samples = max_samples;
  options.selection.mode = SentryMode::kRaw;
  options.retry.max_attempts = 10;
  auto start = Clock::now();
  Result<SampleSet> set = fetch::SentryClient(transport, clock, options, "tok").FetchRelease("1.1");
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!set.ok()) {
    std::fprintf(stderr, "fetch failed: %s\n", set.error().message.c_str());
    std::exit(1);
  }
  return {seconds, set->TotalEvents(), limits.rejected->load(), server.requests().size()};
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 100000;
  const SampleSet events = Events(count);
  SentryServerOptions limited;
  limited.latency = std::chrono::milliseconds(100);
  limited.requests_per_second = 30;
  limited.concurrent_requests = 15;
  SentryServerOptions unlimited;
  unlimited.latency = std::chrono::milliseconds(100);

  Run with_limits = Fetch(events, limited, 15, static_cast<std::size_t>(count));
  std::printf(
      "limits on (30/s, 15 at once), 15 windows: %6.1f s for %zu events, %zu requests, %d answered "
      "429\n",
      with_limits.seconds, with_limits.events, with_limits.requests, with_limits.rejected);
  Run without = Fetch(events, unlimited, 15, static_cast<std::size_t>(count));
  std::printf("limits off, 15 windows:                    %6.1f s for %zu events, %zu requests\n",
              without.seconds, without.events, without.requests);
  Run chain = Fetch(events, unlimited, 1, 10000);
  std::printf("one sequential cursor chain, 100 pages:    %6.1f s (scaled to %d pages: %.0f s)\n",
              chain.seconds, (count + 99) / 100, chain.seconds * ((count + 99) / 100) / 100.0);
  std::printf("rate-limit floor for %d pages at 30/s:     %6.1f s\n", (count + 99) / 100,
              ((count + 99) / 100) / 30.0);
  return 0;
}

// perfgate record's throughput: spans received, decoded and written per second, by
// `clients` sender threads (SDK processes) posting what the OpenTelemetry JS SDK's protobuf
// exporter sent (tests/data/record/otel-proto-0.body, 24 spans; repeated 20 times in one
// body, as protobuf concatenation merges messages: 480 spans a request) to a receiver on
// 127.0.0.1. Against it, in the same run: the same requests to a path the receiver refuses
// at once (404), the HTTP round trip alone. And the process's peak memory after a short and
// a four times longer recording: bounded by the flush size, not the run's length.
//   build/record_bench [requests per client, default 300] [clients, default 2]
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/timing.h"
#include "core/file_system.h"
#include "fetch/http/curl_transport.h"
#include "fetch/record/receiver.h"
#include "fetch/record/recording.h"

namespace {

using perfgate::bench::Clock;
using perfgate::bench::Seconds;

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Posts `body` `requests` times from each of `clients` threads to `url`; returns seconds.
double Send(const std::string& url, const std::string& body, int requests, int clients,
            const std::string& type) {
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      perfgate::fetch::CurlTransport transport;
      for (int i = 0; i < requests; ++i) {
        perfgate::fetch::HttpRequest request{"POST", url, {{"Content-Type", type}}, body};
        auto response = transport.Send(request);
        if (!response.ok()) {
          std::fprintf(stderr, "send failed: %s\n", response.error().message.c_str());
          std::exit(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 300;
  const int clients = argc > 2 ? std::atoi(argv[2]) : 2;
  perfgate::RealFileSystem fs;
  const std::string one =
      fs.ReadFile(std::string(PERFGATE_SOURCE_DIR) + "/tests/data/record/otel-proto-0.body")
          .value();
  std::string body;
  for (int i = 0; i < 20; ++i) body += one;
  constexpr double kSpansPerBody = 480;
  const std::string path =
      "/tmp/perfgate-record-bench-" + std::to_string(::getpid()) + ".otlp.jsonl";

  auto record = [&](int per_client, double& seconds, double& round_trip) {
    auto recording = std::move(perfgate::fetch::Recording::Open(fs, path).value());
    perfgate::fetch::ReceiverOptions options;
    options.port = 0;
    auto receiver = std::move(perfgate::fetch::Receiver::Start(options, *recording).value());
    const std::string base = "http://127.0.0.1:" + std::to_string(receiver->port());
    round_trip = Send(base + "/v1/refused", body, per_client, clients, "application/x-protobuf");
    seconds = Send(base + "/v1/traces", body, per_client, clients, "application/x-protobuf");
    receiver->Stop();
    const auto commit_start = Clock::now();
    if (!recording->Commit().ok()) std::exit(1);
    seconds += Seconds(commit_start);
  };

  double seconds = 0, round_trip = 0;
  record(requests / 4, seconds, round_trip);  // warm-up and the short recording
  const long short_peak = PeakRssKb();
  record(requests, seconds, round_trip);
  const long long_peak = PeakRssKb();
  const double spans = kSpansPerBody * requests * clients;
  std::printf("%d clients x %d requests of 480 spans (%zu bytes of protobuf each)\n", clients,
              requests, body.size());
  std::printf("received, decoded and written: %.0f spans/s (%.2f s for %.0f spans)\n",
              spans / seconds, seconds, spans);
  std::printf("the same requests refused at once (HTTP alone): %.2f s; recording costs %.2fx it\n",
              round_trip, seconds / round_trip);
  std::printf("peak memory: %ld KiB after %.0f spans, %ld KiB after %.0f more\n", short_peak,
              spans / 4, long_peak, spans);
  std::remove(path.c_str());
  return 0;
}

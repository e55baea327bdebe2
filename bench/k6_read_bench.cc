// Reads a k6 `--out json` file of MEGABYTES (default 1024: issue 22's 1 GB) with perfgate's
// reader and times `wc -l` on the same file in the same run, so the figure is a ratio
// against a baseline that shares the machine's noise (the target: at most 4x wc -l).
// The file is k6-shaped: per request the points k6 writes for HTTP (http_reqs,
// http_req_duration, blocked, connecting, tls_handshaking, sending, waiting, receiving,
// http_req_failed, data_sent, data_received), per iteration iterations and
// iteration_duration, and a custom Trend. Usage: k6_read_bench [MEGABYTES] [FILE]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "bench/timing.h"
#include "core/file_system.h"
#include "fetch/files/k6_reader.h"

namespace {

using perfgate::bench::BestOf;

// Writes points until the file holds `bytes`; returns the requests written.
long WriteInput(const std::string& path, long long bytes) {
  std::mt19937_64 engine(1);
  std::ofstream out(path);
  out << R"({"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"})"
      << "\n"
      << R"({"type":"Metric","data":{"name":"cart_flow","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"cart_flow"})"
      << "\n";
  static const char* kPerRequest[] = {"http_reqs",
                                      "http_req_duration",
                                      "http_req_blocked",
                                      "http_req_connecting",
                                      "http_req_tls_handshaking",
                                      "http_req_sending",
                                      "http_req_waiting",
                                      "http_req_receiving",
                                      "http_req_failed",
                                      "data_sent",
                                      "data_received"};
  long long written = 0;
  long requests = 0;
  char line[1024];
  while (written < bytes) {
    const int endpoint = static_cast<int>(engine() % 40);
    const double ms = static_cast<double>(engine() % 2000000) / 1000.0 + 1;
    const long second = requests / 50;
    for (const char* metric : kPerRequest) {
      const int length = std::snprintf(
          line, sizeof line,
          "{\"type\":\"Point\",\"data\":{\"time\":\"2026-12-01T%02ld:%02ld:%02ld.%09ld+00:00\","
          "\"value\":%.6f,\"tags\":{\"expected_response\":\"true\",\"group\":\"\",\"method\":"
          "\"GET\",\"name\":\"https://shop.test/api/endpoint/%d\",\"proto\":\"HTTP/1.1\","
          "\"scenario\":\"default\",\"status\":\"200\",\"url\":\"https://shop.test/api/"
          "endpoint/%d\"}},\"metric\":\"%s\"}\n",
          second / 3600 % 24, second / 60 % 60, second % 60, (requests % 50) * 20000000L, ms,
          endpoint, endpoint, metric);
      out.write(line, length);
      written += length;
    }
    if (++requests % 5 == 0) {
      for (const char* metric : {"iterations", "iteration_duration", "cart_flow"}) {
        const int length = std::snprintf(
            line, sizeof line,
            "{\"type\":\"Point\",\"data\":{\"time\":\"2026-12-01T10:00:00Z\",\"value\":%.6f,"
            "\"tags\":{\"group\":\"\",\"scenario\":\"default\"}},\"metric\":\"%s\"}\n",
            ms * 5, metric);
        out.write(line, length);
        written += length;
      }
    }
  }
  return requests;
}

}  // namespace

int main(int argc, char** argv) {
  const long long megabytes = argc > 1 ? std::atoll(argv[1]) : 1024;
  const std::string path =
      argc > 2 ? argv[2] : "/tmp/perfgate_k6_bench_" + std::to_string(megabytes) + "mb.json";
  const long requests = WriteInput(path, megabytes * 1000 * 1000);
  perfgate::RealFileSystem fs;

  const std::string wc = "wc -l " + path + " > /dev/null";
  const double wc_seconds = BestOf(3, [&] {
    if (std::system(wc.c_str()) != 0) std::perror("wc");
  });
  double size = 0;
  auto read = [&](unsigned threads) {
    return BestOf(3, [&] {
      auto bytes = fs.MapFile(path, perfgate::fetch::kMaxStreamBytes);
      if (!bytes.ok()) std::abort();
      size = static_cast<double>(bytes->view().size()) / 1e6;
      perfgate::fetch::ReadOptions options;
      options.threads = threads;
      auto set = perfgate::fetch::ReadK6(bytes->view(), path, options);
      if (!set.ok() || set->TotalEvents() != static_cast<std::size_t>(requests)) std::abort();
    });
  };
  const double one = read(1);
  const double all = read(0);
  std::printf("input: %ld requests, %.0f MB of k6 --out json (%s)\n", requests, size, path.c_str());
  std::printf("wc -l                : %7.3f s  %8.0f MB/s\n", wc_seconds, size / wc_seconds);
  std::printf("perfgate, 1 thread   : %7.3f s  %8.0f MB/s  %5.2fx wc -l\n", one, size / one,
              one / wc_seconds);
  std::printf("perfgate, all cores  : %7.3f s  %8.0f MB/s  %5.2fx wc -l\n", all, size / all,
              all / wc_seconds);
  std::printf("(best of 3; perfgate's time includes mapping the file)\n");
  return 0;
}

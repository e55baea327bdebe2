// Reads 1,000,000 NDJSON rows with perfgate's reader and times `wc -l` on the same file in
// the same run, so the figures are a ratio against a baseline that shares the machine's
// noise. Usage: ndjson_read_bench [ROWS] [FILE]   (defaults: 1000000, a file in /tmp)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

#include "bench/timing.h"
#include "core/file_system.h"
#include "fetch/files/ndjson_reader.h"

namespace {

using perfgate::bench::BestOf;

// Rows like a Sentry export: 50 transaction names, log-normal-ish durations, 1 % failures.
void WriteInput(const std::string& path, long rows) {
  std::mt19937_64 engine(1);
  std::ofstream out(path);
  char line[512];
  for (long i = 0; i < rows; ++i) {
    double duration = static_cast<double>(engine() % 5000000) / 1000.0 + 1;
    int length = std::snprintf(
        line, sizeof line,
        "{\"timestamp\":\"2026-11-20T10:%02ld:%02ldZ\",\"transaction\":\"GET /api/v2/endpoint/%d\","
        "\"duration_ms\":%.3f,\"status\":\"%s\",\"release\":\"shop@1.5.0\",\"environment\":"
        "\"production\"}\n",
        i / 60 % 60, i % 60, static_cast<int>(engine() % 50), duration,
        engine() % 100 == 0 ? "internal_error" : "ok");
    out.write(line, length);
  }
}

}  // namespace

int main(int argc, char** argv) {
  long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  std::string path = argc > 2 ? argv[2] : "/tmp/perfgate_bench_" + std::to_string(rows) + ".ndjson";
  WriteInput(path, rows);
  perfgate::RealFileSystem fs;
  double megabytes = static_cast<double>(fs.ReadFile(path)->size()) / 1e6;

  std::string wc = "wc -l " + path + " > /dev/null";
  double wc_seconds = BestOf(5, [&] {
    if (std::system(wc.c_str()) != 0) std::perror("wc");
  });
  auto read = [&](unsigned threads) {
    return BestOf(5, [&] {
      auto bytes = fs.MapFile(path);
      auto set = perfgate::fetch::ReadNdjson(bytes->view(), path,
                                             {perfgate::fetch::BadRowPolicy::kFail, threads, {}});
      if (!set.ok() || set->TotalEvents() != static_cast<std::size_t>(rows)) std::abort();
    });
  };
  double one = read(1);
  double all = read(0);

  std::printf("input: %ld rows, %.1f MB (%s)\n", rows, megabytes, path.c_str());
  std::printf("wc -l                : %7.3f s  %8.0f MB/s\n", wc_seconds, megabytes / wc_seconds);
  std::printf("perfgate, 1 thread   : %7.3f s  %8.0f MB/s  %6.2f M rows/s  %5.2fx wc -l\n", one,
              megabytes / one, static_cast<double>(rows) / one / 1e6, one / wc_seconds);
  std::printf("perfgate, all cores  : %7.3f s  %8.0f MB/s  %6.2f M rows/s  %5.2fx wc -l\n", all,
              megabytes / all, static_cast<double>(rows) / all / 1e6, all / wc_seconds);
  std::printf("(best of 5; perfgate's time includes reading the file into memory)\n");
  return 0;
}

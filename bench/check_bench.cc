// `perfgate check` at scale: two files of 1,000,000 rows each, 50 transactions, the default
// rules with intervals. Times reading and statistics separately in this process, then runs
// the real binary end to end and reports its wall time and peak RSS.
// Usage: check_bench PATH_TO_PERFGATE [ROWS=1000000]
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fetch/files/sample_reader.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Write(const std::string& path, long rows, double slowdown, std::uint64_t seed) {
  perfgate::stats::Random random(seed);
  std::ofstream out(path);
  char line[256];
  for (long i = 0; i < rows; ++i) {
    int endpoint = static_cast<int>(random.Below(50));
    double scale = endpoint == 7 ? slowdown : 1.0;
    double duration = scale * std::exp(5 + 0.1 * (endpoint % 7) + 0.6 * random.Normal());
    bool failed = random.Uniform() < 0.002;
    int length = std::snprintf(line, sizeof line,
                               "{\"transaction\":\"GET /api/v2/endpoint/%d\",\"duration_ms\":%.3f,"
                               "\"status\":\"%s\",\"release\":\"shop@1.5.0\"}\n",
                               endpoint, duration, failed ? "internal_error" : "ok");
    out.write(line, length);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: check_bench PATH_TO_PERFGATE [ROWS]\n");
    return 2;
  }
  const std::string binary = argv[1];
  const long rows = argc > 2 ? std::atol(argv[2]) : 1000000;
  const std::string base_path = "/tmp/perfgate_check_base_" + std::to_string(rows) + ".ndjson";
  const std::string cand_path = "/tmp/perfgate_check_cand_" + std::to_string(rows) + ".ndjson";
  Write(base_path, rows, 1.0, 1);
  Write(cand_path, rows, 1.25, 2);

  perfgate::RealFileSystem fs;
  auto start = Clock::now();
  auto base = perfgate::fetch::ReadSampleFile(fs, base_path, std::nullopt, {});
  auto cand = perfgate::fetch::ReadSampleFile(fs, cand_path, std::nullopt, {});
  double read_seconds = Since(start);
  start = Clock::now();
  auto result = perfgate::gate::Evaluate(
      perfgate::gate::DefaultThresholds(), *base, *cand,
      {std::chrono::year{2026}, std::chrono::month{1}, std::chrono::day{1}});
  double stats_seconds = Since(start);
  std::printf("in process: read both files %.3f s, evaluate (%zu groups, %zu rules) %.3f s\n",
              read_seconds, result.groups.size(), result.groups.size() * 4, stats_seconds);

  // From /tmp, where no thresholds.yaml exists, so the built-in defaults apply as above.
  const std::string command = "cd /tmp && " + binary + " check --baseline " + base_path +
                              " --candidate " + cand_path + " > /dev/null";
  double best = 1e9;
  for (int run = 0; run < 3; ++run) {
    start = Clock::now();
    int status = std::system(command.c_str());
    best = std::min(best, Since(start));
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
      std::fprintf(stderr, "perfgate exited %d\n", status);
  }
  struct rusage usage {};
  getrusage(RUSAGE_CHILDREN, &usage);
  std::printf("perfgate check end to end: %.3f s wall (best of 3), peak RSS %.0f MB\n", best,
              static_cast<double>(usage.ru_maxrss) / 1024);
  return 0;
}

// The 95 % bootstrap interval of p95 for n = 100,000 durations: the bootstrap's exact law
// (what perfgate computes), the order-statistic Monte Carlo bootstrap with 10,000 resamples
// and naive resampling, on the same data, in the same run. Usage: bootstrap_bench [N] [RESAMPLES]
// [NAIVE_RESAMPLES] The naive side runs NAIVE_RESAMPLES (default 200) and is scaled to RESAMPLES,
// since the full 10,000 take minutes; its time per replicate is constant, so the scaling is fair.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "stats/bootstrap.h"
#include "stats/bootstrap_law.h"
#include "stats/interval.h"
#include "stats/quantile.h"
#include "stats/random.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace perfgate::stats;
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  const int resamples = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int naive_resamples = argc > 3 ? std::atoi(argv[3]) : 200;

  Random data_random(1);
  std::vector<double> durations(n);
  for (double& d : durations) d = std::exp(5.5 + 0.7 * data_random.Normal());

  // The order-statistic bootstrap from unsorted data, its sort included, best of 5.
  double fast_seconds = 1e9;
  Interval fast_ci{};
  for (int run = 0; run < 5; ++run) {
    std::vector<double> work = durations;
    Random random(42);
    auto start = Clock::now();
    std::sort(work.begin(), work.end());
    std::vector<double> replicates =
        QuantileReplicates(work, 0.95, QuantileMethod::kLinear, resamples, random);
    fast_ci = PercentileInterval(replicates, 0.95);
    fast_seconds = std::min(fast_seconds, Since(start));
  }
  // The same from sorted data, as the gate uses it (the sort is shared with other rules).
  std::vector<double> sorted = durations;
  std::sort(sorted.begin(), sorted.end());
  double sorted_seconds = 1e9;
  for (int run = 0; run < 5; ++run) {
    Random random(42);
    auto start = Clock::now();
    std::vector<double> replicates =
        QuantileReplicates(sorted, 0.95, QuantileMethod::kLinear, resamples, random);
    PercentileInterval(replicates, 0.95);
    sorted_seconds = std::min(sorted_seconds, Since(start));
  }
  // The exact law, no resamples, from the same sorted data.
  double law_seconds = 1e9;
  Interval law_ci{};
  for (int run = 0; run < 5; ++run) {
    auto start = Clock::now();
    std::vector<Atom> law = QuantileBootstrapLaw(sorted, 0.95, QuantileMethod::kLinear);
    law_ci = LawInterval(law, 0.95);
    law_seconds = std::min(law_seconds, Since(start));
  }
  Random naive_random(43);
  auto start = Clock::now();
  std::vector<double> naive = NaiveQuantileReplicates(durations, 0.95, QuantileMethod::kLinear,
                                                      naive_resamples, naive_random);
  double naive_seconds = Since(start) * resamples / naive_resamples;
  Interval naive_ci = PercentileInterval(naive, 0.95);

  std::printf("p95 of n = %zu log-normal durations, %d resamples, 95 %% percentile interval\n", n,
              resamples);
  std::printf("Monte Carlo order-statistic bootstrap, sort included  : %9.2f ms  CI [%.1f, %.1f]\n",
              fast_seconds * 1e3, fast_ci.lower, fast_ci.upper);
  std::printf("Monte Carlo order-statistic bootstrap, sorted input   : %9.2f ms\n",
              sorted_seconds * 1e3);
  std::printf("exact law (no resamples), sorted input                : %9.2f ms  CI [%.1f, %.1f]\n",
              law_seconds * 1e3, law_ci.lower, law_ci.upper);
  std::printf(
      "naive resampling (scaled from %d)                    : %9.0f ms  CI [%.1f, %.1f] (from %d "
      "replicates)\n",
      naive_resamples, naive_seconds * 1e3, naive_ci.lower, naive_ci.upper, naive_resamples);
  std::printf("speed-up: %.0fx (sort included), %.0fx (sorted)\n", naive_seconds / fast_seconds,
              naive_seconds / sorted_seconds);
  return 0;
}

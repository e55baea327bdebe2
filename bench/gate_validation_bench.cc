// Validates the gate's statistics end to end through Evaluate():
//  - A/A false alarms: baseline and candidate drawn from the same distribution, 20
//    transactions, 1000 runs; the share of runs in which any relative rule fails must stay
//    at most alpha (family-wise, thanks to Holm). Run with the default tolerance (+10 %)
//    and with 0 %, where only the test stands between noise and a false alarm.
//  - Power: p95 shifted by +20 % at n = 2000 per release; share of runs caught by
//    "p95 max_increase: 10%".
// Usage: gate_validation_bench [RUNS=1000] [RESAMPLES=2000]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace {

using namespace perfgate;

SampleSet Draw(stats::Random& random, int groups, int n, double scale, const char* source) {
  SampleSetBuilder builder;
  for (int g = 0; g < groups; ++g) {
    std::string name = "GET /api/endpoint/" + std::to_string(g);
    for (int i = 0; i < n; ++i)
      builder.Add(name, scale * std::exp(5 + 0.6 * random.Normal()), false);
  }
  return std::move(builder).Build(source);
}

gate::Thresholds Config(const std::string& tolerance, int resamples) {
  std::string yaml = "statistics: {resamples: " + std::to_string(resamples) +
                     "}\nrules:\n  - metric: p95\n    max_increase: " + tolerance + "\n";
  return std::move(gate::ParseThresholds(yaml, "bench.yaml")).value();
}

double FailingShare(const gate::Thresholds& config, int runs, int groups, int n, double shift,
                    std::uint64_t seed) {
  const std::chrono::year_month_day today{std::chrono::year{2026}, std::chrono::month{1},
                                          std::chrono::day{1}};
  int failing = 0;
  for (int run = 0; run < runs; ++run) {
    gate::Thresholds seeded = config;
    seeded.seed = static_cast<std::uint64_t>(run) + 1;
    stats::Random random(stats::DeriveSeed(seed, static_cast<std::uint64_t>(run)));
    SampleSet base = Draw(random, groups, n, 1.0, "baseline");
    SampleSet cand = Draw(random, groups, n, shift, "candidate");
    gate::EvaluationResult result = gate::Evaluate(seeded, base, cand, today);
    failing += result.Count(gate::Verdict::kFail) > 0 ? 1 : 0;
  }
  return static_cast<double>(failing) / runs;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int resamples = argc > 2 ? std::atoi(argv[2]) : 2000;
  std::printf("%d runs each, %d resamples, alpha = 0.05 (Holm over the run's tests)\n", runs,
              resamples);
  std::printf("A/A, 20 transactions x 1000 events, p95 max_increase 10%%: %5.1f%% of runs fail\n",
              100 * FailingShare(Config("10%", resamples), runs, 20, 1000, 1.0, 1));
  std::printf("A/A, 20 transactions x 1000 events, p95 max_increase 0%%:  %5.1f%% of runs fail\n",
              100 * FailingShare(Config("0%", resamples), runs, 20, 1000, 1.0, 2));
  std::printf("A/A, 20 transactions x 200 events,  p95 max_increase 0%%:  %5.1f%% of runs fail\n",
              100 * FailingShare(Config("0%", resamples), runs, 20, 200, 1.0, 3));
  std::printf("power, p95 +20 %%, n = 2000, max_increase 10%%:            %5.1f%% of runs fail\n",
              100 * FailingShare(Config("10%", resamples), runs, 1, 2000, 1.2, 4));
  std::printf("power, p95 +20 %%, n = 2000, max_increase 10%%, 20 groups:  %5.1f%% of runs fail\n",
              100 * FailingShare(Config("10%", resamples), runs, 20, 2000, 1.2, 5));
  return 0;
}

// Validates the gate's statistics end to end through Evaluate():
//  - A/A false alarms: baseline and candidate drawn from the same distribution, 20
//    transactions, 1000 runs; the share of runs in which any relative rule fails must stay
//    at most alpha (family-wise, thanks to Holm). Run with the default tolerance (+10 %)
//    and with 0 %, where only the test stands between noise and a false alarm.
//  - Power: p95 shifted by +20 % at n = 2000 per release; share of runs caught by
//    "p95 max_increase: 10%".
//  - The family-size axis: one transaction of 2000 events with p95 +20 % among 1, 20, 400
//    and 2000 transactions (the others unchanged, 200 events each), all in the run's Holm
//    family: the share of runs that catch it, and that fail an unchanged one. With a
//    Monte Carlo p-value (floor 2 / (B + 1)) no change could be caught past about 250 tests.
// Usage: gate_validation_bench [RUNS=1000] [RESAMPLES=2000]
#include <algorithm>
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

// One transaction shifted by `shift` among `family` (the rest unchanged, `quiet_n` events):
// the share of runs in which its rule fails, and in which an unchanged one does.
struct FamilyOutcome {
  double caught = 0;
  double false_fail = 0;
};
FamilyOutcome FamilyPower(const gate::Thresholds& config, int runs, int family, int quiet_n,
                          double shift, std::uint64_t seed) {
  const std::chrono::year_month_day today{std::chrono::year{2026}, std::chrono::month{1},
                                          std::chrono::day{1}};
  int caught = 0, false_fails = 0;
  for (int run = 0; run < runs; ++run) {
    stats::Random random(stats::DeriveSeed(seed, static_cast<std::uint64_t>(run)));
    SampleSetBuilder base, cand;
    for (int g = 0; g < family; ++g) {
      const std::string name = "GET /api/endpoint/" + std::to_string(g);
      const int n = g == 0 ? 2000 : quiet_n;
      for (int i = 0; i < n; ++i) {
        base.Add(name, std::exp(5 + 0.6 * random.Normal()), false);
        cand.Add(name, (g == 0 ? shift : 1.0) * std::exp(5 + 0.6 * random.Normal()), false);
      }
    }
    gate::EvaluationResult result =
        gate::Evaluate(config, std::move(base).Build("b"), std::move(cand).Build("c"), today);
    for (const gate::GroupResult& group : result.groups) {
      const bool failed = group.verdict == gate::Verdict::kFail;
      if (group.name == "GET /api/endpoint/0") {
        caught += failed ? 1 : 0;
      } else if (failed) {
        ++false_fails;
        break;
      }
    }
  }
  return {static_cast<double>(caught) / runs, static_cast<double>(false_fails) / runs};
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
  std::printf(
      "one transaction (n = 2000) with p95 +20 %% among others of 200 events, "
      "max_increase 10%%, Holm over all:\n");
  for (int family : {1, 20, 400, 2000}) {
    // The large families cost more per run; a quarter of the runs still bounds the share
    // within a few points.
    const int family_runs = family >= 400 ? std::max(1, runs / 4) : runs;
    FamilyOutcome outcome = FamilyPower(Config("10%", resamples), family_runs, family, 200, 1.2,
                                        static_cast<std::uint64_t>(family));
    std::printf(
        "  %4d transactions: caught in %5.1f%% of %d runs, an unchanged one failed in "
        "%4.1f%%\n",
        family, 100 * outcome.caught, family_runs, 100 * outcome.false_fail);
  }
  return 0;
}

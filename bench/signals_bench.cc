// False alarms and power of the signals besides duration, on data shaped like a real
// frontend and a real AI service, judged through Evaluate():
//  - 200 page-load transactions (routes) with Zipf traffic, 60,000 page loads a side spread
//    as 1/rank (the busiest route about 10,000, the quietest about 50); each route's LCP is
//    log-normal (median 900-1500 ms, log-sd 0.35-0.55: every true p75 under 2.2 s, below
//    Google's 2.5 s),
//    CLS near 0.03, and each page load's AI tokens a sum over 2 to 4 spans (median 1500 per
//    request);
//  - the rules: `preset: web-vitals` (LCP, CLS warn and fail limits; INP, FCP and TTFB have
//    no data here and judge nothing), p75(measurements.lcp) +10 % and
//    sum_per_request(gen_ai.usage.input_tokens) +10 % against the baseline (Holm over the
//    run), performance_score >= 0.5;
//  - RUNS A/A releases (nothing changed: any fail or warning is false), then RUNS releases
//    with LCP x 1.25 and tokens x 1.25 on every route (p75 +25 %): the share caught on busy
//    routes (>= 1,000 page loads a side) and on the rest.
// Usage: signals_bench [RUNS=10]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace {

using namespace perfgate;

constexpr int kRoutes = 200;
constexpr double kPageLoads = 60000;
const std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{12},
                                         std::chrono::day{6}};

struct Route {
  std::string name;
  int loads = 0;
  double lcp_median = 0;
  double lcp_sigma = 0;
};

std::vector<Route> Routes() {
  double harmonic = 0;
  for (int k = 1; k <= kRoutes; ++k) harmonic += 1.0 / k;
  stats::Random random(2026);
  std::vector<Route> routes;
  for (int k = 1; k <= kRoutes; ++k) {
    routes.push_back({"/page/" + std::to_string(k),
                      static_cast<int>(std::lround(kPageLoads / k / harmonic)),
                      900 + 600 * random.Uniform(), 0.35 + 0.2 * random.Uniform()});
  }
  return routes;
}

double LogNormal(stats::Random& random, double median, double sigma) {
  return median * std::exp(sigma * random.Normal());
}

SampleSet Release(const std::vector<Route>& routes, std::uint64_t seed, double factor) {
  stats::Random random(seed);
  SampleSetBuilder builder;
  for (const Route& route : routes) {
    for (int i = 0; i < route.loads; ++i) {
      builder.Add(route.name, LogNormal(random, 2000, 0.4), random.Uniform() < 0.002);
      builder.AttachValue("measurements.lcp",
                          LogNormal(random, route.lcp_median * factor, route.lcp_sigma));
      builder.AttachValue("measurements.cls", 0.01 + 0.04 * random.Uniform());
      double tokens = 0;
      const int spans = 2 + static_cast<int>(random.Below(3));
      for (int s = 0; s < spans; ++s) tokens += LogNormal(random, 500 * factor, 0.5);
      builder.AttachValue("sum_per_request(gen_ai.usage.input_tokens)", std::round(tokens));
    }
  }
  return std::move(builder).Build("bench");
}

struct Tally {
  std::map<std::string, int> failed;  // by rule: false alarms (A/A) or catches (power)
  std::map<std::string, int> warned;
  std::map<std::string, int> judged;
  std::map<std::string, int> busy_caught, busy_judged;
};

void Count(const gate::EvaluationResult& result, const std::vector<Route>& routes, Tally& tally) {
  std::map<std::string, int> loads;
  for (const Route& route : routes) loads[route.name] = route.loads;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      const std::string& key = rule.limit_text;
      if (rule.verdict == gate::Verdict::kInsufficientData) continue;
      ++tally.judged[key];
      const bool failed = rule.verdict == gate::Verdict::kFail;
      if (failed && std::getenv("PERFGATE_BENCH_VERBOSE")) {
        std::printf("  failed: %s %s (n = %zu vs %zu, change %+.1f %%, adjusted p %.2g)\n",
                    group.name.c_str(), key.c_str(), rule.candidate_n, rule.baseline_n,
                    rule.change ? *rule.change * 100 : 0.0,
                    rule.adjusted_p_value ? *rule.adjusted_p_value : -1.0);
      }
      tally.failed[key] += failed ? 1 : 0;
      tally.warned[key] += rule.verdict == gate::Verdict::kWarn ? 1 : 0;
      if (loads[group.name] >= 1000) {
        ++tally.busy_judged[key];
        tally.busy_caught[key] += failed ? 1 : 0;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 10;
  Result<gate::Thresholds> config = gate::ParseThresholds(
      "statistics: {resamples: 2000}\n"
      "preset: web-vitals\n"
      "rules:\n"
      "  - {metric: p75(measurements.lcp), max_increase: 10%}\n"
      "  - {metric: sum_per_request(gen_ai.usage.input_tokens), max_increase: 10%}\n"
      "  - {metric: performance_score, min: 0.5}\n",
      "bench.yaml");
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 2;
  }
  const std::vector<Route> routes = Routes();
  int busy = 0;
  for (const Route& route : routes) busy += route.loads >= 1000 ? 1 : 0;
  std::printf("%d routes, %.0f page loads a side (busiest %d, quietest %d, %d with >= 1000)\n",
              kRoutes, kPageLoads, routes.front().loads, routes.back().loads, busy);
  for (const auto& [label, factor] : {std::pair{"A/A (nothing changed)", 1.0},
                                      std::pair{"LCP and tokens x 1.25", 1.25}}) {
    Tally tally;
    int releases_failed = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int run = 0; run < runs; ++run) {
      const SampleSet base = Release(routes, 1000 + 2 * run, 1.0);
      const SampleSet cand = Release(routes, 1001 + 2 * run, factor);
      const gate::EvaluationResult result = gate::Evaluate(*config, base, cand, kToday);
      releases_failed += result.outcome == gate::Outcome::kRegression ? 1 : 0;
      Count(result, routes, tally);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\n%s, %d releases (%.1f s each with generation): %d failed\n", label, runs,
                seconds / runs, releases_failed);
    for (const auto& [rule, judged] : tally.judged) {
      std::printf("  %-52s judged %5d  failed %5d (%5.2f %%)  warned %4d", rule.c_str(), judged,
                  tally.failed[rule], 100.0 * tally.failed[rule] / judged, tally.warned[rule]);
      if (tally.busy_judged[rule] > 0) {
        std::printf("  busy routes failed %5.1f %%",
                    100.0 * tally.busy_caught[rule] / tally.busy_judged[rule]);
      }
      std::printf("\n");
    }
  }
  return 0;
}

// A million-event release judged through Sentry's own engine: a fake Sentry on 127.0.0.1
// with 100 ms per request and sentry.io's limits (30 requests a second, 15 at once) holds
// a release of EVENTS events over TRANSACTIONS transactions (Zipf traffic; lognormal
// durations, medians 40 ms to 2 s; one in a thousand an outlier up to 60 s; 0.5 % failed).
// Histogram mode (zoomed) fetches it and the gate judges it with intervals; the same run
// then fetches it raw as auto mode would not (max_samples, a stratified sample) and gives
// the full raw fetch's floor at 30 requests a second. Every zoomed p50 and p95 and its
// interval is checked against the events' own.
// Usage: sentry_scale_bench [EVENTS=1000000] [TRANSACTIONS=20] [SEED=1]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "fetch/http/curl_transport.h"
#include "fetch/sentry/sentry_client.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/quantile.h"
#include "tests/fakes/fake_sentry_server.h"

namespace {

using namespace perfgate;
using Steady = std::chrono::steady_clock;

SampleSet Release(std::size_t events, int transactions, unsigned seed) {
  std::mt19937_64 random(seed);
  std::vector<double> weights;
  for (int t = 1; t <= transactions; ++t) weights.push_back(1.0 / t);
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> normal(0, 1);
  SampleSetBuilder builder;
  for (std::size_t e = 0; e < events; ++e) {
    const int t = pick(random);
    const double median = 40 * std::pow(50.0, t / std::max(1.0, transactions - 1.0));
    double ms = median * std::exp(0.5 * normal(random));
    if (uniform(random) < 0.001) ms = 60000 * uniform(random);
    // Sentry's transaction durations are whole milliseconds.
    builder.Add("GET /api/route/" + std::to_string(t), std::max(1.0, std::round(ms)),
                uniform(random) < 0.005);
  }
  return std::move(builder).Build("bench");
}

struct Fetched {
  SampleSet set;
  double seconds = 0;
  std::size_t requests = 0;
  int rejected = 0;
};

Fetched Fetch(const SampleSet& release, SentryMode mode, std::size_t max_samples) {
  SentryServerOptions limits;
  limits.latency = std::chrono::milliseconds(100);
  limits.requests_per_second = 30;
  limits.concurrent_requests = 15;
  FakeSentryServer server(SentryHandler({{"2.0", release}}, "tok", limits));
  fetch::CurlTransport transport;
  RealClock clock;
  fetch::SentryOptions options;
  options.selection.url = server.url();
  options.selection.organization = "acme";
  options.selection.mode = mode;
  options.selection.max_samples = max_samples;
  options.selection.quantiles = {0.5, 0.95};
  options.retry.max_attempts = 10;
  const auto start = Steady::now();
  Result<SampleSet> set = fetch::SentryClient(transport, clock, options, "tok").FetchRelease("2.0");
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  if (!set.ok()) {
    std::fprintf(stderr, "fetch failed: %s\n", set.error().message.c_str());
    std::exit(1);
  }
  return {std::move(set).value(), seconds, server.requests().size(), limits.rejected->load()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int transactions = argc > 2 ? std::atoi(argv[2]) : 20;
  const unsigned seed = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
  const SampleSet release = Release(events, transactions, seed);

  Fetched zoomed = Fetch(release, SentryMode::kHistogram, 50000);
  Result<gate::Thresholds> config = gate::ParseThresholds(
      "rules:\n  - {metric: p95, max: 8000ms}\n  - {metric: p50, max: 3000ms}\n"
      "  - {metric: error_rate, max: 1%}\n  - {metric: p95, max_increase: 10%}\n",
      "bench.yaml");
  const auto judging = Steady::now();
  const gate::EvaluationResult result =
      gate::Evaluate(*config, zoomed.set, zoomed.set,
                     std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::month{12},
                                                 std::chrono::day{6}});
  const double judged =
      zoomed.seconds + std::chrono::duration<double>(Steady::now() - judging).count();
  std::printf(
      "histogram mode (zoomed): %zu events of %zu transactions fetched in %.2f s, %zu "
      "requests, %d answered 429; judged with intervals in %.2f s in all\n",
      zoomed.set.TotalEvents(), zoomed.set.groups.size(), zoomed.seconds, zoomed.requests,
      zoomed.rejected, judged);
  for (const std::string& note : zoomed.set.notes) std::printf("  note: %s\n", note.c_str());

  // Against the events' own percentiles: the zoomed value's error, and whether each
  // interval holds the events' own value.
  double worst_error = 0;
  int held = 0, intervals = 0;
  for (const gate::GroupResult& group : result.groups) {
    std::vector<double> exact = release.Find(group.name)->durations_ms;
    std::sort(exact.begin(), exact.end());
    for (const gate::RuleResult& rule : group.rules) {
      if (rule.rule.metric.kind != gate::MetricKind::kQuantile || !rule.candidate_ci) continue;
      const double truth = stats::QuantileOfSorted(exact, rule.rule.metric.q);
      worst_error = std::max(worst_error, std::abs(*rule.candidate - truth) / truth);
      ++intervals;
      held += rule.candidate_ci->lower <= truth && truth <= rule.candidate_ci->upper ? 1 : 0;
    }
  }
  std::printf(
      "against the events' own p50 and p95: worst error %.3f %% of the value; %d of %d "
      "intervals hold the events' own value\n",
      100 * worst_error, held, intervals);

  Fetched raw = Fetch(release, SentryMode::kRaw, 50000);
  const double pages = std::ceil(static_cast<double>(events) / 100);
  std::printf(
      "raw mode, max_samples 50000 (a stratified sample): %.2f s, %zu requests, %d "
      "answered 429 (%.2f %%)\n",
      raw.seconds, raw.requests, raw.rejected,
      100.0 * raw.rejected / static_cast<double>(std::max<std::size_t>(1, raw.requests)));
  std::printf(
      "raw mode, every event: %.0f requests, at least %.0f s at 30 a second (%.0fx the "
      "zoomed fetch)\n",
      pages, pages / 30, pages / 30 / zoomed.seconds);
  return 0;
}

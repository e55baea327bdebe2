// perfgate's verdicts on a service shaped like a real Sentry project, judged by the
// repository's own thresholds.yaml through Evaluate():
//  - 400 transactions (or TRANSACTIONS) with Zipf traffic from 60,000 events a side down
//    to 30, log-normal latencies (median 30-800 ms, log-sd 0.3-1.0, so every true p95 is
//    at most about half of the 8000 ms limit and every p50 under a third of 3000 ms), true
//    error rates between 0.05 % and 0.33 % (at most a third of the 1 % limit);
//  - injected into the candidate each run: p95 +35 % (every duration x 1.35) on 10
//    transactions with at least 1,000 events and on 5 with 100-999; an error rate of 4 % on
//    3 with at least 1,000; a p95 of 12,000 ms on 3 with at least 200;
//  - RUNS simulated releases (each its own seed), then as many A/A releases (nothing
//    injected).
// Reports the share of injected regressions caught by kind and traffic, the share of
// unchanged transactions that failed, warned or were inconclusive per run, the A/A rate
// of failed releases, and the wall time of Evaluate() per release.
// `real_service_bench scale` instead times 10,000 transactions x 60 events a side and
// 100,000 one-event names, with the size of each report.
// (`scale-evaluate`: the same without the reports.)
// `point` as the third argument judges absolute rules on point estimates (error rates by
// Wilson), the defaults before, for comparison.
// Usage: real_service_bench [RUNS=20] [TRANSACTIONS=400 [point]]
//        real_service_bench scale[-evaluate]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "reports/gate_notes.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/terminal_report.h"
#include "stats/random.h"

namespace {

using namespace perfgate;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{11},
                                         std::chrono::day{25}};

// One transaction of the simulated service: its traffic and true behaviour.
struct Transaction {
  std::string name;
  int events = 0;
  double median_ms = 0;
  double log_sd = 0;
  double error_rate = 0;
};

enum class Injection { kNone, kSlower, kErrors, kOverLimit };

struct Service {
  std::vector<Transaction> transactions;
  std::vector<Injection> injected;
  std::vector<std::string> kinds;  // the injection's row in the table, "" for none
};

double LogUniform(stats::Random& random, double low, double high) {
  return std::exp(std::log(low) + random.Uniform() * (std::log(high) - std::log(low)));
}

Service MakeService(int count, stats::Random& random) {
  Service service;
  // Zipf: events = 60,000 / rank^s with s such that the last has 30.
  const double exponent = std::log(2000.0) / std::log(static_cast<double>(count));
  for (int rank = 1; rank <= count; ++rank) {
    Transaction t;
    t.name = "GET /api/v1/resource-" + std::to_string(rank) + "/{id}";
    t.events = static_cast<int>(std::lround(60000 / std::pow(rank, exponent)));
    t.median_ms = LogUniform(random, 30, 800);
    t.log_sd = 0.3 + 0.7 * random.Uniform();
    t.error_rate = 0.0005 + 0.0028 * random.Uniform();
    service.transactions.push_back(t);
  }
  service.injected.assign(service.transactions.size(), Injection::kNone);
  service.kinds.assign(service.transactions.size(), "");
  return service;
}

// Marks `how_many` not yet injected transactions with events in [low, high) at random.
void Inject(Service& service, Injection injection, const std::string& kind, int how_many, int low,
            int high, stats::Random& random) {
  std::vector<std::size_t> eligible;
  for (std::size_t i = 0; i < service.transactions.size(); ++i) {
    const int n = service.transactions[i].events;
    if (service.injected[i] == Injection::kNone && n >= low && n < high) eligible.push_back(i);
  }
  for (int k = 0; k < how_many && !eligible.empty(); ++k) {
    const std::size_t pick = random.Below(eligible.size());
    service.injected[eligible[pick]] = injection;
    service.kinds[eligible[pick]] = kind;
    eligible.erase(eligible.begin() + static_cast<std::ptrdiff_t>(pick));
  }
}

SampleSet Release(const Service& service, bool candidate, stats::Random& random) {
  SampleSetBuilder builder;
  for (std::size_t i = 0; i < service.transactions.size(); ++i) {
    const Transaction& t = service.transactions[i];
    double scale = 1, error_rate = t.error_rate;
    if (candidate) {
      switch (service.injected[i]) {
        case Injection::kSlower:
          scale = 1.35;
          break;
        case Injection::kErrors:
          error_rate = 0.04;
          break;
        case Injection::kOverLimit:  // p95 = median e^(1.645 sd) moved to 12,000 ms
          scale = 12000 / (t.median_ms * std::exp(1.6448536 * t.log_sd));
          break;
        case Injection::kNone:
          break;
      }
    }
    for (int e = 0; e < t.events; ++e) {
      const double ms = scale * t.median_ms * std::exp(t.log_sd * random.Normal());
      builder.Add(t.name, ms, random.Uniform() < error_rate);
    }
  }
  return std::move(builder).Build(candidate ? "candidate" : "baseline");
}

// The verdict of the group's rule on `metric` of `kind`.
gate::Verdict VerdictOf(const gate::GroupResult& group, const std::string& metric,
                        gate::LimitKind kind) {
  for (const gate::RuleResult& rule : group.rules) {
    if (rule.rule.metric.name == metric && rule.rule.kind == kind) return rule.verdict;
  }
  return gate::Verdict::kPass;
}

bool Caught(const gate::GroupResult& group, Injection injection) {
  auto flagged = [](gate::Verdict v) {
    return v == gate::Verdict::kFail || v == gate::Verdict::kWarn;
  };
  switch (injection) {
    case Injection::kSlower:
      return flagged(VerdictOf(group, "p95", gate::LimitKind::kMaxIncrease));
    case Injection::kErrors:
      return VerdictOf(group, "error_rate", gate::LimitKind::kMax) == gate::Verdict::kFail;
    case Injection::kOverLimit:
      return VerdictOf(group, "p95", gate::LimitKind::kMax) == gate::Verdict::kFail;
    case Injection::kNone:
      break;
  }
  return false;
}

struct Tally {
  std::vector<std::string> kinds;
  std::vector<int> injected, caught;
  long unchanged = 0, failed = 0, warned = 0, inconclusive = 0, insufficient = 0;
  int releases = 0, failed_releases = 0, warned_releases = 0;
  double seconds = 0, worst_seconds = 0;
  std::map<std::string, long> unchanged_by_rule;  // verdicts other than pass, by rule

  void Count(const std::string& kind, bool was_caught) {
    auto at = std::find(kinds.begin(), kinds.end(), kind);
    if (at == kinds.end()) {
      kinds.push_back(kind);
      injected.push_back(0);
      caught.push_back(0);
      at = kinds.end() - 1;
    }
    const auto i = static_cast<std::size_t>(at - kinds.begin());
    ++injected[i];
    caught[i] += was_caught ? 1 : 0;
  }
};

void Judge(const gate::Thresholds& config, const Service& service, std::uint64_t seed,
           Tally& tally) {
  stats::Random random(seed);
  SampleSet base = Release(service, false, random);
  SampleSet cand = Release(service, true, random);
  gate::Thresholds seeded = config;
  seeded.seed = seed;
  const Clock::time_point start = Clock::now();
  gate::EvaluationResult result = gate::Evaluate(seeded, base, cand, kToday);
  const double seconds = Since(start);
  tally.seconds += seconds;
  tally.worst_seconds = std::max(tally.worst_seconds, seconds);
  ++tally.releases;
  bool release_failed = false, release_warned = false;
  for (const gate::GroupResult& group : result.groups) {
    std::size_t index = 0;
    while (service.transactions[index].name != group.name) ++index;
    if (service.injected[index] != Injection::kNone) {
      tally.Count(service.kinds[index], Caught(group, service.injected[index]));
      continue;
    }
    ++tally.unchanged;
    for (const gate::RuleResult& rule : group.rules) {
      if (rule.verdict == gate::Verdict::kFail || rule.verdict == gate::Verdict::kWarn ||
          rule.verdict == gate::Verdict::kInconclusive) {
        const std::string what =
            std::string(gate::VerdictName(rule.verdict)) + " " + rule.limit_text;
        ++tally.unchanged_by_rule[what];
        if (std::getenv("PERFGATE_BENCH_VERBOSE") && rule.verdict != gate::Verdict::kInconclusive)
          std::printf("  %s: %s (n = %zu) %s\n", what.c_str(), group.name.c_str(), rule.candidate_n,
                      reports::RuleNote(result, rule).c_str());
      }
    }
    tally.failed += group.verdict == gate::Verdict::kFail ? 1 : 0;
    tally.warned += group.verdict == gate::Verdict::kWarn ? 1 : 0;
    tally.inconclusive += group.verdict == gate::Verdict::kInconclusive ? 1 : 0;
    tally.insufficient += group.verdict == gate::Verdict::kInsufficientData ? 1 : 0;
    release_failed |= group.verdict == gate::Verdict::kFail;
    release_warned |= group.verdict == gate::Verdict::kWarn;
  }
  if (tally.releases == 1 && std::getenv("PERFGATE_BENCH_SHOW"))
    std::printf("%s\n",
                reports::RenderVerdictSummary({result, {}}, reports::TerminalStyle{}).c_str());
  tally.failed_releases += release_failed ? 1 : 0;
  tally.warned_releases += release_warned ? 1 : 0;
}

void PrintTally(const char* title, const Tally& tally) {
  std::printf("\n%s: %d releases\n", title, tally.releases);
  for (std::size_t i = 0; i < tally.kinds.size(); ++i) {
    std::printf("  caught %-44s %5.1f %%  (%d of %d)\n", tally.kinds[i].c_str(),
                100.0 * tally.caught[i] / tally.injected[i], tally.caught[i], tally.injected[i]);
  }
  const double unchanged = static_cast<double>(tally.unchanged);
  std::printf("  unchanged transactions that failed        %6.3f %%  (%ld of %ld)\n",
              100 * static_cast<double>(tally.failed) / unchanged, tally.failed, tally.unchanged);
  std::printf("  unchanged transactions that warned        %6.3f %%  (%ld)\n",
              100 * static_cast<double>(tally.warned) / unchanged, tally.warned);
  std::printf("  unchanged transactions inconclusive       %6.3f %%  (%ld)\n",
              100 * static_cast<double>(tally.inconclusive) / unchanged, tally.inconclusive);
  std::printf("  unchanged transactions with too few events %5.3f %%  (%ld)\n",
              100 * static_cast<double>(tally.insufficient) / unchanged, tally.insufficient);
  for (const auto& [what, count] : tally.unchanged_by_rule)
    std::printf("    %-40s %6.3f %% of unchanged transactions\n", what.c_str(),
                100 * static_cast<double>(count) / unchanged);
  std::printf(
      "  releases with a false fail                %6.1f %%;  with a false warning %.1f %%\n",
      100.0 * tally.failed_releases / tally.releases,
      100.0 * tally.warned_releases / tally.releases);
  std::printf("  Evaluate(): %.3f s per release on average, %.3f s at worst\n",
              tally.seconds / tally.releases, tally.worst_seconds);
}

gate::Thresholds RepositoryThresholds() {
  std::ifstream in(std::string(PERFGATE_SOURCE_DIR) + "/thresholds.yaml");
  std::stringstream text;
  text << in.rdbuf();
  Result<gate::Thresholds> parsed = gate::ParseThresholds(text.str(), "thresholds.yaml");
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    std::exit(2);
  }
  return *parsed;
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;
}

// 10,000 transactions x 60 events a side (an unparameterised service), then 100,000 names
// of one event each: Evaluate() and every report, timed and measured.
int Scale(const gate::Thresholds& config, bool reports) {
  for (auto [names, events] : {std::pair{10000, 60}, std::pair{100000, 1}}) {
    stats::Random random(static_cast<std::uint64_t>(names));
    SampleSetBuilder base, cand;
    for (int g = 0; g < names; ++g) {
      const std::string name = "GET /api/orders/" + std::to_string(100000 + g);
      const double median = LogUniform(random, 30, 800);
      for (int e = 0; e < events; ++e) {
        base.Add(name, median * std::exp(0.5 * random.Normal()), random.Uniform() < 0.002);
        cand.Add(name, median * std::exp(0.5 * random.Normal()), random.Uniform() < 0.002);
      }
    }
    SampleSet b = std::move(base).Build("baseline"), c = std::move(cand).Build("candidate");
    Clock::time_point start = Clock::now();
    const explain::ExplainedResult judged{gate::Evaluate(config, b, c, kToday), {}};
    const double evaluate = Since(start);
    std::printf("\n%d transactions x %d events a side: Evaluate() %.2f s, peak RSS %.0f MB\n",
                names, events, evaluate, PeakRssMb());
    if (!reports) continue;
    auto measure = [](const char* what, const std::function<std::string()>& render) {
      const Clock::time_point at = Clock::now();
      const std::string text = render();
      const long lines = std::count(text.begin(), text.end(), '\n');
      std::printf("  %-22s %9.2f MB  %7ld lines  %.2f s\n", what,
                  static_cast<double>(text.size()) / 1e6, lines, Since(at));
    };
    measure("JSON", [&] { return reports::RenderJson(judged); });
    measure("HTML", [&] { return reports::RenderHtml(judged); });
    measure("JUnit", [&] { return reports::RenderJunit(judged); });
    measure("Markdown", [&] { return reports::RenderMarkdown(judged); });
    measure("terminal (check)",
            [&] { return reports::RenderVerdictSummary(judged, reports::TerminalStyle{}); });
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const gate::Thresholds config = RepositoryThresholds();
  if (argc > 1 && std::strcmp(argv[1], "scale") == 0) return Scale(config, true);
  if (argc > 1 && std::strcmp(argv[1], "scale-evaluate") == 0) return Scale(config, false);
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  const int count = argc > 2 ? std::atoi(argv[2]) : 400;
  gate::Thresholds judged_by = config;
  if (argc > 3 && std::strcmp(argv[3], "point") == 0) {
    // The defaults before the low-traffic work: absolute rules on the point estimate,
    // error rates by Wilson.
    for (gate::Rule& rule : judged_by.rules) {
      if (rule.kind == gate::LimitKind::kMax) rule.decide_on = gate::DecideOn::kPoint;
    }
    judged_by.error_rate_interval = stats::BinomialMethod::kWilson;
    std::printf("(absolute rules decided on the point estimate, error rates by Wilson)\n");
  }
  std::printf(
      "A service of %d transactions (Zipf traffic, 60,000 to 30 events a side), "
      "judged by thresholds.yaml\n",
      count);
  Tally regressions, aa;
  for (int run = 0; run < runs; ++run) {
    stats::Random random(stats::DeriveSeed(2026, static_cast<std::uint64_t>(run)));
    Service service = MakeService(count, random);
    Inject(service, Injection::kSlower, "p95 +35 %, 1,000+ events (warn)", 10, 1000, 1 << 30,
           random);
    Inject(service, Injection::kSlower, "p95 +35 %, 100-999 events (warn)", 5, 100, 1000, random);
    Inject(service, Injection::kErrors, "error rate 4 % > 1 %, 1,000+ events", 3, 1000, 1 << 30,
           random);
    Inject(service, Injection::kOverLimit, "p95 12,000 ms > 8000 ms, 200+ events", 3, 200, 1 << 30,
           random);
    Judge(judged_by, service, stats::DeriveSeed(1, static_cast<std::uint64_t>(run)), regressions);
    Service unchanged = MakeService(count, random);
    Judge(judged_by, unchanged, stats::DeriveSeed(2, static_cast<std::uint64_t>(run)), aa);
  }
  PrintTally("With 21 injected regressions", regressions);
  PrintTally("A/A (nothing injected)", aa);
  return 0;
}

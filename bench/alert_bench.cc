// The scheduled alert job watching a growing release hourly for a day, judged the old way
// (each look's fixed-sample verdicts) and the anytime-valid way (alert/anytime.h), on the
// same simulated streams:
//  - TRANSACTIONS (200) transactions, Zipf traffic from 4,000 events an hour down to 20,
//    each with a true p95 between 80 and 99 % of 8000 ms, a true p50 under 3000 ms and a
//    true error rate between 0.2 and 0.9 % (every rule of the default config holds);
//  - from hour 12, one transaction (rank 10, 400 events an hour) turns 1.5x slower.
// Per seed: false announcements (new breaches of unchanged transactions) and flaps (their
// resolutions), and the look at which the slowdown was announced. Then the time of one
// anytime look at 400 transactions beside Evaluate()'s on the same release.
// Usage: alert_bench [SEEDS=4] [TRANSACTIONS=200]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "alert/alert_state.h"
#include "alert/anytime.h"
#include "bench/timing.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace {

using namespace perfgate;

const std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{12},
                                         std::chrono::day{6}};
constexpr double kStart = 1796515200;  // the release's first hour, UTC seconds
constexpr int kSlow = 9;               // the transaction that turns slower (rank 10)
constexpr int kChangeHour = 12;

// Hours 1..`hours` of the release, every event with its time.
SampleSet Release(int transactions, int hours, bool change, std::uint64_t seed) {
  stats::Random random(seed);
  SampleSetBuilder builder;
  for (int hour = 1; hour <= hours; ++hour) {
    for (int t = 0; t < transactions; ++t) {
      const double p95 = 8000 * (0.80 + 0.19 * ((t * 37) % 101) / 100.0);
      const double sigma = 0.3 + 0.4 * ((t * 13) % 7) / 6.0;
      const double median = std::min(p95 / std::exp(1.645 * sigma), 2950.0);
      const double error_rate = 0.002 + 0.007 * ((t * 53) % 97) / 96.0;
      const double factor = change && t == kSlow && hour >= kChangeHour ? 1.5 : 1.0;
      const int events = std::max(20, 4000 / (t + 1));
      const std::string name = "GET /api/t" + std::to_string(t);
      for (int i = 0; i < events; ++i) {
        builder.Add(name, factor * median * std::exp(sigma * random.Normal()),
                    random.Uniform() < error_rate);
        builder.AttachDetails({"", kStart + 3600.0 * (hour - 1) + 3600.0 * i / events, "", ""});
      }
    }
  }
  return std::move(builder).Build("sentry:latest");
}

struct DayFigures {
  int false_announcements = 0;
  int flaps = 0;
  int detected_hour = 0;  // 0: not in the day
};

void Count(const alert::AlertUpdate& update, int hour, DayFigures& figures) {
  for (const alert::AlertChange& change : update.changes) {
    const bool slow = change.key.rfind("GET /api/t" + std::to_string(kSlow) + "  ", 0) == 0;
    if (change.kind == alert::AlertChangeKind::kNewBreach) {
      if (slow && hour >= kChangeHour && figures.detected_hour == 0) figures.detected_hour = hour;
      if (!slow || hour < kChangeHour) ++figures.false_announcements;
    } else if (change.kind == alert::AlertChangeKind::kResolved && !slow) {
      ++figures.flaps;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 4;
  const int transactions = argc > 2 ? std::atoi(argv[2]) : 200;
  const gate::Thresholds config = gate::DefaultThresholds();
  std::printf(
      "%d transactions, hourly looks for 24 h; the slowdown (x1.5 on rank 10) from hour "
      "%d\n",
      transactions, kChangeHour);
  std::printf("seed  judge     false  flaps  slowdown announced at\n");
  for (int seed = 1; seed <= seeds; ++seed) {
    alert::AlertState fixed_state, anytime_state;
    DayFigures fixed, anytime;
    for (int hour = 1; hour <= 24; ++hour) {
      const SampleSet release =
          Release(transactions, hour, true, 1000 + static_cast<std::uint64_t>(seed));
      SampleSet none;
      const gate::EvaluationResult judged = gate::Evaluate(config, none, release, kToday);
      const auto now = std::chrono::system_clock::time_point(
          std::chrono::seconds(static_cast<long long>(kStart) + 3600LL * hour));
      alert::AlertUpdate fixed_update =
          alert::UpdateAlerts(fixed_state, judged, now, alert::AlertTimes{});
      Count(fixed_update, hour, fixed);
      fixed_state = std::move(fixed_update.next);

      gate::EvaluationResult result = judged;
      const alert::AnytimeLook look = alert::JudgeAnytime(anytime_state, release, 0.05, result);
      alert::AlertUpdate update =
          alert::UpdateAlerts(anytime_state, result, now, alert::AlertTimes{});
      alert::KeepEvidence(look, anytime_state, update.next);
      Count(update, hour, anytime);
      anytime_state = std::move(update.next);
    }
    for (const auto& [name, figures] : {std::pair{"fixed", fixed}, std::pair{"anytime", anytime}}) {
      std::printf("%4d  %-8s  %5d  %5d  %s\n", seed, name, figures.false_announcements,
                  figures.flaps,
                  figures.detected_hour == 0
                      ? "not in the day"
                      : ("hour " + std::to_string(figures.detected_hour) + " (" +
                         std::to_string(figures.detected_hour - kChangeHour + 1) + " looks)")
                            .c_str());
    }
  }

  // One look at 400 transactions, a day into the release, with a day of evidence kept.
  const SampleSet big = Release(400, 24, false, 7);
  SampleSet none;
  gate::EvaluationResult result = gate::Evaluate(config, none, big, kToday);
  alert::AlertState state;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      alert::AlertEntry entry(false, 0, 0, 0, rule.limit_text);
      entry.windows.assign(23, stats::CountWindow{2, 200});
      state.entries[alert::AlertKey(group, rule)] = entry;
    }
  }
  state.source = big.source;
  state.through = kStart + 23 * 3600.0;
  const double evaluate =
      bench::BestOf(3, [&] { (void)gate::Evaluate(config, none, big, kToday); });
  const double look = bench::BestOf(3, [&] {
    gate::EvaluationResult copy = result;
    (void)alert::JudgeAnytime(state, big, 0.05, copy);
  });
  std::printf(
      "one look at 400 transactions (%zu events, 24 windows a rule): anytime judge %.3f s, "
      "Evaluate() %.3f s (ratio %.2f)\n",
      big.TotalEvents(), look, evaluate, look / evaluate);
  return 0;
}

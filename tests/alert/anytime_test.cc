// The alert job's anytime-valid judge over a simulated day of hourly looks at a growing
// release: an unchanged service raises nothing, a transaction that turns 1.5x slower at
// hour 12 is announced within three looks, and a source without times counts each look's
// growth. bench/alert_bench.cc runs the same at 200 transactions against the fixed-sample
// judge.
#include "alert/anytime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "alert/alert_state.h"
#include "gate/evaluate.h"
#include "gate/thresholds_parser.h"
#include "stats/random.h"

namespace perfgate::alert {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const std::chrono::year_month_day kToday{year{2027}, month{1}, day{15}};
constexpr double kStart = 1795608000;  // UTC seconds of the release's first event

// A service of `transactions` transactions (Zipf traffic from 600 events an hour), each with
// a true p95 between 80 and 99 % of 8000 ms, a p50 under 3000 ms and an error rate between
// 0.2 and 0.9 %; transaction `slow` turns `factor` times slower from hour `change_hour`.
struct Service {
  int transactions = 12;
  int slow = -1;
  int change_hour = 1000;
  double factor = 1.5;
  std::uint64_t seed = 1;
};

// Hours 1..`hours` of the service's release, each event with its time.
SampleSet Release(const Service& service, int hours) {
  stats::Random random(service.seed);
  SampleSetBuilder builder;
  for (int hour = 1; hour <= hours; ++hour) {
    for (int t = 0; t < service.transactions; ++t) {
      const double p95 = 8000 * (0.80 + 0.19 * ((t * 7) % 11) / 10.0);
      const double sigma = 0.45;
      const double median = std::min(p95 / std::exp(1.645 * sigma), 2900.0);
      const double error_rate = 0.002 + 0.007 * ((t * 5) % 9) / 8.0;
      const double slower = t == service.slow && hour >= service.change_hour ? service.factor : 1;
      const int events = static_cast<int>(600 / (t + 1)) + 5;
      const std::string name = "GET /t" + std::to_string(t);
      for (int i = 0; i < events; ++i) {
        const double ms = slower * median * std::exp(sigma * random.Normal());
        builder.Add(name, ms, random.Uniform() < error_rate);
        builder.AttachDetails({"", kStart + 3600.0 * (hour - 1) + 3600.0 * i / events, "", ""});
      }
    }
  }
  return std::move(builder).Build("sentry:1.0");
}

struct Day {
  std::vector<int> new_breach_hours;  // the hours a breach was announced
  std::vector<std::string> breached;  // their keys
};

// Looks every hour for `hours` hours, as `perfgate alert` does.
Day Watch(const Service& service, int hours) {
  const gate::Thresholds config = gate::DefaultThresholds();
  AlertState state;
  Day day;
  for (int hour = 1; hour <= hours; ++hour) {
    const SampleSet release = Release(service, hour);
    SampleSet none;
    gate::EvaluationResult result = gate::Evaluate(config, none, release, kToday);
    const AnytimeLook look = JudgeAnytime(state, release, 0.05, result);
    const auto now = std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<long long>(kStart) + 3600LL * hour));
    AlertUpdate update = UpdateAlerts(state, result, now, AlertTimes{});
    KeepEvidence(look, state, update.next);
    for (const AlertChange& change : update.changes) {
      if (change.kind != AlertChangeKind::kNewBreach) continue;
      day.new_breach_hours.push_back(hour);
      day.breached.push_back(change.key);
    }
    state = std::move(update.next);
  }
  return day;
}

TEST(AnytimeAlert, AnUnchangedServiceRaisesNothingInADay) {
  for (std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{2}}) {
    Service service;
    service.seed = seed;
    const Day day = Watch(service, 24);
    EXPECT_TRUE(day.breached.empty()) << seed << ": " << day.breached.front();
  }
}

TEST(AnytimeAlert, ASlowdownAtHourTwelveIsAnnouncedWithinThreeLooks) {
  Service service;
  service.slow = 2;  // 205 events an hour
  service.change_hour = 12;
  const Day day = Watch(service, 24);
  ASSERT_FALSE(day.breached.empty());
  EXPECT_EQ(day.breached.front().rfind("GET /t2  p", 0), 0u) << day.breached.front();
  EXPECT_GE(day.new_breach_hours.front(), 12);
  EXPECT_LE(day.new_breach_hours.front(), 14);
  for (const std::string& key : day.breached) EXPECT_EQ(key.rfind("GET /t2  ", 0), 0u) << key;
}

TEST(AnytimeAlert, ASourceWithoutTimesCountsEachLooksGrowth) {
  const gate::Thresholds config = gate::DefaultThresholds();
  AlertState state;
  // 100 events with 3 failures, then the same source grown to 300 with 30: the second
  // look's window is the 200 new events and 27 new failures.
  SampleSetBuilder first;
  for (int i = 0; i < 100; ++i) first.Add("GET /a", 100, i < 3);
  SampleSet one = std::move(first).Build("a.csv");
  SampleSet none;
  gate::EvaluationResult result = gate::Evaluate(config, none, one, kToday);
  AnytimeLook look = JudgeAnytime(state, one, 0.05, result);
  EXPECT_FALSE(look.timed);
  EXPECT_EQ(look.counts.at("GET /a  error_rate").window.trials, 100);
  EXPECT_EQ(look.counts.at("GET /a  error_rate").window.hits, 3);
  AlertUpdate update = UpdateAlerts(state, result, {}, AlertTimes{});
  KeepEvidence(look, state, update.next);
  state = update.next;

  SampleSetBuilder second;
  for (int i = 0; i < 300; ++i) second.Add("GET /a", 100, i < 30);
  SampleSet two = std::move(second).Build("a.csv");
  result = gate::Evaluate(config, none, two, kToday);
  look = JudgeAnytime(state, two, 0.05, result);
  EXPECT_EQ(look.counts.at("GET /a  error_rate").window.trials, 200);
  EXPECT_EQ(look.counts.at("GET /a  error_rate").window.hits, 27);
  // The family: the default config's three absolute rules of one transaction.
  EXPECT_EQ(look.family, 3u);
  const gate::RuleResult& rate = result.groups[0].rules[2];
  ASSERT_TRUE(rate.anytime.has_value());
  EXPECT_EQ(rate.rule.metric.name, "error_rate");
  EXPECT_NEAR(rate.anytime->log_needed, std::log(3 / 0.05), 1e-12);
  // The relative rule (p95 +10 %) is not judged by an alert's anytime test.
  for (const gate::RuleResult& rule : result.groups[0].rules)
    EXPECT_EQ(rule.anytime.has_value(), !gate::IsRelative(rule.rule.kind)) << rule.limit_text;
}

TEST(AnytimeAlert, TheStateKeepsTheEvidence) {
  AlertState state;
  AlertEntry entry(false, 10, 0, 30, "p95 <= 8000 ms");
  entry.windows = {{3, 200}, {0, 150}};
  entry.first_window = 4;
  entry.seen = {3, 350};
  state.entries["GET /a  p95"] = entry;
  state.family = 600;
  state.source = "sentry:1.0";
  state.through = 1795611600.5;
  const std::string text = RenderAlertState(state);
  EXPECT_NE(text.find("\"windows\":[[3,200],[0,150]],\"first_window\":4,\"seen\":[3,350]"),
            std::string::npos)
      << text;
  Result<AlertState> back = ParseAlertState(text, "state.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(RenderAlertState(*back), text);
  EXPECT_EQ(back->family, 600u);
  EXPECT_EQ(back->through, 1795611600.5);
  // A window with more hits than events is refused, naming the entry.
  std::string bad = text;
  bad.replace(bad.find("[3,200]"), 7, "[300,200]");
  Result<AlertState> refused = ParseAlertState(bad, "state.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find(
                "entry \"GET /a  p95\": a window is not [hits, events] with hits <= events"),
            std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace perfgate::alert

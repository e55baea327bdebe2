// The anytime-valid count tests against hand computations, and by simulation: under equal
// rates no more than alpha of the streams ever cross 1 / alpha over 100 looks each, and a
// doubled rate is found.
#include "stats/anytime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "stats/random.h"

namespace perfgate::stats {
namespace {

TEST(MultinomialLogE, IsTheBayesFactorOfTheDirichletMixture) {
  // k = 2 and theta0 = (1/2, 1/2): a uniform prior; three of three events in one cell:
  // E = B(4, 1) / 0.5^3 = (1/4) / (1/8) = 2.
  const std::array<double, 2> half = {0.5, 0.5};
  EXPECT_NEAR(MultinomialLogE(std::array<double, 2>{3, 0}, half, 2), std::log(2.0), 1e-12);
  // Nothing seen: no evidence.
  EXPECT_NEAR(MultinomialLogE(std::array<double, 2>{0, 0}, half, 2), 0, 1e-12);
  // Three cells, a Dirichlet(1, 1, 1) prior, counts (1, 0, 0): E = [B(2,1,1) / B(1,1,1)] / (1/3)
  // = [(1 * 1 * 1 / Gamma(4)) / (1 / Gamma(3))] * 3 = (2 / 6) * 3 = 1.
  const std::array<double, 3> third = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  EXPECT_NEAR(MultinomialLogE(std::array<double, 3>{1, 0, 0}, third, 3), 0, 1e-12);
}

TEST(RateIncreaseLogE, IsTheMixtureOverWorseSharesOnly) {
  // k = 2, rho = 1/2: a uniform prior on [1/2, 1] (density 2). One candidate event:
  // E = 2 * integral of theta over [1/2, 1] / (1/2) = 2 * (3/8) * 2 = 1.5.
  EXPECT_NEAR(RateIncreaseLogE(0, 1, 0.5, 2), std::log(1.5), 1e-12);
  // One baseline event: E = 2 * integral of (1 - theta) over [1/2, 1] / (1/2) = 2 * (1/8) * 2.
  EXPECT_NEAR(RateIncreaseLogE(1, 0, 0.5, 2), std::log(0.5), 1e-12);
  EXPECT_NEAR(RateIncreaseLogE(0, 0, 0.2), 0, 1e-12);
  EXPECT_DOUBLE_EQ(AnytimePValue(std::log(40.0)), 1.0 / 40);
  EXPECT_DOUBLE_EQ(AnytimePValue(-3), 1);
}

// Streams of events, each from the candidate with probability `share`, looked at every
// 10 events up to 1,000: how many ever reach E >= 1 / alpha, and after how many events.
struct Crossings {
  int streams = 0;
  int crossed = 0;
  double mean_events_to_cross = 0;
};

Crossings Simulate(double share, double rho, bool one_sided, int streams, std::uint64_t seed) {
  constexpr double kAlpha = 0.05;
  Random random(seed);
  Crossings out;
  out.streams = streams;
  double events_sum = 0;
  for (int s = 0; s < streams; ++s) {
    double candidate = 0, baseline = 0;
    for (int event = 1; event <= 1000; ++event) {
      (random.Uniform() < share ? candidate : baseline) += 1;
      if (event % 10 != 0) continue;
      const double log_e = one_sided ? RateIncreaseLogE(baseline, candidate, rho)
                                     : MultinomialLogE(std::array<double, 2>{baseline, candidate},
                                                       std::array<double, 2>{1 - rho, rho});
      if (log_e >= std::log(1 / kAlpha)) {
        ++out.crossed;
        events_sum += event;
        break;
      }
    }
  }
  if (out.crossed > 0) out.mean_events_to_cross = events_sum / out.crossed;
  return out;
}

TEST(AnytimeCounts, EqualRatesRarelyCrossOverAHundredLooks) {
  for (bool one_sided : {true, false}) {
    const Crossings equal = Simulate(0.2, 0.2, one_sided, 2000, one_sided ? 1 : 2);
    // At most alpha = 5 % of the streams, whatever the number of looks (Ville); three
    // standard errors of slack for the simulation.
    EXPECT_LE(equal.crossed, 100 + 3 * std::sqrt(2000 * 0.05 * 0.95))
        << (one_sided ? "one-sided" : "two-sided");
    std::printf("equal rates, %s: %d of 2000 streams ever crossed in 100 looks\n",
                one_sided ? "one-sided" : "two-sided", equal.crossed);
  }
  // A better candidate never gives the one-sided test evidence of a worse one.
  EXPECT_LE(Simulate(0.1, 0.2, true, 1000, 3).crossed, 10);
}

TEST(AnytimeCounts, ADoubledRateIsFound) {
  const Crossings worse = Simulate(0.4, 0.2, true, 500, 4);  // the candidate's errors doubled
  EXPECT_GE(worse.crossed, 495);
  const Crossings either = Simulate(0.4, 0.2, false, 500, 5);
  EXPECT_GE(either.crossed, 490);
  // The one-sided test, spending nothing on better candidates, finds it sooner.
  EXPECT_LT(worse.mean_events_to_cross, either.mean_events_to_cross);
  std::printf("doubled rate found after %.0f events (one-sided), %.0f (two-sided)\n",
              worse.mean_events_to_cross, either.mean_events_to_cross);
}

TEST(ExceedanceLogE, IsTheOneSidedMixtureWithHitsAsTheWorseSide) {
  EXPECT_DOUBLE_EQ(ExceedanceLogE(3, 10, 0.2, kDirichletConcentration),
                   RateIncreaseLogE(7, 3, 0.2));
  // More hits, more evidence; HitsToProve is the first count that reaches the threshold.
  const double threshold = std::log(40.0);
  const std::optional<std::size_t> needed = HitsToProve(500, 0.05, threshold);
  ASSERT_TRUE(needed.has_value());
  EXPECT_GE(ExceedanceLogE(static_cast<double>(*needed), 500, 0.05), threshold);
  EXPECT_LT(ExceedanceLogE(static_cast<double>(*needed - 1), 500, 0.05), threshold);
  // Three events cannot prove a 5 % rate exceeded at 1 / 40 000.
  EXPECT_FALSE(HitsToProve(3, 0.05, std::log(40000.0)).has_value());
}

// The true p-quantile of each stream shape, and a draw from it.
struct Shape {
  const char* name;
  std::function<double(Random&)> draw;
  std::function<double(double)> quantile;
};

std::vector<Shape> Shapes() {
  // The standard normal quantile by bisection on erfc (tests need no more).
  const auto normal_quantile = [](double p) {
    double low = -10, high = 10;
    for (int i = 0; i < 200; ++i) {
      const double mid = (low + high) / 2;
      (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? low : high) = mid;
    }
    return (low + high) / 2;
  };
  return {
      {"lognormal", [](Random& r) { return std::exp(6 + 0.8 * r.Normal()); },
       [=](double p) { return std::exp(6 + 0.8 * normal_quantile(p)); }},
      // Half the requests at about 100 ms, half at about 1000 ms (a cache hit or miss):
      // its p95 is where the slow mode's p90 is.
      {"bimodal",
       [](Random& r) {
         return r.Uniform() < 0.5 ? 100 * std::exp(0.1 * r.Normal())
                                  : 1000 * std::exp(0.1 * r.Normal());
       },
       [=](double p) {
         return p <= 0.5 ? 100 * std::exp(0.1 * normal_quantile(2 * p))
                         : 1000 * std::exp(0.1 * normal_quantile(2 * p - 1));
       }},
      // Pareto with shape 1.5 from 200 ms: a mean, but no variance.
      {"pareto", [](Random& r) { return 200 / std::pow(1 - r.Uniform(), 1 / 1.5); },
       [](double p) { return 200 / std::pow(1 - p, 1 / 1.5); }},
  };
}

TEST(QuantileConfidenceSequence, EndsAreTheOrderStatisticsTheCountsProve) {
  Random random(11);
  std::vector<double> sorted;
  for (int i = 0; i < 400; ++i) sorted.push_back(random.Uniform());
  std::sort(sorted.begin(), sorted.end());
  const QuantileSequenceBounds bounds = QuantileConfidenceSequence(sorted, 0.95, 0.05);
  ASSERT_TRUE(bounds.lower && bounds.upper);
  const std::size_t over = *HitsToProve(400, 0.05, std::log(40.0));
  const std::size_t under = *HitsToProve(400, 0.95, std::log(40.0));
  EXPECT_EQ(*bounds.lower, sorted[400 - over]);
  EXPECT_EQ(*bounds.upper, sorted[under - 1]);
  EXPECT_LT(*bounds.lower, sorted[379]);  // the p95's order statistic inside
  EXPECT_GT(*bounds.upper, sorted[379]);
  // Ten events cannot bound a p95 from above at 95 % (every one could be under it).
  std::vector<double> few(sorted.begin(), sorted.begin() + 10);
  EXPECT_FALSE(QuantileConfidenceSequence(few, 0.95, 0.05).upper.has_value());
}

// Coverage uniformly over time: a stream misses at size n when the events over the true
// quantile, or under it, reach the count that proves a bound past it. With those counts
// worked out once per size, every one of 1..1,000 looks of 2,000 streams is checked.
TEST(QuantileConfidenceSequence, CoversAtEveryLookOfMostStreams) {
  constexpr double kAlpha = 0.05;
  constexpr int kStreams = 2000;
  constexpr std::size_t kLooks = 1000;
  for (double p : {0.5, 0.95}) {
    std::vector<std::size_t> over_needed(kLooks + 1), under_needed(kLooks + 1);
    for (std::size_t n = 1; n <= kLooks; ++n) {
      over_needed[n] = HitsToProve(n, 1 - p, std::log(2 / kAlpha)).value_or(n + 1);
      under_needed[n] = HitsToProve(n, p, std::log(2 / kAlpha)).value_or(n + 1);
    }
    for (const Shape& shape : Shapes()) {
      Random random(p == 0.5 ? 21 : 22);
      const double truth = shape.quantile(p);
      int missed = 0;
      for (int s = 0; s < kStreams; ++s) {
        std::size_t over = 0, under = 0;
        for (std::size_t n = 1; n <= kLooks; ++n) {
          const double x = shape.draw(random);
          over += x > truth;
          under += x < truth;
          if (over >= over_needed[n] || under >= under_needed[n]) {
            ++missed;
            break;
          }
        }
      }
      std::printf("p%g %s: %d of %d streams ever missed over %zu looks\n", 100 * p, shape.name,
                  missed, kStreams, kLooks);
      EXPECT_LE(missed, kAlpha * kStreams + 3 * std::sqrt(kStreams * kAlpha * (1 - kAlpha)))
          << shape.name;
    }
  }
}

TEST(QuantileConfidenceSequence, NarrowsAsTheSampleGrows) {
  Random random(31);
  std::vector<double> values;
  double previous_width = std::numeric_limits<double>::infinity();
  for (int n : {200, 2000, 20000}) {
    while (values.size() < static_cast<std::size_t>(n)) values.push_back(random.Uniform());
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const QuantileSequenceBounds bounds = QuantileConfidenceSequence(sorted, 0.95, 0.05);
    ASSERT_TRUE(bounds.lower && bounds.upper) << n;
    EXPECT_LE(*bounds.lower, 0.95);
    EXPECT_GE(*bounds.upper, 0.95);
    const double width = *bounds.upper - *bounds.lower;
    EXPECT_LT(width, previous_width);
    previous_width = width;
    std::printf("p95 of uniform(0, 1), n = %d: [%.4f, %.4f]\n", n, *bounds.lower, *bounds.upper);
  }
}

std::vector<double> SortedDraws(Random& random, const Shape& shape, std::size_t n, double scale) {
  std::vector<double> out(n);
  for (double& x : out) x = scale * shape.draw(random);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RateConfidenceSequence, CoversTheRateAtEveryLookAndNarrows) {
  // 4 failures of 200 (2 %): the sequence holds 2 %, and is wider than a fixed-sample
  // interval (Clopper-Pearson's 95 % [0.55, 5.04] %), the price of every look.
  const RateSequenceBounds bounds = RateConfidenceSequence(4, 200, 0.05);
  EXPECT_LT(bounds.lower, 0.0055);
  EXPECT_GT(bounds.upper, 0.0504);
  EXPECT_LT(bounds.upper, 0.15);
  EXPECT_DOUBLE_EQ(RateConfidenceSequence(0, 0, 0.05).lower, 0);
  EXPECT_DOUBLE_EQ(RateConfidenceSequence(0, 0, 0.05).upper, 1);
  // 200 streams at a true rate of 1 %, looked at every 500 events up to 5,000: the ends
  // ever miss 1 % in at most alpha of them.
  Random random(91);
  int missed = 0;
  constexpr int kStreams = 200;
  for (int s = 0; s < kStreams; ++s) {
    double hits = 0;
    for (int n = 1; n <= 5000; ++n) {
      hits += random.Uniform() < 0.01;
      if (n % 500 != 0) continue;
      const RateSequenceBounds at = RateConfidenceSequence(hits, n, 0.05);
      if (at.lower > 0.01 || at.upper < 0.01) {
        ++missed;
        break;
      }
    }
  }
  std::printf("rate 1 %%: %d of %d streams' sequences ever missed over 10 looks\n", missed,
              kStreams);
  EXPECT_LE(missed, 0.05 * kStreams + 3 * std::sqrt(kStreams * 0.05));
  const RateSequenceBounds wide = RateConfidenceSequence(10, 1000, 0.05);
  const RateSequenceBounds narrow = RateConfidenceSequence(100, 10000, 0.05);
  EXPECT_LT(narrow.upper - narrow.lower, wide.upper - wide.lower);
}

// Two releases with the same distribution, looked at as they grow (20 looks, 100 to 2,000
// events a side): the test of "the candidate's p95 is at most 10 % over" rarely refutes; a
// 1.5x slower candidate refutes it; "the candidate is at least 25 % over" is refuted for
// most equal releases (a watch that can pass early).
TEST(QuantileRatioLogE, EqualReleasesRarelyRefuteAndASlowerOneIsFound) {
  constexpr double kAlpha = 0.05;
  const Shape shape = Shapes()[0];
  Random random(41);
  constexpr int kStreams = 300, kLooks = 20, kStep = 100;
  std::vector<ExceedanceCurve> over, under;  // by look: the curves of its sample size
  for (int look = 1; look <= kLooks; ++look) {
    over.emplace_back(static_cast<std::size_t>(look * kStep), 0.05);
    under.emplace_back(static_cast<std::size_t>(look * kStep), 0.95);
  }
  int false_regressions = 0, found = 0, cleared = 0;
  double found_at = 0;
  for (int s = 0; s < kStreams; ++s) {
    std::vector<double> base, same, slower;
    bool regression = false, clear = false;
    int slow_found = 0;
    for (int look = 1; look <= kLooks; ++look) {
      const auto n = static_cast<std::size_t>(look * kStep);
      while (base.size() < n) {
        base.push_back(shape.draw(random));
        same.push_back(shape.draw(random));
        slower.push_back(1.5 * shape.draw(random));
      }
      std::vector<double> b = base, c = same, w = slower;
      std::sort(b.begin(), b.end());
      std::sort(c.begin(), c.end());
      std::sort(w.begin(), w.end());
      const ExceedanceCurve& o = over[static_cast<std::size_t>(look - 1)];
      const ExceedanceCurve& u = under[static_cast<std::size_t>(look - 1)];
      regression = regression || QuantileRatioLogE(c, b, 1.1, o, u) >= std::log(1 / kAlpha);
      if (slow_found == 0 && QuantileRatioLogE(w, b, 1.1, o, u) >= std::log(1 / kAlpha))
        slow_found = look;
      clear = clear || QuantileRatioLogE(b, c, 1 / 1.25, o, u) >= std::log(1 / kAlpha);
    }
    false_regressions += regression;
    found += slow_found > 0;
    found_at += slow_found * kStep;
    cleared += clear;
  }
  std::printf(
      "p95, equal releases: %d of %d streams refuted 'at most +10 %%'; 1.5x found in %d "
      "(after %.0f events a side on average); equal cleared of +25 %% in %d\n",
      false_regressions, kStreams, found, found > 0 ? found_at / found : 0.0, cleared);
  EXPECT_LE(false_regressions, kAlpha * kStreams + 3 * std::sqrt(kStreams * kAlpha));
  EXPECT_GE(found, kStreams * 95 / 100);
  EXPECT_GE(cleared, kStreams / 2);
}

TEST(QuantileRatioLogE, IsTheLeastOverEveryValue) {
  // A naive oracle: the least over a fine grid of x of the two parts, from their counts.
  Random random(51);
  const Shape shape = Shapes()[1];
  const std::vector<double> a = SortedDraws(random, shape, 300, 1.3);
  const std::vector<double> b = SortedDraws(random, shape, 200, 1.0);
  double naive = std::numeric_limits<double>::infinity();
  for (double x = 0; x < 3000; x += 0.25) {
    const double over =
        static_cast<double>(std::count_if(a.begin(), a.end(), [&](double v) { return v > x; }));
    const double under = static_cast<double>(
        std::count_if(b.begin(), b.end(), [&](double v) { return v < x / 1.1; }));
    naive = std::min(naive, ExceedanceLogE(over, 300, 0.05) + ExceedanceLogE(under, 200, 0.95));
  }
  // The steps include every value, so the exact least is at most the grid's.
  const double exact = QuantileRatioLogE(a, b, 0.95, 1.1);
  EXPECT_LE(exact, naive + 1e-12);
  EXPECT_GT(exact, naive - 0.5);
}

TEST(RateRatioLogE, EqualRatesRarelyRefuteADoubledOneIsFound) {
  constexpr double kAlpha = 0.05;
  Random random(61);
  int false_alarms = 0, found = 0;
  constexpr int kStreams = 60;
  for (int s = 0; s < kStreams; ++s) {
    double base = 0, same = 0, doubled = 0;
    bool alarm = false, hit = false;
    for (int n = 1; n <= 5000; ++n) {
      base += random.Uniform() < 0.01;
      same += random.Uniform() < 0.01;
      doubled += random.Uniform() < 0.02;
      if (n % 500 != 0) continue;
      const double trials = n;
      alarm = alarm || RateRatioLogE(same, trials, base, trials, 1.2, 0) >= std::log(1 / kAlpha);
      hit = hit || RateRatioLogE(doubled, trials, base, trials, 1.2, 0) >= std::log(1 / kAlpha);
    }
    false_alarms += alarm;
    found += hit;
  }
  std::printf(
      "error rates 1 %%: %d of %d equal streams refuted 'at most +20 %%'; 2 %% found in "
      "%d\n",
      false_alarms, kStreams, found);
  EXPECT_LE(false_alarms, kAlpha * kStreams + 3 * std::sqrt(kStreams * kAlpha));
  // The price of splitting the evidence between two one-sample tests (and of looking at
  // any time): 50 against 100 errors is a clear doubling to a fixed-sample test.
  EXPECT_GE(found, kStreams * 35 / 100);
  // An absolute tolerance: 1 % against 1 % plus half a point refutes nothing here.
  EXPECT_LT(RateRatioLogE(40, 4000, 40, 4000, 1, 0.005), 0);
}

// A breach that begins mid-stream: 12 hourly windows within the limit (1 % of events over
// a p99 limit... here 3 % against a 5 % limit), then 10 % over it. The change mixture
// proves it within a few windows; the same windows pooled from the start take longer.
TEST(ChangeMixtureLogE, FindsAChangeTheWholeStreamDilutes) {
  constexpr double kThreshold = 7.6;  // log(2000): a family of 100 rules at alpha 0.05
  Random random(71);
  double windows_mixture = 0, windows_pooled = 0;
  constexpr int kStreams = 200;
  int quiet_alarms = 0;
  for (int s = 0; s < kStreams; ++s) {
    std::vector<CountWindow> windows;
    int mixture_at = 0, pooled_at = 0;
    for (int hour = 1; hour <= 36 && (mixture_at == 0 || pooled_at == 0); ++hour) {
      const double rate = hour <= 12 ? 0.03 : 0.10;
      CountWindow window;
      for (int i = 0; i < 300; ++i) window.hits += random.Uniform() < rate;
      window.trials = 300;
      windows.push_back(window);
      const double mixture = ChangeMixtureLogE(windows, 1, 0.05);
      if (hour <= 12 && mixture >= kThreshold) ++quiet_alarms;
      if (mixture_at == 0 && mixture >= kThreshold) mixture_at = hour;
      double hits = 0, trials = 0;
      for (const CountWindow& w : windows) hits += w.hits, trials += w.trials;
      if (pooled_at == 0 && ExceedanceLogE(hits, trials, 0.05) >= kThreshold) pooled_at = hour;
    }
    windows_mixture += mixture_at - 12;
    windows_pooled += pooled_at - 12;
  }
  std::printf("change at hour 12: proven after %.2f windows (change mixture), %.2f (pooled)\n",
              windows_mixture / kStreams, windows_pooled / kStreams);
  EXPECT_EQ(quiet_alarms, 0);
  EXPECT_LE(windows_mixture / kStreams, 3.5);
  EXPECT_LT(windows_mixture, windows_pooled);
}

// Under a null that changes (each window's rate anywhere at or under q0), the mixture
// crosses 1 / alpha in at most alpha of the streams over 50 windows.
TEST(ChangeMixtureLogE, AChangingNullRarelyCrosses) {
  constexpr double kAlpha = 0.05;
  Random random(81);
  int crossed = 0;
  constexpr int kStreams = 400;
  for (int s = 0; s < kStreams; ++s) {
    std::vector<CountWindow> windows;
    for (int w = 0; w < 50; ++w) {
      const double rate = 0.05 * (w % 3 == 0 ? 1.0 : random.Uniform());
      CountWindow window;
      window.trials = 20 + static_cast<double>(w % 7) * 10;
      for (int i = 0; i < static_cast<int>(window.trials); ++i)
        window.hits += random.Uniform() < rate;
      windows.push_back(window);
      if (ChangeMixtureLogE(windows, 1, 0.05) >= std::log(1 / kAlpha)) {
        ++crossed;
        break;
      }
    }
  }
  std::printf("changing null: %d of %d streams crossed over 50 windows\n", crossed, kStreams);
  EXPECT_LE(crossed, kAlpha * kStreams + 3 * std::sqrt(kStreams * kAlpha));
}

}  // namespace
}  // namespace perfgate::stats

// What Sentry's performance views judge besides percentiles, defined as Sentry defines them,
// with intervals: Apdex, user misery, throughput (events per minute) and the Web Vitals
// performance score. Pure: spans in, numbers out.
#ifndef PERFGATE_STATS_SIGNALS_H_
#define PERFGATE_STATS_SIGNALS_H_

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "stats/interval.h"

namespace perfgate::stats {

// Apdex with threshold T: satisfied at most T, tolerating over T up to 4T, frustrated over
// 4T (failed events are judged on their duration, as Sentry does); (S + Tol / 2) / N.
struct ApdexCounts {
  std::size_t satisfied = 0;
  std::size_t tolerating = 0;
  std::size_t total = 0;
  double Value() const;
};
ApdexCounts CountApdex(std::span<const double> durations_ms, double threshold_ms);
// Each event's Apdex points: 1 satisfied, 0.5 tolerating, 0 frustrated (their mean is Apdex).
double ApdexPoints(double duration_ms, double threshold_ms);

// An interval for the mean of `n` values in [0, 1] whose mean is `mean`: Clopper-Pearson
// with n * mean successes (Beta quantiles take a fractional count). Exact for a proportion,
// and conservative for any other [0, 1] variable (none varies more than a proportion of the
// same mean). Never a single point: all satisfied still leaves room below 1.
Interval BoundedMeanInterval(double mean, std::size_t n, double confidence);

// User misery (Sentry's user_misery(T)): (miserable users + 5.8875) / (unique users +
// 5.8875 + 111.8625), a user miserable when any of their events took over 4T. The prior
// Beta(5.8875, 111.8625) is Sentry's; the value is that posterior's mean.
inline constexpr double kMiseryAlpha = 5.8875;
inline constexpr double kMiseryBeta = 111.8625;
struct MiseryCounts {
  std::size_t miserable_users = 0;
  std::size_t users = 0;
  double Value() const;
};
// `users[i]` is event i's user (any number that tells users apart), NaN for none: events
// without a user do not count.
MiseryCounts CountMisery(std::span<const double> durations_ms, std::span<const double> users,
                         double threshold_ms);
// The equal-tailed interval of the posterior Beta(alpha + M, beta + U - M) whose mean the
// misery is.
Interval MiseryInterval(const MiseryCounts& counts, double confidence);

// Events per minute: `count` events over `minutes`, with Garwood's exact Poisson interval
// on the count (at least the nominal coverage).
Interval PoissonRateInterval(std::size_t count, double minutes, double confidence);
// Candidate against baseline rate: given both counts, the candidate's share of them is
// binomial with p = its share of the time when the rates are equal. The one-sided p-value
// of "no decrease" (P[X <= candidate count]) and the Clopper-Pearson interval of the share,
// turned into the interval of rate ratio - 1.
double RateDecreasePValue(std::size_t baseline_count, double baseline_minutes,
                          std::size_t candidate_count, double candidate_minutes);
Interval RateChangeInterval(std::size_t baseline_count, double baseline_minutes,
                            std::size_t candidate_count, double candidate_minutes,
                            double confidence);

// Sentry's performance score: each Web Vital scored on a log-normal curve through its p10
// ("good", scored 0.9) and p50 (scored 0.5) control points, 0.5 (1 - erf((ln v - ln p50) /
// (sqrt(2) sigma))) with sigma = |ln p10 - ln p50| / (sqrt(2) 0.9061938), then weighted
// over the vitals the page load has (weights renormalised).
struct VitalCurve {
  std::string_view measurement;  // "measurements.lcp"
  double p10 = 0;
  double p50 = 0;
  double weight = 0;
};
inline constexpr std::array<VitalCurve, 5> kVitalCurves = {{
    {"measurements.lcp", 1200, 2400, 0.30},
    {"measurements.fcp", 900, 1600, 0.15},
    {"measurements.inp", 200, 500, 0.30},
    {"measurements.cls", 0.1, 0.25, 0.15},
    {"measurements.ttfb", 200, 400, 0.10},
}};
double VitalScore(double value, const VitalCurve& curve);
// One page load's score from its vitals in kVitalCurves' order (NaN where it has none);
// NaN when it has none of them.
double PerformanceScore(const std::array<double, kVitalCurves.size()>& vitals);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_SIGNALS_H_

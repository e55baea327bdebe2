// The bootstrap's distributions in closed form, for tests whose p-values have no floor.
//
// A Monte Carlo bootstrap p-value cannot go below about 1/B (B resamples), so after a
// correction over hundreds of tests no change, however large, is significant. The laws here
// are the ones QuantileReplicates() and MeanReplicates() draw from, computed instead of
// sampled: a quantile's exactly (the joint law of two neighbouring order statistics of a
// resample), the mean's by its exact bootstrap variance and the normal approximation.
#ifndef PERFGATE_STATS_BOOTSTRAP_LAW_H_
#define PERFGATE_STATS_BOOTSTRAP_LAW_H_

#include <span>
#include <vector>

#include "stats/interval.h"
#include "stats/quantile.h"

namespace perfgate::stats {

// One value of a discrete distribution and its probability.
struct Atom {
  double value = 0;
  double probability = 0;
};

// The law of the bootstrap replicate of the q-quantile of `sorted` under `method`: the
// distribution of QuantileOfSorted(resample) over all n^n resamples, as atoms in ascending
// order of value (equal values merged). The k-th smallest of a resample is x_(ceil(n U))
// with U the k-th of n uniforms; for an interpolated quantile the (k+1)-th as well, through
// P(U_(k) <= s, U_(k+1) > t) = C(n, k) s^k (1 - t)^(n - k) for s <= t. Each end leaves out
// at most `kLawTail` of probability. O(sqrt(n) log n) bins for a quantile away from the ends.
// REQUIRES: `sorted` ascending and non-empty, 0 <= q <= 1.
std::vector<Atom> QuantileBootstrapLaw(std::span<const double> sorted, double q,
                                       QuantileMethod method);

// The probability left out at each end of a law: p-values below it are reported as 0.
inline constexpr double kLawTail = 1e-17;

// The p-quantile of a law: its least value v with P(X <= v) >= p.
double LawQuantile(std::span<const Atom> law, double p);
// The percentile interval of a law: its (1 - c)/2 and (1 + c)/2 quantiles, exactly what a
// Monte Carlo percentile interval estimates.
Interval LawInterval(std::span<const Atom> law, double confidence);
// The BCa interval of a law (see BcaInterval), with the share below the estimate exact.
Interval LawBcaInterval(std::span<const Atom> law, double estimate, double acceleration,
                        double confidence);
// The percentile interval of the change between independent X (candidate) and Y
// (baseline): of X / Y - 1 when `relative` (+inf where Y is 0 and X is not), else of X - Y.
// Values are durations: not negative. REQUIRES: both laws non-empty, ascending.
Interval ChangeInterval(std::span<const Atom> x, std::span<const Atom> y, bool relative,
                        double confidence);

// P(X <= Y) and P(X >= Y) for independent X and Y (ties count in both).
struct Ordering {
  double at_or_below = 0;
  double at_or_above = 0;
};
// REQUIRES: both laws in ascending order of value.
Ordering CompareLaws(std::span<const Atom> x, std::span<const Atom> y);

// The one-sided bootstrap p-value of "X is no larger than Y", P(X <= Y) for X the
// candidate's replicate and Y the baseline's: the share of resamples that show no
// increase, as a Monte Carlo test counts it, without its 1/B resolution.
double IncreasePValue(const Ordering& ordering);

// The mean and variance of a law, of its values or (`log_scale`) of their logarithms; the
// log moments are NaN when a value with positive probability is not positive.
struct Moments {
  double mean = 0;
  double variance = 0;
};
Moments MomentsOf(std::span<const Atom> law, bool log_scale);

// The exact variance of the bootstrap replicate of the mean: the plug-in variance
// (n denominator) over n. REQUIRES: non-empty.
double MeanBootstrapVariance(std::span<const double> values);

// One-sided p-value of "x is no larger than y" for two means of x_n and y_n values, given
// their bootstrap variances (MeanBootstrapVariance): Welch's t test, t = (x - y) / sqrt(sx^2
// / x_n + sy^2 / y_n) with the unbiased variances, on Welch-Satterthwaite's degrees of
// freedom (the normal tail when a side has one value). With no (or an infinite) spread, or
// an infinite x or y: 0 when x > y, else 1.
double WelchIncreasePValue(double x, double x_variance, std::size_t x_n, double y,
                           double y_variance, std::size_t y_n);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_BOOTSTRAP_LAW_H_

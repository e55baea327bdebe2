#include "stats/binomial.h"

#include <math.h>  // lgamma_r

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace perfgate::stats {
namespace {

Interval Wilson(double x, double n, double confidence) {
  const double z = boost::math::quantile(boost::math::normal(), (1 + confidence) / 2);
  const double p = x / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  // Exact at the ends: x = 0 gives 0, x = n gives 1 (rounding could leave 1e-17).
  return {x == 0 ? 0 : std::max(0.0, center - half), x == n ? 1 : std::min(1.0, center + half)};
}

// log of the hypergeometric probability of `a` failures among the baseline's `rows`
// events, with `failures` failures in all of `total` events.
double LogHypergeometric(double a, double rows, double failures, double total) {
  return LogChoose(failures, a) + LogChoose(total - failures, rows - a) - LogChoose(total, rows);
}

// lgamma without the global sign it leaves behind (same function, same bits).
double LogGamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

}  // namespace

double LogChoose(double n, double k) {
  return LogGamma(n + 1) - LogGamma(k + 1) - LogGamma(n - k + 1);
}

Interval BinomialInterval(std::uint64_t failures, std::uint64_t trials, double confidence,
                          BinomialMethod method) {
  const auto x = static_cast<double>(failures);
  const auto n = static_cast<double>(trials);
  const double alpha = 1 - confidence;
  switch (method) {
    case BinomialMethod::kWilson:
      return Wilson(x, n, confidence);
    case BinomialMethod::kJeffreys: {
      // Brown, Cai & DasGupta (2001): the equal-tailed Jeffreys interval, with the lower end
      // 0 at x = 0 and the upper end 1 at x = n.
      boost::math::beta_distribution<> posterior(x + 0.5, n - x + 0.5);
      return {failures == 0 ? 0 : boost::math::quantile(posterior, alpha / 2),
              failures == trials
                  ? 1
                  : boost::math::quantile(boost::math::complement(posterior, alpha / 2))};
    }
    case BinomialMethod::kClopperPearson: {
      using boost::math::binomial_distribution;
      return {binomial_distribution<>::find_lower_bound_on_p(
                  n, x, alpha / 2, binomial_distribution<>::clopper_pearson_exact_interval),
              binomial_distribution<>::find_upper_bound_on_p(
                  n, x, alpha / 2, binomial_distribution<>::clopper_pearson_exact_interval)};
    }
  }
  return {0, 1};
}

Interval NewcombeDifference(std::uint64_t baseline_failures, std::uint64_t baseline_trials,
                            std::uint64_t candidate_failures, std::uint64_t candidate_trials,
                            double confidence) {
  const auto x1 = static_cast<double>(baseline_failures), n1 = static_cast<double>(baseline_trials);
  const auto x2 = static_cast<double>(candidate_failures),
             n2 = static_cast<double>(candidate_trials);
  const double p1 = x1 / n1, p2 = x2 / n2;
  const Interval w1 = Wilson(x1, n1, confidence);
  const Interval w2 = Wilson(x2, n2, confidence);
  const double d = p2 - p1;
  return {d - std::sqrt((p2 - w2.lower) * (p2 - w2.lower) + (w1.upper - p1) * (w1.upper - p1)),
          d + std::sqrt((w2.upper - p2) * (w2.upper - p2) + (p1 - w1.lower) * (p1 - w1.lower))};
}

namespace {

// The range of the baseline's failures over the tables with the observed margins.
struct TableRange {
  std::uint64_t lowest = 0;
  std::uint64_t highest = 0;
};
TableRange BaselineFailureRange(std::uint64_t baseline_failures, std::uint64_t baseline_trials,
                                std::uint64_t candidate_failures, std::uint64_t candidate_trials) {
  const std::uint64_t failures = baseline_failures + candidate_failures;
  return {failures > candidate_trials ? failures - candidate_trials : 0,
          std::min(failures, baseline_trials)};
}

}  // namespace

double FisherExactIncreasePValue(std::uint64_t baseline_failures, std::uint64_t baseline_trials,
                                 std::uint64_t candidate_failures, std::uint64_t candidate_trials) {
  const auto rows = static_cast<double>(baseline_trials);
  const auto total = static_cast<double>(baseline_trials + candidate_trials);
  const auto failures = static_cast<double>(baseline_failures + candidate_failures);
  const TableRange range = BaselineFailureRange(baseline_failures, baseline_trials,
                                                candidate_failures, candidate_trials);
  // The candidate has at least its failures when the baseline has at most its own.
  double p = 0;
  for (std::uint64_t a = range.lowest; a <= baseline_failures; ++a)
    p += std::exp(LogHypergeometric(static_cast<double>(a), rows, failures, total));
  return std::min(1.0, p);
}

}  // namespace perfgate::stats

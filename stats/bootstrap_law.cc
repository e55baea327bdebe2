#include "stats/bootstrap_law.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include <boost/math/distributions/beta.hpp>

#include "stats/interval.h"

namespace perfgate::stats {
namespace {

// The 1-based bin a = ceil(n u) of u in [0, 1], clamped to 1..n.
std::size_t BinOf(double u, std::size_t n) {
  const double bin = std::ceil(static_cast<double>(n) * u);
  return static_cast<std::size_t>(std::clamp(bin, 1.0, static_cast<double>(n)));
}

// Sorts atoms by value and merges equal values.
std::vector<Atom> Merged(std::vector<Atom> atoms) {
  std::sort(atoms.begin(), atoms.end(),
            [](const Atom& a, const Atom& b) { return a.value < b.value; });
  std::vector<Atom> merged;
  merged.reserve(atoms.size());
  for (const Atom& atom : atoms) {
    if (atom.probability <= 0) continue;
    if (!merged.empty() && merged.back().value == atom.value) {
      merged.back().probability += atom.probability;
    } else {
      merged.push_back(atom);
    }
  }
  return merged;
}

// log((s / n)^m - ((s - 1) / n)^m) for s >= 1: the difference of two powers, computed as
// (s / n)^m (1 - (1 - 1/s)^m) so that neither underflows first.
double LogPowerStep(double s, double n, double m) {
  return m * std::log(s / n) + std::log(-std::expm1(m * std::log1p(-1 / s)));
}

}  // namespace

std::vector<Atom> QuantileBootstrapLaw(std::span<const double> sorted, double q,
                                       QuantileMethod method) {
  assert(!sorted.empty());
  const std::size_t n = sorted.size();
  const QuantilePosition at = PositionOf(n, q, method);
  const double nn = static_cast<double>(n);
  const double k = static_cast<double>(at.lower) + 1;  // 1-based order statistic
  // U_(k) ~ Beta(k, n - k + 1); its bins a = ceil(n U) hold the resample's k-th smallest.
  const boost::math::beta_distribution<double> order(k, nn - k + 1);
  const std::size_t first = BinOf(boost::math::quantile(order, kLawTail), n);
  const std::size_t last =
      BinOf(boost::math::quantile(boost::math::complement(order, kLawTail)), n);
  const double mean = k / (nn + 1);
  // P(A = a), from the lower or the upper tail, whichever keeps the digits.
  auto mass = [&](std::size_t a) {
    const double lo = static_cast<double>(a - 1) / nn, hi = static_cast<double>(a) / nn;
    if (hi <= mean) return boost::math::cdf(order, hi) - boost::math::cdf(order, lo);
    return boost::math::cdf(boost::math::complement(order, lo)) -
           boost::math::cdf(boost::math::complement(order, hi));
  };

  std::vector<Atom> atoms;
  const bool interpolated = at.upper != at.lower && at.weight != 0;
  if (!interpolated) {
    for (std::size_t a = first; a <= last; ++a) atoms.push_back({sorted[a - 1], mass(a)});
    return Merged(std::move(atoms));
  }
  // The pair (A, B) of the k-th and (k+1)-th: for b > a,
  // P(A = a, B = b) = C(n, k) [(a/n)^k - ((a-1)/n)^k] [((n-b+1)/n)^(n-k) - ((n-b)/n)^(n-k)],
  // and P(A = a, B = a) is what P(A = a) leaves, C(n, k) [...]_a ((n-a)/n)^(n-k) being the rest.
  const double above = nn - k;  // >= 1: an interpolated quantile has a (k+1)-th
  const double log_choose = std::lgamma(nn + 1) - std::lgamma(k + 1) - std::lgamma(above + 1);
  std::vector<double> log_upper_step;  // indexed b - first, filled as far as needed
  auto upper_step = [&](std::size_t b) {
    while (log_upper_step.size() <= b - first) {
      const double bin = static_cast<double>(first + log_upper_step.size());
      log_upper_step.push_back(LogPowerStep(nn - bin + 1, nn, above));
    }
    return log_upper_step[b - first];
  };
  for (std::size_t a = first; a <= last; ++a) {
    const double total = mass(a);
    if (!(total > 0)) continue;
    const double log_lower = log_choose + LogPowerStep(static_cast<double>(a), nn, k);
    const double moves_on =
        std::exp(log_lower + above * std::log((nn - static_cast<double>(a)) / nn));
    atoms.push_back({sorted[a - 1], std::max(0.0, total - moves_on)});
    for (std::size_t b = a + 1; b <= n; ++b) {
      const double p = std::exp(log_lower + upper_step(b));
      atoms.push_back({QuantileLerp(sorted[a - 1], sorted[b - 1], at.weight), p});
      if (p < kLawTail * total) break;  // the terms only shrink from here
    }
  }
  return Merged(std::move(atoms));
}

Ordering CompareLaws(std::span<const Atom> x, std::span<const Atom> y) {
  // at_least[j] = P(Y >= y_j), summed from the top so small tails keep their digits;
  // at_most[j] = P(Y <= y_j), from the bottom.
  std::vector<double> at_least(y.size() + 1, 0.0), at_most(y.size(), 0.0);
  for (std::size_t j = y.size(); j-- > 0;) at_least[j] = at_least[j + 1] + y[j].probability;
  double running = 0;
  for (std::size_t j = 0; j < y.size(); ++j) at_most[j] = running += y[j].probability;
  Ordering ordering;
  std::size_t ge = 0;  // first j with y_j >= x_i
  std::size_t le = 0;  // first j with y_j > x_i
  for (const Atom& atom : x) {
    while (ge < y.size() && y[ge].value < atom.value) ++ge;
    while (le < y.size() && y[le].value <= atom.value) ++le;
    ordering.at_or_below += atom.probability * at_least[ge];
    if (le > 0) ordering.at_or_above += atom.probability * at_most[le - 1];
  }
  return ordering;
}

double TwoSidedPValue(const Ordering& ordering) {
  return std::min(1.0, 2 * std::min(ordering.at_or_below, ordering.at_or_above));
}

Moments MomentsOf(std::span<const Atom> law, bool log_scale) {
  double total = 0, sum = 0;
  auto value = [log_scale](const Atom& atom) {
    if (!log_scale) return atom.value;
    return atom.value > 0 ? std::log(atom.value) : std::numeric_limits<double>::quiet_NaN();
  };
  for (const Atom& atom : law) {
    total += atom.probability;
    sum += atom.probability * value(atom);
  }
  Moments moments;
  moments.mean = sum / total;
  double squares = 0;
  for (const Atom& atom : law) {
    const double deviation = value(atom) - moments.mean;
    squares += atom.probability * deviation * deviation;
  }
  moments.variance = squares / total;
  return moments;
}

double MeanBootstrapVariance(std::span<const double> values) {
  assert(!values.empty());
  const double n = static_cast<double>(values.size());
  const double deviation = StandardDeviation(values);  // n - 1 denominator, scaled
  return deviation * deviation * (n - 1) / n / n;
}

double NormalPValue(double x, double x_variance, double y, double y_variance) {
  if (x == y) return 1;
  if (!std::isfinite(x) || !std::isfinite(y)) return 0;  // an infinite change is certain
  const double spread = std::sqrt(x_variance + y_variance);
  if (spread == 0) return 0;
  return std::erfc(std::fabs(x - y) / spread / std::sqrt(2.0));
}

}  // namespace perfgate::stats

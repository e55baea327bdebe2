#include "stats/bootstrap_law.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <unordered_map>

#include <boost/math/distributions/students_t.hpp>

#include "stats/binomial.h"
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

// P(Bin(n, p) >= k) and P(Bin(n, p) < k), the one nearer 0 summed term by term from k
// (where the terms are largest on that side) outwards until they stop mattering, the other
// as its complement: absolute error about 1e-16 and no special functions. 1 <= k <= n.
struct BinomialTails {
  double at_least = 0;
  double below = 0;
};
BinomialTails Binomial(double n, double k, double p, double log_choose_k) {
  if (p <= 0) return {0, 1};
  if (p >= 1) return {1, 0};
  const double odds = p / (1 - p);
  // The k-th term, then neighbours by the ratio of consecutive terms.
  double term = std::exp(log_choose_k + k * std::log(p) + (n - k) * std::log1p(-p));
  double sum = 0;
  const auto whole_n = static_cast<std::int64_t>(n);
  const auto whole_k = static_cast<std::int64_t>(k);
  if (p * (n + 1) <= k) {  // the mode is below k: sum upwards from k
    for (std::int64_t i = whole_k; i <= whole_n && term > 0; ++i) {
      const auto j = static_cast<double>(i);
      sum += term;
      if (term < 1e-17 * sum) break;
      term *= (n - j) / (j + 1) * odds;
    }
    return {sum, 1 - sum};
  }
  for (std::int64_t i = whole_k - 1; i >= 0; --i) {  // at or above: sum downwards from k - 1
    const auto j = static_cast<double>(i);
    term *= j + 1 > n ? 0 : (j + 1) / (n - j) / odds;
    if (!(term > 0)) break;
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return {1 - sum, sum};
}

}  // namespace

std::vector<Atom> QuantileBootstrapLaw(std::span<const double> sorted, double q,
                                       QuantileMethod method) {
  assert(!sorted.empty());
  const std::size_t n = sorted.size();
  const QuantilePosition at = PositionOf(n, q, method);
  const double nn = static_cast<double>(n);
  const double k = static_cast<double>(at.lower) + 1;  // 1-based order statistic
  const double above = nn - k;
  const double log_choose = LogChoose(nn, k);
  // A = ceil(n U_(k)) is the bin of the resample's k-th smallest, and
  // P(A <= a) = P(U_(k) <= a/n) = P(Bin(n, a/n) >= k). Its masses are unimodal in a, so the
  // bins that matter are found by walking out from the mode.
  // At bin boundaries a/n, computed once each and only near the mode: O(window), not O(n).
  std::unordered_map<std::size_t, BinomialTails> cdf;
  auto boundary = [&](std::size_t a) -> const BinomialTails& {
    auto [at_a, fresh] = cdf.try_emplace(a);
    if (fresh) at_a->second = Binomial(nn, k, static_cast<double>(a) / nn, log_choose);
    return at_a->second;
  };
  auto mass = [&](std::size_t a) {  // P(A = a), from the side that keeps the digits
    const BinomialTails &lo = boundary(a - 1), &hi = boundary(a);
    return hi.at_least < 0.5 ? hi.at_least - lo.at_least : lo.below - hi.below;
  };
  const std::size_t mode = BinOf(k / (nn + 1), n);
  std::size_t first = mode, last = mode;
  constexpr double kNegligible = kLawTail * 1e-3;
  while (first > 1 && mass(first - 1) > kNegligible) --first;
  while (last < n && mass(last + 1) > kNegligible) ++last;

  std::vector<Atom> atoms;
  const bool interpolated = at.upper != at.lower && at.weight != 0;
  if (!interpolated) {
    for (std::size_t a = first; a <= last; ++a) atoms.push_back({sorted[a - 1], mass(a)});
    return Merged(std::move(atoms));
  }
  // The pair (A, B) of the k-th and (k+1)-th: for b > a,
  // P(A = a, B = b) = C(n, k) [(a/n)^k - ((a-1)/n)^k] [((n-b+1)/n)^(n-k) - ((n-b)/n)^(n-k)],
  // and P(A = a, B = a) is what P(A = a) leaves, C(n, k) [...]_a ((n-a)/n)^(n-k) being the rest.
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
      // The terms only shrink from here (by about e each step); what is left moves a
      // relative 1e-8 of the bin's mass by less than a step of values: no floor.
      if (p < 1e-8 * total) break;
    }
  }
  return Merged(std::move(atoms));
}

double LawQuantile(std::span<const Atom> law, double p) {
  assert(!law.empty());
  double total = 0;
  for (const Atom& atom : law) total += atom.probability;
  double running = 0;
  for (const Atom& atom : law) {
    running += atom.probability;
    if (running >= p * total) return atom.value;
  }
  return law.back().value;
}

Interval LawInterval(std::span<const Atom> law, double confidence) {
  const double tail = (1 - confidence) / 2;
  return {LawQuantile(law, tail), LawQuantile(law, 1 - tail)};
}

Interval LawBcaInterval(std::span<const Atom> law, double estimate, double acceleration,
                        double confidence) {
  double below = 0, total = 0;
  for (const Atom& atom : law) {
    total += atom.probability;
    if (atom.value < estimate) below += atom.probability;
    if (atom.value == estimate) below += atom.probability / 2;
  }
  const std::optional<Interval> levels =
      BcaLevels(below / total, estimate, acceleration, confidence);
  if (!levels) return LawInterval(law, confidence);
  return {LawQuantile(law, levels->lower), LawQuantile(law, levels->upper)};
}

namespace {

// A law without its negligible atoms, for quantiles at ordinary levels: what it drops
// (at most 1e-12 per atom, and atoms number O(sqrt(n) log n)) moves no level that an
// interval uses by more than about 1e-7. The first and last atoms stay.
std::vector<Atom> Coarse(std::span<const Atom> law) {
  std::vector<Atom> kept;
  for (std::size_t i = 0; i < law.size(); ++i) {
    if (law[i].probability >= 1e-12 || i == 0 || i + 1 == law.size()) kept.push_back(law[i]);
  }
  return kept;
}

}  // namespace

Interval ChangeInterval(std::span<const Atom> full_x, std::span<const Atom> full_y, bool relative,
                        double confidence) {
  assert(!full_x.empty() && !full_y.empty());
  const std::vector<Atom> x = Coarse(full_x), y = Coarse(full_y);
  // G(t) = P(change <= t) = sum_j P(Y = y_j) P(X <= h(t, y_j)), h = (1 + t) y or y + t,
  // increasing in y_j, so one pass over both laws.
  std::vector<double> at_most(x.size());
  double running = 0;
  for (std::size_t i = 0; i < x.size(); ++i) at_most[i] = running += x[i].probability;
  auto cdf = [&](double t) {
    double sum = 0;
    std::size_t i = 0;  // first x_i > h
    for (const Atom& atom : y) {
      if (relative && atom.value == 0) {
        // From 0, no change to 0 and an infinite one to anything more (RelativeChange).
        if (t >= 0 && x.front().value <= 0) sum += atom.probability * at_most[0];
        continue;
      }
      const double h = relative ? (1 + t) * atom.value : atom.value + t;
      while (i < x.size() && x[i].value <= h) ++i;
      if (i > 0) sum += atom.probability * at_most[i - 1];
    }
    return sum;
  };
  double low = relative ? -1 : x.front().value - y.back().value;
  double high = x.back().value - y.front().value;
  if (relative) {
    double smallest = std::numeric_limits<double>::infinity();
    for (const Atom& atom : y) {
      if (atom.value > 0) smallest = std::min(smallest, atom.value);
    }
    high = std::max(0.0, x.back().value / smallest - 1);  // 0: no change from 0 to 0
  }
  // The least t with G(t) >= level; +inf when a change from 0 to more than 0 (infinite)
  // holds more than 1 - level.
  auto quantile = [&](double level) {
    if (!std::isfinite(high) || cdf(high) < level) return std::numeric_limits<double>::infinity();
    double lo = low, hi = high;
    if (cdf(lo) >= level) return lo;
    // To 1e-9 of the change (or of 1 near 0): far finer than any report shows.
    while (hi - lo > 1e-9 * std::max(1.0, std::fabs(hi))) {
      const double mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      (cdf(mid) >= level ? hi : lo) = mid;
    }
    return hi;
  };
  const double tail = (1 - confidence) / 2;
  return {quantile(tail), quantile(1 - tail)};
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

double IncreasePValue(const Ordering& ordering) { return std::min(1.0, ordering.at_or_below); }

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

double WelchIncreasePValue(double x, double x_variance, std::size_t x_n, double y,
                           double y_variance, std::size_t y_n) {
  // The unbiased variances of the two means: s^2 / n = plug-in / n * n / (n - 1).
  auto unbiased = [](double variance, std::size_t n) {
    return n > 1 ? variance * static_cast<double>(n) / static_cast<double>(n - 1) : variance;
  };
  const double a = unbiased(x_variance, x_n), b = unbiased(y_variance, y_n);
  const double spread = std::sqrt(a + b);
  // Without a finite spread, or with an infinite end, the increase is certain or absent.
  if (!(spread > 0) || !std::isfinite(spread) || !std::isfinite(x) || !std::isfinite(y))
    return x > y ? 0 : 1;
  const double t = (x - y) / spread;
  if (x_n < 2 || y_n < 2) return std::erfc(t / std::sqrt(2.0)) / 2;  // no degrees of freedom
  // Welch-Satterthwaite; a side without spread adds no term.
  const double df = (a + b) * (a + b) /
                    (a * a / static_cast<double>(x_n - 1) + b * b / static_cast<double>(y_n - 1));
  const boost::math::students_t law(df);
  return t >= 0 ? boost::math::cdf(boost::math::complement(law, t)) : boost::math::cdf(law, -t);
}

}  // namespace perfgate::stats

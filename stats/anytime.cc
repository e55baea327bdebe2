#include "stats/anytime.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <boost/math/special_functions/beta.hpp>

namespace perfgate::stats {
namespace {

// log B(v) = sum lgamma(v_i) - lgamma(sum v_i).
template <typename Values>
double LogBeta(const Values& v) {
  double sum = 0, logs = 0;
  for (double x : v) {
    sum += x;
    logs += std::lgamma(x);
  }
  return logs - std::lgamma(sum);
}

// The continued fraction of the regularised incomplete beta I_y(a, b) (the classical one,
// Abramowitz & Stegun 26.5.8), by the modified Lentz method: I_y(a, b) = y^a (1 - y)^b /
// (a B(a, b)) / (1 + d1 / (1 + d2 / (1 + ...))). It converges fast for y < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double y, double a, double b) {
  constexpr double kTiny = 1e-300;
  const auto guard = [](double v) { return std::abs(v) < kTiny ? kTiny : v; };
  double c = 1, d = 1 / guard(1 - (a + b) * y / (a + 1));
  double fraction = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    // The even term d_2m, then the odd term d_2m+1.
    double term = m * (b - m) * y / ((a - 1 + m2) * (a + m2));
    d = 1 / guard(1 + term * d);
    c = guard(1 + term / c);
    fraction *= d * c;
    term = -(a + m) * (a + b + m) * y / ((a + m2) * (a + 1 + m2));
    d = 1 / guard(1 + term * d);
    c = guard(1 + term / c);
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1) < 1e-15) break;
  }
  return fraction;
}

// log of the upper tail of Beta(a, b) above x, 1 - I_x(a, b) = I_{1-x}(b, a). Past the
// distribution's bulk the tail underflows a double (a Beta(95, 1005) above 0.95), so there
// it is computed in logs from the continued fraction; elsewhere it is at least about 1/2 and
// Boost's ibetac is exact.
double LogUpperTail(double x, double a, double b) {
  const double y = 1 - x;
  if (y < (b + 1) / (a + b + 2)) {
    return b * std::log(y) + a * std::log(x) - std::log(b) - LogBeta(std::array<double, 2>{a, b}) +
           std::log(BetaContinuedFraction(y, b, a));
  }
  return std::log(boost::math::ibetac(a, b, x));
}

// log sum exp(terms), finite for finite terms however large; -inf for none.
double LogSumExp(std::span<const double> terms) {
  if (terms.empty()) return -std::numeric_limits<double>::infinity();
  const double largest = *std::max_element(terms.begin(), terms.end());
  double sum = 0;
  for (double term : terms) sum += std::exp(term - largest);
  return largest + std::log(sum);
}

}  // namespace

double MultinomialLogE(std::span<const double> counts, std::span<const double> theta0,
                       double concentration) {
  assert(counts.size() == theta0.size() && counts.size() >= 2);
  std::vector<double> prior(counts.size()), posterior(counts.size());
  double likelihood = 0;  // log prod theta0_i^n_i
  for (std::size_t i = 0; i < counts.size(); ++i) {
    prior[i] = concentration * theta0[i];
    posterior[i] = prior[i] + counts[i];
    if (counts[i] > 0) likelihood += counts[i] * std::log(theta0[i]);
  }
  return LogBeta(posterior) - LogBeta(prior) - likelihood;
}

double RateIncreaseLogE(double baseline_events, double candidate_events, double rho,
                        double concentration) {
  assert(rho > 0 && rho < 1);
  const double a = concentration * rho, b = concentration * (1 - rho);
  // The mixture over shares theta in [rho, 1] of theta^c (1 - theta)^b_events, against the
  // null share rho: B(a + c, b + n_b) P(theta >= rho | posterior) / (B(a, b) P(theta >=
  // rho | prior)) / (rho^c (1 - rho)^n_b).
  const double c = candidate_events, n = baseline_events;
  const double mixture = LogBeta(std::array<double, 2>{a + c, b + n}) +
                         LogUpperTail(rho, a + c, b + n) - LogBeta(std::array<double, 2>{a, b}) -
                         LogUpperTail(rho, a, b);
  const double null = (c > 0 ? c * std::log(rho) : 0) + (n > 0 ? n * std::log1p(-rho) : 0);
  return mixture - null;
}

double ExceedanceLogE(double hits, double trials, double q0, double concentration) {
  if (concentration > 0) return RateIncreaseLogE(trials - hits, hits, q0, concentration);
  constexpr std::array<double, 4> kScales = {10, 100, 1000, 10000};
  std::array<double, kScales.size()> terms{};
  for (std::size_t i = 0; i < kScales.size(); ++i)
    terms[i] = RateIncreaseLogE(trials - hits, hits, q0, kScales[i]);
  return LogSumExp(terms) - std::log(static_cast<double>(kScales.size()));
}

std::optional<std::size_t> HitsToProve(std::size_t trials, double q0, double log_threshold,
                                       double concentration) {
  const auto proves = [&](std::size_t hits) {
    return ExceedanceLogE(static_cast<double>(hits), static_cast<double>(trials), q0,
                          concentration) >= log_threshold;
  };
  if (!proves(trials)) return std::nullopt;
  std::size_t low = 0, high = trials;  // proves(high); the answer is in (low, high]
  if (proves(0)) return 0;
  while (high - low > 1) {
    const std::size_t mid = low + (high - low) / 2;
    (proves(mid) ? high : low) = mid;
  }
  return high;
}

QuantileSequenceBounds QuantileConfidenceSequence(std::span<const double> sorted, double p,
                                                  double alpha, double concentration) {
  assert(p > 0 && p < 1 && alpha > 0 && alpha < 1);
  QuantileSequenceBounds out;
  const std::size_t n = sorted.size();
  const double threshold = std::log(2 / alpha);
  // "The quantile is at most x" is refuted by k events over x, k = HitsToProve(n, 1 - p):
  // every x under the k-th largest event has k over it, so the quantile is at least that
  // event.
  if (std::optional<std::size_t> over = HitsToProve(n, 1 - p, threshold, concentration);
      over && *over > 0) {
    out.lower = sorted[n - *over];
  }
  // "The quantile is at least x" is refuted by k events under x: every x over the k-th
  // smallest event has k under it, so the quantile is at most that event.
  if (std::optional<std::size_t> under = HitsToProve(n, p, threshold, concentration);
      under && *under > 0) {
    out.upper = sorted[*under - 1];
  }
  return out;
}

ExceedanceCurve::ExceedanceCurve(std::size_t trials, double q0, double concentration)
    : trials_(trials),
      step_(trials <= kExactCounts ? 1 : (trials + kExactCounts - 1) / kExactCounts) {
  const double n = static_cast<double>(trials);
  for (std::size_t hits = 0; hits < trials; hits += step_)
    log_e_.push_back(ExceedanceLogE(static_cast<double>(hits), n, q0, concentration));
  log_e_.push_back(ExceedanceLogE(n, n, q0, concentration));
}

double ExceedanceCurve::At(std::size_t hits) const {
  assert(hits <= trials_);
  return hits == trials_ ? log_e_.back() : log_e_[hits / step_];
}

RateSequenceBounds RateConfidenceSequence(double hits, double trials, double alpha,
                                          double concentration) {
  assert(hits >= 0 && hits <= trials && alpha > 0 && alpha < 1);
  const double threshold = std::log(2 / alpha);
  // The evidence that the rate exceeds q falls as q rises, and that it is under q rises: a
  // bisection on each finds where it crosses the threshold.
  const auto crossing = [&](auto refuted, double low, double high) {
    for (int i = 0; i < 60 && high - low > 1e-7; ++i) {
      const double mid = (low + high) / 2;
      (refuted(mid) ? low : high) = mid;
    }
    return (low + high) / 2;
  };
  RateSequenceBounds out;
  const auto below = [&](double q) {  // "the rate is at most q" refuted
    return ExceedanceLogE(hits, trials, q, concentration) >= threshold;
  };
  const auto above = [&](double q) {  // "the rate is at least q" refuted
    return ExceedanceLogE(trials - hits, trials, 1 - q, concentration) >= threshold;
  };
  if (below(1e-12)) out.lower = crossing(below, 1e-12, 1 - 1e-12);
  if (above(1 - 1e-12))
    out.upper = 1 - crossing([&](double r) { return above(1 - r); }, 1e-12, 1 - 1e-12);
  return out;
}

double QuantileRatioLogE(std::span<const double> a, std::span<const double> b, double p,
                         double ratio, double concentration) {
  assert(!a.empty() && !b.empty());
  return QuantileRatioLogE(a, b, ratio, ExceedanceCurve(a.size(), 1 - p, concentration),
                           ExceedanceCurve(b.size(), p, concentration));
}

double QuantileRatioLogE(std::span<const double> a, std::span<const double> b, double ratio,
                         const ExceedanceCurve& a_over, const ExceedanceCurve& b_under) {
  assert(!a.empty() && !b.empty() && ratio > 0);
  assert(a_over.trials() == a.size() && b_under.trials() == b.size());
  // At x: the evidence that Q_a > x (a's events over x, each over with probability at most
  // 1 - p under "Q_a <= x") plus the evidence that Q_b < x / ratio (b's events under
  // x / ratio, each with probability at most p under "Q_b >= x / ratio"). Both counts are
  // step functions of x, stepping at a's events and at ratio times b's; at each step the
  // sum is at most its value just left of the step (the step lowers the first count or
  // leaves the second), so the least over all x is the least over the steps and the region
  // right of them all.
  const auto over = [&](double x) {
    return static_cast<std::size_t>(a.end() - std::upper_bound(a.begin(), a.end(), x));
  };
  double least = a_over.At(0) + b_under.At(b.size());  // right of every step
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i + 1 < a.size() && a[i + 1] == a[i]) continue;
    const auto under =
        static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), a[i] / ratio) - b.begin());
    least = std::min(least, a_over.At(a.size() - i - 1) + b_under.At(under));
  }
  // At b's steps the count under is the step's rank itself (not x / ratio, rounded).
  for (std::size_t j = 0; j < b.size(); ++j) {
    if (j > 0 && b[j] == b[j - 1]) continue;
    least = std::min(least, a_over.At(over(b[j] * ratio)) + b_under.At(j));
  }
  return least;
}

double RateRatioLogE(double a_hits, double a_trials, double b_hits, double b_trials, double ratio,
                     double offset, double concentration) {
  assert(ratio > 0);
  // Evidence that a's rate exceeds x; none (an e-value of 1) once x reaches 1.
  const auto a_over = [&](double x) {
    return x >= 1 ? 0.0 : ExceedanceLogE(a_hits, a_trials, x, concentration);
  };
  // Evidence that b's rate is under y, from its events that did not hit; none for y <= 0.
  const auto b_under = [&](double x) {
    const double y = std::min((x - offset) / ratio, 1 - 1e-12);
    return y <= 0 ? 0.0 : ExceedanceLogE(b_trials - b_hits, b_trials, 1 - y, concentration);
  };
  // Under the null, x* = ratio * r_b + offset lies in a cell [x_i, x_{i+1}] of any grid over
  // [0, 1], or at or past 1, where "r_a <= x_{i+1}" and "r_b >= (x_i - offset) / ratio" both
  // hold: their evidence summed is an e-process, and the least over the cells is at most
  // it. The grid: 0, then geometric from the offset (or 1e-6) to 1, in 48 cells, the three
  // around the coarse least cut again into 32 each (the least over a finer partition is
  // still over every cell of one partition).
  const double start = std::max(offset, 1e-6);
  const auto point = [&](double i, double cells) {
    return i >= cells ? 1.0 : start * std::pow(1 / start, i / cells);
  };
  const auto cell = [&](double low, double high) { return a_over(high) + b_under(low); };
  constexpr std::size_t kCoarse = 48, kFine = 32;
  constexpr double kCells = kCoarse;
  std::array<double, kCoarse> coarse{};
  for (std::size_t i = 0; i < kCoarse; ++i) {
    const double at = static_cast<double>(i);
    coarse[i] = cell(point(at, kCells), point(at + 1, kCells));
  }
  const auto best =
      static_cast<std::size_t>(std::min_element(coarse.begin(), coarse.end()) - coarse.begin());
  // [0, start], and x* at or past 1.
  double least = std::min(a_over(start) + b_under(0.0), b_under(1.0));
  for (std::size_t i = 0; i < kCoarse; ++i) {
    if (i + 1 < best || i > best + 1) {
      least = std::min(least, coarse[i]);
      continue;
    }
    for (std::size_t j = 0; j < kFine; ++j) {
      const double at = static_cast<double>(i) + static_cast<double>(j) / kFine;
      least = std::min(least, cell(point(at, kCells), point(at + 1.0 / kFine, kCells)));
    }
  }
  return least;
}

double ChangeMixtureLogE(std::span<const CountWindow> windows, std::size_t first_index, double q0,
                         double concentration) {
  assert(first_index >= 1);
  // log sum_j w_j E_j, summed from the newest window back so each start's counts are a
  // running total; log-sum-exp keeps it finite.
  double hits = 0, trials = 0;
  std::vector<double> terms;
  terms.reserve(windows.size());
  for (std::size_t i = windows.size(); i-- > 0;) {
    hits += windows[i].hits;
    trials += windows[i].trials;
    const double j = static_cast<double>(first_index + i);
    terms.push_back(ExceedanceLogE(hits, trials, q0, concentration) - std::log(j * (j + 1)));
  }
  return terms.empty() ? 0 : LogSumExp(terms);
}

double AnytimePValue(double max_log_e) { return std::min(1.0, std::exp(-max_log_e)); }

}  // namespace perfgate::stats

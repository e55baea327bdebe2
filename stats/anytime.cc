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

// log of the upper regularised incomplete beta I_{1-x}(b, a) = 1 - I_x(a, b), finite while
// it is representable (-inf past double's range: no evidence, which is conservative).
double LogUpperTail(double x, double a, double b) {
  const double upper = boost::math::ibetac(a, b, x);
  return upper > 0 ? std::log(upper) : -std::numeric_limits<double>::infinity();
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

double AnytimePValue(double max_log_e) { return std::min(1.0, std::exp(-max_log_e)); }

}  // namespace perfgate::stats

#include "stats/signals.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>

namespace perfgate::stats {

double ApdexCounts::Value() const {
  if (total == 0) return std::nan("");
  return (static_cast<double>(satisfied) + static_cast<double>(tolerating) / 2) /
         static_cast<double>(total);
}

double ApdexPoints(double duration_ms, double threshold_ms) {
  if (duration_ms <= threshold_ms) return 1;
  return duration_ms <= 4 * threshold_ms ? 0.5 : 0;
}

ApdexCounts CountApdex(std::span<const double> durations_ms, double threshold_ms) {
  ApdexCounts counts;
  counts.total = durations_ms.size();
  for (double ms : durations_ms) {
    const double points = ApdexPoints(ms, threshold_ms);
    counts.satisfied += points == 1 ? 1 : 0;
    counts.tolerating += points == 0.5 ? 1 : 0;
  }
  return counts;
}

Interval BoundedMeanInterval(double mean, std::size_t n, double confidence) {
  const auto trials = static_cast<double>(n);
  const double successes = std::clamp(mean, 0.0, 1.0) * trials;
  const double alpha = 1 - confidence;
  // Clopper-Pearson's ends are Beta(x, n - x + 1) and Beta(x + 1, n - x) quantiles.
  const double lower =
      successes <= 0
          ? 0
          : boost::math::quantile(boost::math::beta_distribution<>(successes, trials - successes + 1),
                                  alpha / 2);
  const double upper =
      successes >= trials
          ? 1
          : boost::math::quantile(
                boost::math::complement(
                    boost::math::beta_distribution<>(successes + 1, trials - successes), alpha / 2));
  return {lower, upper};
}

double MiseryCounts::Value() const {
  return (static_cast<double>(miserable_users) + kMiseryAlpha) /
         (static_cast<double>(users) + kMiseryAlpha + kMiseryBeta);
}

MiseryCounts CountMisery(std::span<const double> durations_ms, std::span<const double> users,
                         double threshold_ms) {
  std::unordered_map<double, bool> miserable;  // user -> any event over 4T
  for (std::size_t i = 0; i < durations_ms.size() && i < users.size(); ++i) {
    if (std::isnan(users[i])) continue;
    bool& user = miserable[users[i]];
    user = user || durations_ms[i] > 4 * threshold_ms;
  }
  MiseryCounts counts;
  counts.users = miserable.size();
  for (const auto& [user, is_miserable] : miserable) counts.miserable_users += is_miserable ? 1 : 0;
  return counts;
}

Interval MiseryInterval(const MiseryCounts& counts, double confidence) {
  const auto m = static_cast<double>(counts.miserable_users);
  const auto u = static_cast<double>(counts.users);
  boost::math::beta_distribution<> posterior(kMiseryAlpha + m, kMiseryBeta + u - m);
  const double alpha = 1 - confidence;
  return {boost::math::quantile(posterior, alpha / 2),
          boost::math::quantile(boost::math::complement(posterior, alpha / 2))};
}

Interval PoissonRateInterval(std::size_t count, double minutes, double confidence) {
  const auto k = static_cast<double>(count);
  const double alpha = 1 - confidence;
  const double lower =
      count == 0
          ? 0
          : boost::math::quantile(boost::math::chi_squared_distribution<>(2 * k), alpha / 2) / 2;
  const double upper = boost::math::quantile(
                           boost::math::complement(
                               boost::math::chi_squared_distribution<>(2 * k + 2), alpha / 2)) /
                       2;
  return {lower / minutes, upper / minutes};
}

double RateDecreasePValue(std::size_t baseline_count, double baseline_minutes,
                          std::size_t candidate_count, double candidate_minutes) {
  const std::size_t total = baseline_count + candidate_count;
  if (total == 0) return 1;
  const double share = candidate_minutes / (baseline_minutes + candidate_minutes);
  boost::math::binomial_distribution<> law(static_cast<double>(total), share);
  return boost::math::cdf(law, static_cast<double>(candidate_count));
}

Interval RateChangeInterval(std::size_t baseline_count, double baseline_minutes,
                            std::size_t candidate_count, double candidate_minutes,
                            double confidence) {
  using boost::math::binomial_distribution;
  const auto n = static_cast<double>(baseline_count + candidate_count);
  const auto x = static_cast<double>(candidate_count);
  const double alpha = 1 - confidence;
  const double low = binomial_distribution<>::find_lower_bound_on_p(
      n, x, alpha / 2, binomial_distribution<>::clopper_pearson_exact_interval);
  const double high = binomial_distribution<>::find_upper_bound_on_p(
      n, x, alpha / 2, binomial_distribution<>::clopper_pearson_exact_interval);
  // The share p of the events and the rate ratio r: p / (1 - p) = r * t_c / t_b.
  const double time_ratio = baseline_minutes / candidate_minutes;
  auto change = [&](double p) {
    return p >= 1 ? std::numeric_limits<double>::infinity() : p / (1 - p) * time_ratio - 1;
  };
  return {change(low), change(high)};
}

double VitalScore(double value, const VitalCurve& curve) {
  // Relay's calculate_cdf_score: the complementary log-normal CDF through the two points.
  const double sigma =
      std::fabs(std::log(curve.p10) - std::log(curve.p50)) / (std::sqrt(2.0) * 0.9061938);
  if (value <= 0) return 1;
  return 0.5 * (1 - std::erf((std::log(value) - std::log(curve.p50)) / (std::sqrt(2.0) * sigma)));
}

double PerformanceScore(const std::array<double, kVitalCurves.size()>& vitals) {
  double score = 0;
  double weight = 0;
  for (std::size_t i = 0; i < kVitalCurves.size(); ++i) {
    if (std::isnan(vitals[i])) continue;
    score += kVitalCurves[i].weight * VitalScore(vitals[i], kVitalCurves[i]);
    weight += kVitalCurves[i].weight;
  }
  return weight > 0 ? score / weight : std::nan("");
}

}  // namespace perfgate::stats

#include "stats/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <boost/math/distributions/normal.hpp>

namespace perfgate::stats {
namespace {

// P(U <= u) under the null for samples of m and n without ties, by the recurrence
// N(u; m, n) = N(u - n; m - 1, n) + N(u; m, n - 1) on counts of arrangements.
double ExactCdf(double u, std::size_t m, std::size_t n) {
  const std::size_t max_u = m * n;
  // counts[j][v]: arrangements of i baseline and j candidate values with statistic v.
  std::vector<std::vector<double>> previous(n + 1, std::vector<double>(max_u + 1, 0));
  for (std::size_t j = 0; j <= n; ++j) previous[j][0] = 1;  // i = 0: one arrangement, U = 0
  for (std::size_t i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> current(n + 1, std::vector<double>(max_u + 1, 0));
    current[0][0] = 1;
    for (std::size_t j = 1; j <= n; ++j) {
      for (std::size_t v = 0; v <= i * j; ++v) {
        // The largest of the i + j values is a baseline one (adds j to U) or a candidate one.
        current[j][v] = (v >= j ? previous[j][v - j] : 0) + current[j - 1][v];
      }
    }
    previous = std::move(current);
  }
  double total = 0, below = 0;
  for (std::size_t v = 0; v <= max_u; ++v) {
    total += previous[n][v];
    if (static_cast<double>(v) <= u) below += previous[n][v];
  }
  return below / total;
}

}  // namespace

MannWhitneyResult MannWhitney(std::span<const double> sorted_baseline,
                              std::span<const double> sorted_candidate) {
  const std::size_t m = sorted_baseline.size(), n = sorted_candidate.size();
  // Walk both sorted samples together: for each distinct value, the candidate values equal
  // to it beat every smaller baseline value and tie with the equal ones.
  double u_candidate = 0;  // pairs with candidate > baseline, ties counting half
  double tie_term = 0;     // sum of t^3 - t over tie groups, for the variance
  std::size_t i = 0, j = 0;
  while (i < m || j < n) {
    double value = j == n || (i < m && sorted_baseline[i] < sorted_candidate[j])
                       ? sorted_baseline[i]
                       : sorted_candidate[j];
    std::size_t base_equal = 0, cand_equal = 0;
    while (i + base_equal < m && sorted_baseline[i + base_equal] == value) ++base_equal;
    while (j + cand_equal < n && sorted_candidate[j + cand_equal] == value) ++cand_equal;
    u_candidate += static_cast<double>(cand_equal) *
                   (static_cast<double>(i) + 0.5 * static_cast<double>(base_equal));
    const auto t = static_cast<double>(base_equal + cand_equal);
    tie_term += t * t * t - t;
    i += base_equal;
    j += cand_equal;
  }
  MannWhitneyResult result;
  const double pairs = static_cast<double>(m) * static_cast<double>(n);
  result.u = u_candidate;
  result.probability_of_superiority = u_candidate / pairs;
  const double mean = pairs / 2;
  if (tie_term == 0 && m + n <= 60) {
    // Two-sided: twice the smaller tail, by symmetry of the null distribution about mn/2.
    const double tail_u = std::min(u_candidate, pairs - u_candidate);
    result.p_value = std::min(1.0, 2 * ExactCdf(tail_u, m, n));
    result.exact = true;
    return result;
  }
  const double total = static_cast<double>(m + n);
  const double variance = pairs / 12 * ((total + 1) - tie_term / (total * (total - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence of a shift
  const double distance = std::max(0.0, std::fabs(u_candidate - mean) - 0.5);  // continuity
  const double z = distance / std::sqrt(variance);
  result.p_value =
      std::min(1.0, 2 * boost::math::cdf(boost::math::complement(boost::math::normal(), z)));
  return result;
}

}  // namespace perfgate::stats

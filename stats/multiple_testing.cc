#include "stats/multiple_testing.h"

#include <algorithm>
#include <numeric>

namespace perfgate::stats {

std::vector<double> AdjustPValues(const std::vector<double>& p_values, Correction correction) {
  const std::size_t m = p_values.size();
  std::vector<double> adjusted(p_values);
  if (correction == Correction::kNone || m < 2) return adjusted;
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  // Stable, so equal p-values keep their input order and the result is deterministic.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  const auto size = static_cast<double>(m);
  if (correction == Correction::kHolm) {
    // p_(i) * (m - i + 1), made non-decreasing from the smallest up.
    double running = 0;
    for (std::size_t rank = 0; rank < m; ++rank) {
      running = std::max(running,
                         std::min(1.0, (size - static_cast<double>(rank)) * p_values[order[rank]]));
      adjusted[order[rank]] = running;
    }
  } else {
    // p_(i) * m / i, made non-increasing from the largest down.
    double running = 1;
    for (std::size_t rank = m; rank-- > 0;) {
      running = std::min(
          running, std::min(1.0, size / static_cast<double>(rank + 1) * p_values[order[rank]]));
      adjusted[order[rank]] = running;
    }
  }
  return adjusted;
}

}  // namespace perfgate::stats

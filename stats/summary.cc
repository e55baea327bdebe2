#include "stats/summary.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace perfgate::stats {

double Mean(std::span<const double> values) {
  assert(!values.empty());
  // Neumaier (1974): carries the low-order bits lost by each addition in `compensation`.
  double sum = 0;
  double compensation = 0;
  for (double v : values) {
    double t = sum + v;
    compensation += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return (sum + compensation) / static_cast<double>(values.size());
}

Result<Summary> Summarize(std::span<const double> durations_ms,
                          std::span<const std::uint8_t> failed) {
  assert(durations_ms.size() == failed.size());
  if (durations_ms.empty()) {
    return MakeError(ErrorKind::kInput, "no samples to summarise");
  }
  Summary summary;
  summary.count = durations_ms.size();
  summary.failures = static_cast<std::size_t>(std::count(failed.begin(), failed.end(), 1));
  summary.error_rate = static_cast<double>(summary.failures) / static_cast<double>(summary.count);
  summary.mean_ms = Mean(durations_ms);
  auto [min_it, max_it] = std::minmax_element(durations_ms.begin(), durations_ms.end());
  summary.min_ms = *min_it;
  summary.max_ms = *max_it;
  return summary;
}

}  // namespace perfgate::stats

#include "stats/summary.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace perfgate::stats {

double SumScale(double max_abs, std::size_t count) {
  // Keep the sum's binary exponent at most 1020 (DBL_MAX is about 2^1024): the values'
  // exponent plus the bits the count adds, plus one for rounding and the compensation.
  if (!std::isfinite(max_abs) || max_abs == 0) return 1;
  const int exponent = std::ilogb(max_abs) + static_cast<int>(std::bit_width(count)) + 1;
  return exponent <= 1020 ? 1 : std::ldexp(1.0, 1020 - exponent);
}

double Mean(std::span<const double> values) {
  assert(!values.empty());
  double max_abs = 0;
  for (double v : values) max_abs = std::max(max_abs, std::fabs(v));
  CompensatedSum sum(SumScale(max_abs, values.size()));
  for (double v : values) sum.Add(v);
  return sum.Mean(values.size());
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

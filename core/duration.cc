#include "core/duration.h"

#include <charconv>
#include <cmath>

namespace perfgate {

std::optional<double> MillisecondsPer(std::string_view unit) {
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1000.0;
  if (unit == "m") return 60'000.0;
  if (unit == "h") return 3'600'000.0;
  if (unit == "d") return 86'400'000.0;
  return std::nullopt;
}

std::optional<double> ParseDurationMs(std::string_view text, std::string_view bare_unit) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value) || value < 0) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (unit.starts_with(' ')) unit.remove_prefix(1);
  const std::optional<double> scale = MillisecondsPer(unit.empty() ? bare_unit : unit);
  if (!scale) return std::nullopt;
  const double ms = value * *scale;
  if (!std::isfinite(ms)) return std::nullopt;
  return ms;
}

}  // namespace perfgate

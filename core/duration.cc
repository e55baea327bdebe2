#include "core/duration.h"

#include <charconv>
#include <cmath>
#include <cstdio>

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

std::string FormatSeconds(double seconds) {
  char text[48];
  if (!(seconds < 3.6e9)) return "forever";
  if (seconds < 10) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 120) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else if (seconds < 3600) {
    const long long whole = std::llround(seconds);
    if (whole % 60 == 0) {
      std::snprintf(text, sizeof text, "%lld min", whole / 60);
    } else {
      std::snprintf(text, sizeof text, "%lld min %lld s", whole / 60, whole % 60);
    }
  } else {
    const long long minutes = std::llround(seconds / 60);
    std::snprintf(text, sizeof text, "%lld h %lld min", minutes / 60, minutes % 60);
  }
  return text;
}

}  // namespace perfgate

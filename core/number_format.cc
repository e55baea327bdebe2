#include "core/number_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace perfgate {
namespace {

// Magnitudes from here up are shown in scientific notation: a double holds 15-17
// significant digits, so a fixed-point 1e308 would print 290 digits of rounding noise.
constexpr double kLargestFixed = 1e15;

std::string Printf(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Fixed-point with enough decimals for three significant digits, at most `max_decimals`.
std::string Significant(double value, int max_decimals) {
  double magnitude = std::fabs(value);
  // Past 15 digits fixed-point shows noise (and past 63 would not fit the buffer).
  if (magnitude >= kLargestFixed) return Printf("%.3g", value);
  int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  if (decimals > max_decimals) decimals = max_decimals;
  char format[16];
  std::snprintf(format, sizeof format, "%%.%df", decimals);
  std::string text = Printf(format, value);
  return text == "-0" || text == "-0.0" || text == "-0.00" ? text.substr(1) : text;
}

std::string Signed(const std::string& text) { return text[0] == '-' ? text : "+" + text; }

}  // namespace

std::string FormatMs(double ms) { return Significant(ms, 2) + " ms"; }

std::string FormatQuantity(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= kLargestFixed) return Printf("%.3g", value);
  if (magnitude >= 100 || magnitude == 0) return Significant(value, 0);
  // Decimals for three significant digits: 2 from 1 up, 3 from 0.1, 4 from 0.01, ...
  const int decimals = std::min(15, 2 - static_cast<int>(std::floor(std::log10(magnitude))));
  char format[16];
  std::snprintf(format, sizeof format, "%%.%df", decimals);
  const std::string text = Printf(format, value);
  return text.find_first_not_of("-0.") == std::string::npos ? text.substr(text[0] == '-') : text;
}

std::string FormatPercent(double fraction) { return Significant(fraction * 100, 2) + " %"; }

std::string FormatRelativeChange(double fraction) {
  if (std::isinf(fraction)) return fraction > 0 ? "+inf %" : "-inf %";
  return Signed(Significant(fraction * 100, 1)) + " %";
}

std::string FormatAbsoluteChange(double value, bool is_duration) {
  if (is_duration) return Signed(Significant(value, 2)) + " ms";
  return Signed(Significant(value * 100, 2)) + " pp";
}

std::string FormatPValue(double p) {
  // The exact tests have no resolution floor; their laws leave out 1e-17 at each end.
  if (p < 1e-16) return "< 1e-16";
  if (p < 0.0001) return Printf("%.1e", p);
  return Printf(p < 0.01 ? "%.4f" : "%.3f", p);
}

std::string FormatPStatement(double p) {
  std::string value = FormatPValue(p);
  return value.starts_with("<") ? "p " + value : "p = " + value;
}

std::string FormatNumber(double value) {
  if (std::fabs(value) >= kLargestFixed) return Printf("%.6g", value);
  std::string text = Printf("%.6f", value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace perfgate

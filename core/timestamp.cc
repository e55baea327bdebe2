#include "core/timestamp.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace perfgate {
namespace {

// The unsigned number of exactly `digits` digits at `text[at]`, or -1.
int Digits(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

double FromMilliseconds(long long ms) {
  const long long seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  return static_cast<double>(seconds) + static_cast<double>(ms - seconds * 1000) / 1000;
}

std::optional<double> ParseIsoTimestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  long long ms = (static_cast<long long>(sys_days(date).time_since_epoch().count()) * 86400 +
                  hour * 3600LL + minute * 60LL + second) *
                 1000;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    // Milliseconds, rounded down: the digits past them are dropped.
    long long scale = 100;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      ms += (text[at] - '0') * scale;
  }
  if (at == text.size() || text.substr(at) == "Z" || text.substr(at) == "z")
    return FromMilliseconds(ms);
  if (text.size() - at == 6 && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    const int hours = Digits(text, at + 1, 2), minutes = Digits(text, at + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    const long long offset = (hours * 3600LL + minutes * 60LL) * 1000;
    return FromMilliseconds(text[at] == '+' ? ms - offset : ms + offset);
  }
  return std::nullopt;
}

std::optional<double> EpochSeconds(double number) {
  if (!std::isfinite(number) || number < 0 || number > 1e15) return std::nullopt;
  return FromMilliseconds(std::llround(number >= 1e11 ? number : number * 1000));
}

namespace {

// The calendar date and time of day of `epoch_seconds` (rounded down to the millisecond).
struct Broken {
  int year;
  unsigned month, day;
  long hour, minute, second, millisecond;
};

Broken Break(double epoch_seconds) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(std::llround(epoch_seconds * 1000))};
  const auto day_start = floor<days>(time);
  const year_month_day ymd(day_start);
  const hh_mm_ss clock(time - day_start);
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<long>(clock.hours().count()),
          static_cast<long>(clock.minutes().count()),
          static_cast<long>(clock.seconds().count()),
          static_cast<long>(clock.subseconds().count())};
}

}  // namespace

std::string FormatUtcMinute(double epoch_seconds) {
  const Broken t = Break(epoch_seconds);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02ld:%02ld UTC", t.year, t.month, t.day,
                t.hour, t.minute);
  return buffer;
}

std::string FormatIsoTimestamp(double epoch_seconds) {
  const Broken t = Break(epoch_seconds);
  char buffer[48];
  if (t.millisecond == 0) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", t.year, t.month,
                  t.day, t.hour, t.minute, t.second);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", t.year, t.month,
                  t.day, t.hour, t.minute, t.second, t.millisecond);
  }
  return buffer;
}

std::optional<long long> ParseIsoSeconds(std::string_view text) {
  std::optional<double> seconds = ParseIsoTimestamp(text);
  if (!seconds) return std::nullopt;
  return static_cast<long long>(std::floor(*seconds));
}

std::string FormatIsoSeconds(long long epoch_seconds) {
  return FormatIsoTimestamp(static_cast<double>(epoch_seconds));
}

}  // namespace perfgate

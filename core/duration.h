// Durations as people write them: a number and a unit (ms, s, m, h, d). One grammar for
// thresholds.yaml's limits and deadline and the command line's --remind-after,
// --no-data-after and --lock-wait; each says what a bare number means.
#ifndef PERFGATE_CORE_DURATION_H_
#define PERFGATE_CORE_DURATION_H_

#include <optional>
#include <string>
#include <string_view>

namespace perfgate {

// The units, as messages list them.
inline constexpr std::string_view kDurationUnits = "ms, s, m, h or d";

// Milliseconds in one `unit` ("ms", "s", "m", "h", "d"), or nullopt for any other text.
std::optional<double> MillisecondsPer(std::string_view unit);

// A span of time for people: "0.4 s", "12 s", "90 s", "5 min 33 s", "2 h 5 min".
std::string FormatSeconds(double seconds);

// The duration `text` in ms: a number, optionally followed by spaces and a unit ("8000ms",
// "1.5 s", "30m", "2d"); a bare number is in `bare_unit`. Nullopt when it is not a finite,
// non-negative number with a known unit, or the result is not finite.
std::optional<double> ParseDurationMs(std::string_view text, std::string_view bare_unit);

}  // namespace perfgate

#endif  // PERFGATE_CORE_DURATION_H_

// Points in time as event sources write them: ISO 8601 text or seconds since the epoch.
// Kept to the millisecond, each made by FromMilliseconds(), so a time written by
// FormatIsoTimestamp() reads back as the same double.
#ifndef PERFGATE_CORE_TIMESTAMP_H_
#define PERFGATE_CORE_TIMESTAMP_H_

#include <optional>
#include <string>
#include <string_view>

namespace perfgate {

// Seconds since the epoch of `ms` milliseconds since the epoch, the one way perfgate makes them.
double FromMilliseconds(long long ms);

// Seconds since 1970-01-01T00:00:00Z of "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.250+02:00",
// "2026-11-20 10:00:00" (UTC when no zone is given); nullopt for anything else.
std::optional<double> ParseIsoTimestamp(std::string_view text);

// Seconds since the epoch from a number a row carries: seconds, or milliseconds when it is
// too large to be seconds (after the year 5138); nullopt when not finite or negative.
std::optional<double> EpochSeconds(double number);

// "2026-11-20 10:00 UTC", to the minute (rounded down).
std::string FormatUtcMinute(double epoch_seconds);
// "2026-11-20T10:00:00Z", or "2026-11-20T10:00:00.250Z" with milliseconds when there are;
// ParseIsoTimestamp() reads it back as the same double.
std::string FormatIsoTimestamp(double epoch_seconds);

// Whole seconds since the epoch of an ISO 8601 text as ParseIsoTimestamp() reads it, rounded
// down; nullopt for anything else.
std::optional<long long> ParseIsoSeconds(std::string_view text);
// "2026-11-20T10:00:00Z".
std::string FormatIsoSeconds(long long epoch_seconds);

}  // namespace perfgate

#endif  // PERFGATE_CORE_TIMESTAMP_H_

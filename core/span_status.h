// Which transaction events count as failed, exactly as Sentry's failure_rate() decides.
#ifndef PERFGATE_CORE_SPAN_STATUS_H_
#define PERFGATE_CORE_SPAN_STATUS_H_

#include <string_view>

namespace perfgate {

// True when a transaction with span status `status` counts as failed: any status but
// "ok", "cancelled", "unknown" and "unknown_error" (the older spelling of "unknown").
// An empty status means "not given" and counts as ok. Matching is exact, as in Sentry.
bool IsFailureStatus(std::string_view status);

// True when an HTTP status code counts as failed: 500 and above.
inline bool IsFailureStatusCode(long long status_code) { return status_code >= 500; }

}  // namespace perfgate

#endif  // PERFGATE_CORE_SPAN_STATUS_H_

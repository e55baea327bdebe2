#include "core/span_status.h"

namespace perfgate {

bool IsFailureStatus(std::string_view status) {
  // NON_FAILURE_STATUS = {"ok", "cancelled", "unknown"} in getsentry/sentry
  // src/sentry/search/events/constants.py; Snuba's FailureRateProcessor applies the same
  // rule, and older Snuba spelt code 2 "unknown_error".
  return !(status.empty() || status == "ok" || status == "cancelled" || status == "unknown" ||
           status == "unknown_error");
}

}  // namespace perfgate

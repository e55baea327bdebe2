// libFuzzer target: Sentry's other answers: an aggregate page (aggregate mode with and
// without measurements, the span groups), a page of INP spans, a histogram, and the trace
// view. Each is read or refused with a message.
#include <cmath>

#include "fetch/sentry/sentry_modes.h"
#include "fetch/sentry/sentry_trace.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = perfgate::fuzz::Text(data, size);
  (void)perfgate::fetch::ParseAggregatePage(body);
  auto rows = perfgate::fetch::ParseAggregatePage(body, {"measurements.lcp"});
  if (rows.ok()) {
    for (const auto& row : *rows) {
      for (const auto& [q, ms] : row.values.at("measurements.lcp").quantiles_ms)
        perfgate::fuzz::Require(std::isfinite(ms), "finite measurement percentiles");
    }
  }
  auto spans = perfgate::fetch::ParseValuePage(body, "measurements.inp");
  if (spans.ok()) {
    for (const auto& [transaction, ms] : *spans)
      perfgate::fuzz::Require(std::isfinite(ms), "finite INP values");
  }
  (void)perfgate::fetch::ParseHistogram(body);
  auto tree = perfgate::fetch::SentryTraceTree(body, "0123456789abcdef0123456789abcdef",
                                               "fedcba9876543210fedcba9876543210", "trace");
  if (tree.ok()) {
    for (const auto& span : tree->spans) {
      perfgate::fuzz::Require(std::isfinite(span.start_ms) && std::isfinite(span.end_ms),
                              "finite span times");
    }
  }
  return 0;
}

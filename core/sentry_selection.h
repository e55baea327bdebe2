// Which events to take from Sentry: shared by the config (gate/ reads source.sentry into it)
// and the client (fetch/ turns it into queries), so neither copies the other's fields. Plain
// data. Every field decides which events a fetch returns; the on-disk cache is keyed by all
// of them (fetch/release_cache.cc walks the struct), so a field added here keys the cache.
#ifndef PERFGATE_CORE_SENTRY_SELECTION_H_
#define PERFGATE_CORE_SENTRY_SELECTION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "core/enum_names.h"

namespace perfgate {

// How a release's durations are had.
enum class SentryMode {
  kRaw,        // the events themselves: every interval and test
  kAggregate,  // Sentry's per-transaction count, failures, percentiles: one request
  kHistogram,  // zoomed duration histograms: every rank exact, durations to their bins
  kAuto,       // raw when every event can be fetched within the fetch budget, else histogram
};
inline constexpr NameTable<SentryMode, 4> kSentryModeNames = {
    {{SentryMode::kRaw, "raw"},
     {SentryMode::kAggregate, "aggregate"},
     {SentryMode::kHistogram, "histogram"},
     {SentryMode::kAuto, "auto"}}};

// Sentry's dataset the events come from.
enum class SentryDataset {
  kTransactions,  // transaction events: transaction.duration, transaction.status
  kSpans,         // segment spans (is_transaction:true): span.duration, span.status
};
inline constexpr NameTable<SentryDataset, 2> kSentryDatasetNames = {
    {{SentryDataset::kTransactions, "transactions"}, {SentryDataset::kSpans, "spans"}}};

struct SentrySelection {
  std::string url = "https://sentry.io";  // sentry.io, a region host, or self-hosted
  std::string organization;               // slug or numeric id
  std::vector<std::string> projects;      // slugs or numeric ids (not mixed); empty: all
  std::string environment;                // empty: every environment
  std::string query;                      // extra search terms, ANDed
  SentryDataset dataset = SentryDataset::kTransactions;
  SentryMode mode = SentryMode::kAuto;
  int histogram_buckets = 100;  // the events-histogram endpoint's maximum
  // The duration percentiles the rules judge (0.95 for p95), which histogram mode zooms in
  // on; empty: p50 and p95.
  std::vector<double> quantiles;
  std::size_t max_samples = 50000;  // stop (and say so) after this many events
  std::string start;                // ISO 8601; empty: the release's first event
  std::string end;                  // ISO 8601; empty: the release's last event
  // Raw mode's further fields per event, besides the duration, status, time, trace and ops
  // breakdown: the measurements (measurements.lcp) and the user the config's rules judge.
  std::vector<std::string> fields;
};

}  // namespace perfgate

#endif  // PERFGATE_CORE_SENTRY_SELECTION_H_

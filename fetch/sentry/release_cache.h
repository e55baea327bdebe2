// The on-disk cache of fetched releases, so a second `perfgate check` in the same CI job
// does not fetch again, and the NDJSON form `perfgate fetch` saves. A cache entry is keyed
// by everything that decides its contents (every field of SentrySelection, and the
// release) and holds no token. Partial fetches are never stored (see LoadSource).
#ifndef PERFGATE_FETCH_SENTRY_RELEASE_CACHE_H_
#define PERFGATE_FETCH_SENTRY_RELEASE_CACHE_H_

#include <optional>
#include <string>

#include "core/file_system.h"
#include "core/result.h"
#include "core/samples.h"
#include "fetch/sentry/sentry_client.h"

namespace perfgate::fetch {

// "sentry-<16 hex digits>.ndjson": a stable name from the selection and the release.
std::string CacheFileName(const SentrySelection& selection, const std::string& release);

// `set` as NDJSON, one event a line: {"transaction": ..., "duration_ms": ..., "error": ...},
// groups in name order, events in their order. A note line per source note comes first as
// {"perfgate_note": "..."}, which the NDJSON reader turns back into notes.
std::string SamplesToNdjson(const SampleSet& set);

// The cached release at `path`, or nullopt when there is none. An entry that is not a
// regular file, is larger than `max_bytes`, or whose seal (its last line: the number of
// events and a checksum of the lines above) does not match is a kInput error saying so:
// the caller fetches the release again.
Result<std::optional<SampleSet>> LoadCachedRelease(FileSystem& fs, const std::string& path,
                                                   const std::string& source,
                                                   std::size_t max_bytes);

// The most a cache entry of up to `max_samples` events may take: about 4 KiB an event (one
// is a few hundred bytes with its ops breakdown), and 1 MiB for its notes.
inline std::size_t MaxCacheEntryBytes(std::size_t max_samples) {
  return (std::size_t{1} << 20) + max_samples * 4096;
}

// Writes `set` to `path` atomically, creating the directory, sealed (see LoadCachedRelease).
Status StoreCachedRelease(FileSystem& fs, const std::string& directory, const std::string& path,
                          const SampleSet& set);

// "sentry-<16 hex digits>-spans-<16 hex digits>.json": the span groups of `transaction` in
// the release's cache entry.
std::string SpanGroupsCacheFileName(const SentrySelection& selection, const std::string& release,
                                    const std::string& transaction);

// The cached span groups at `path`, or nullopt when there are none; numbers read back bit
// for bit. A damaged entry is an error.
Result<std::optional<SpanGroupTotals>> LoadCachedSpanGroups(FileSystem& fs,
                                                            const std::string& path);

// Writes `totals` to `path` atomically, creating the directory.
Status StoreCachedSpanGroups(FileSystem& fs, const std::string& directory, const std::string& path,
                             const SpanGroupTotals& totals);

}  // namespace perfgate::fetch

#endif  // PERFGATE_FETCH_SENTRY_RELEASE_CACHE_H_

// The sample readers' shared invariants, for the NDJSON, CSV, Sentry page and OTLP targets:
// a read either fails with a message naming the source, or yields finite, non-negative
// durations; the skip policy never fails where the fail policy succeeded.
#ifndef PERFGATE_FUZZ_SAMPLES_FUZZ_H_
#define PERFGATE_FUZZ_SAMPLES_FUZZ_H_

#include <cmath>

#include "fetch/files/sample_reader.h"
#include "fuzz/fuzz_input.h"

namespace perfgate::fuzz {

inline void ReadEveryWay(std::string_view text, fetch::InputFormat format) {
  fetch::ReadOptions strict;
  strict.threads = 1;
  Result<SampleSet> read = fetch::ReadSamples(text, "fuzz.in", format, strict);
  if (!read.ok()) {
    Require(read.error().message.starts_with("fuzz.in"), "the error names the source");
  } else {
    for (const GroupSamples& group : read->groups) {
      for (double ms : group.durations_ms) Require(std::isfinite(ms) && ms >= 0, "a sane duration");
    }
  }
  fetch::ReadOptions lenient = strict;
  lenient.on_bad_row = fetch::BadRowPolicy::kSkip;
  Result<SampleSet> skipped = fetch::ReadSamples(text, "fuzz.in", format, lenient);
  Require(!read.ok() || skipped.ok(), "skipping bad rows never fails a read that passed");
}

}  // namespace perfgate::fuzz

#endif  // PERFGATE_FUZZ_SAMPLES_FUZZ_H_

// Durations that cannot mean what they say: two sides whose typical durations differ by a
// factor near 1000 or 1,000,000 across most transactions (seconds saved where milliseconds
// belong), and a limit written as a bare number (read as ms) that every value is hundreds of
// times above. Either would judge a release on a misreading; these checks find them before
// a verdict is claimed. Pure: they say what they found, and the CLI words what to do.
#ifndef PERFGATE_GATE_UNIT_CHECK_H_
#define PERFGATE_GATE_UNIT_CHECK_H_

#include <cstddef>
#include <optional>
#include <string>

#include "core/samples.h"
#include "gate/result.h"

namespace perfgate::gate {

// Two sides whose durations are a power of 1000 apart.
struct UnitMismatch {
  int candidate_to_baseline_log10 = 0;  // -6, -3, 3 or 6: candidate about 10^this x baseline
  bool candidate_looks_wrong = true;    // the side whose typical duration is further from
                                        // what a transaction in ms takes (about 100 ms)
  // What the odd side's numbers look like when the other side is in ms: "s", "us", "ns",
  // or "" when no unit fits (a factor of 10^-6).
  std::string odd_unit;
  std::size_t transactions = 0;  // compared (with events on both sides)
  std::size_t agreeing = 0;      // of them, within 10x of that factor
  double median_ratio = 0;       // candidate median / baseline median, over transactions
};

// The transactions both sides have, compared by their median durations: a mismatch when
// the median of their log ratios lies within a factor of 4 of 10^-6, 10^-3, 10^3 or 10^6,
// and at least three quarters of them lie within 10x of that factor. nullopt otherwise
// (no transaction in common, or a plausible change).
std::optional<UnitMismatch> FindUnitMismatch(const SampleSet& baseline, const SampleSet& candidate);

// A duration limit written without a unit that cannot be meant: every value of the rule's
// metric it judged is over it, and their median is over 100 x it ("max: 2" on p95 where
// every p95 is above 2 ms and most are hundreds of ms).
struct BareLimitSuspect {
  Rule rule;               // the rule, with its config line
  std::size_t judged = 0;  // transactions judged by it
  double median_ms = 0;    // the median of their values
};

// The first such rule of `result`, in config order, or nullopt.
std::optional<BareLimitSuspect> FindBareLimitSuspect(const EvaluationResult& result);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_UNIT_CHECK_H_

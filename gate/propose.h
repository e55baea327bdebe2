// `perfgate init --from SRC`: a thresholds.yaml proposed from one observed release. Each
// absolute limit sits just above what the release showed (a duration's: the upper end of
// its interval plus headroom; an error rate's: twice the rate, at least 1 %; rounded up to a
// friendly number), one general limit per metric
// for most transactions and a `groups:` entry for each outlier above it, so the proposal
// passes on the release it came from; the relative rules are perfgate's defaults. Written
// as YAML with a comment on every line saying where its number came from.
#ifndef PERFGATE_GATE_PROPOSE_H_
#define PERFGATE_GATE_PROPOSE_H_

#include <cstddef>
#include <string>

#include "core/samples.h"
#include "gate/result.h"

namespace perfgate::gate {

struct ProposalOptions {
  double headroom = 1.2;         // limits are at least the interval's upper end times this
  std::size_t min_outliers = 1;  // groups: entries allowed however few the transactions
  double outlier_share = 0.1;    // ... or this share of the judged transactions
  std::string command;           // how the proposal was asked for, for its first comment
};

// The smallest friendly number >= `value`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
// ten. 0 and below give 0.
double FriendlyCeiling(double value);

// The proposal for `release`, judged as `perfgate alert` judges one release (`observed`:
// the evaluation of p95, p50 and error_rate under limits that cannot fail, no baseline).
std::string ProposeThresholds(const EvaluationResult& observed, const ProposalOptions& options);

// The config `observed` must be evaluated under: p95, p50 and error_rate with limits no
// release reaches, at perfgate's default statistics.
Thresholds ObservingThresholds();

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_PROPOSE_H_

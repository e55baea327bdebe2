// The Mann-Whitney U test (Wilcoxon rank-sum) of candidate against baseline: is one
// release's distribution shifted against the other's? Reported beside the rules as a
// whole-distribution shift test, with the probability of superiority as its effect size.
#ifndef PERFGATE_STATS_MANN_WHITNEY_H_
#define PERFGATE_STATS_MANN_WHITNEY_H_

#include <span>

namespace perfgate::stats {

struct MannWhitneyResult {
  double u = 0;        // pairs (candidate > baseline) plus half the ties
  double p_value = 1;  // two-sided
  // P(candidate > baseline) + P(equal) / 2 for a random pair: 0.5 means no shift.
  double probability_of_superiority = 0.5;
  bool exact = false;  // exact null distribution (small samples without ties), else normal
};

// Exact p-value when both samples are small (n1 + n2 <= 60) and there are no ties; else the
// normal approximation with tie-corrected variance and continuity correction.
// REQUIRES: both sorted ascending and non-empty.
MannWhitneyResult MannWhitney(std::span<const double> sorted_baseline,
                              std::span<const double> sorted_candidate);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_MANN_WHITNEY_H_

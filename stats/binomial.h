// Intervals and tests for error rates: a binomial proportion's confidence interval, the
// interval of the difference of two proportions, and Fisher's exact test. Distribution
// functions come from Boost.Math.
#ifndef PERFGATE_STATS_BINOMIAL_H_
#define PERFGATE_STATS_BINOMIAL_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "stats/interval.h"

namespace perfgate::stats {

enum class BinomialMethod {
  kWilson,          // Wilson (1927) score interval: close to nominal coverage on average
  kJeffreys,        // equal-tailed Beta(x + 1/2, n - x + 1/2) quantiles, ends fixed at 0 and 1
  kClopperPearson,  // "exact": at least the nominal coverage, conservative; the gate's default
};
inline constexpr NameTable<BinomialMethod, 3> kBinomialMethodNames = {
    {{BinomialMethod::kWilson, "wilson"},
     {BinomialMethod::kJeffreys, "jeffreys"},
     {BinomialMethod::kClopperPearson, "clopper_pearson"}}};
// As reports name them.
inline constexpr NameTable<BinomialMethod, 3> kBinomialMethodTitles = {
    {{BinomialMethod::kWilson, "Wilson"},
     {BinomialMethod::kJeffreys, "Jeffreys"},
     {BinomialMethod::kClopperPearson, "Clopper-Pearson"}}};

// The interval for a proportion with `failures` of `trials` at `confidence`.
// REQUIRES: 0 <= failures <= trials, trials > 0.
Interval BinomialInterval(std::uint64_t failures, std::uint64_t trials, double confidence,
                          BinomialMethod method);

// Newcombe's (1998, method 10) hybrid score interval for p_candidate - p_baseline, built
// from the two Wilson intervals. REQUIRES: both trials > 0.
Interval NewcombeDifference(std::uint64_t baseline_failures, std::uint64_t baseline_trials,
                            std::uint64_t candidate_failures, std::uint64_t candidate_trials,
                            double confidence);

// log C(n, k) for whole n >= k >= 0 given as doubles. Safe to call from several threads:
// std::lgamma writes the global signgam, so this uses the reentrant lgamma_r.
double LogChoose(double n, double k);

// One-sided p-value of Fisher's exact test for an increase (R's fisher.test with
// alternative = "greater" on the table candidate over baseline): the probability, under
// equal proportions and the observed margins, of the candidate holding at least as many
// of the failures as it does.
double FisherExactIncreasePValue(std::uint64_t baseline_failures, std::uint64_t baseline_trials,
                                 std::uint64_t candidate_failures, std::uint64_t candidate_trials);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_BINOMIAL_H_

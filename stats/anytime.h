// Anytime-valid tests: e-processes whose false-alarm probability stays below alpha however
// often they are looked at (Ville's inequality: a nonnegative supermartingale under the
// null ever reaches 1/alpha with probability at most alpha). Pure; the alert job and canary
// gates build on them (issue 24).
//
// Counts of two releases (Lindon & Malek, "Anytime-Valid Inference for Multinomial Count
// Data", NeurIPS 2022): each event (an error) comes from the baseline or the candidate; when
// their rates are equal, it comes from the candidate with probability rho, the candidate's
// share of the traffic, so the two counts alone test the rates. The Dirichlet-multinomial
// mixture over the share gives the e-value in closed form:
//   E_n = [B(alpha0 + n) / B(alpha0)] / prod theta0_i^n_i,  alpha0 = k theta0,
// B(v) = prod Gamma(v_i) / Gamma(sum v_i). The one-sided form mixes only over shares at least
// rho (a Beta(k rho, k (1 - rho)) prior truncated to [rho, 1]): a supermartingale under every
// share at most rho, so it tests "the candidate's rate is no higher" and gathers evidence
// only from a candidate that is worse.
#ifndef PERFGATE_STATS_ANYTIME_H_
#define PERFGATE_STATS_ANYTIME_H_

#include <cstddef>
#include <span>

namespace perfgate::stats {

// The prior's concentration k (savvi's default): the mixture is centred on the null and
// about as informative as k events.
inline constexpr double kDirichletConcentration = 100;

// log E_n of the two-sided Dirichlet-multinomial test that the counts `counts` came from
// probabilities `theta0` (each > 0, summing to 1). REQUIRES: equal sizes, at least two.
double MultinomialLogE(std::span<const double> counts, std::span<const double> theta0,
                       double concentration = kDirichletConcentration);

// log E of the one-sided test that the candidate's rate is no higher than the baseline's,
// from their event counts and the candidate's share `rho` of the traffic (0 < rho < 1).
double RateIncreaseLogE(double baseline_events, double candidate_events, double rho,
                        double concentration = kDirichletConcentration);

// The anytime-valid p-value of an e-process so far: min(1, 1 / max over looks of E), from
// the largest log E seen. Rejecting when it is at most alpha keeps the false-alarm
// probability at most alpha over every look.
double AnytimePValue(double max_log_e);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_ANYTIME_H_

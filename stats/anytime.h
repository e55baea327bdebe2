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
#include <optional>
#include <span>
#include <vector>

namespace perfgate::stats {

// The prior's concentration k (savvi's default): the mixture is centred on the null and
// about as informative as k events.
inline constexpr double kDirichletConcentration = 100;

// A concentration that is not one: the evidence is averaged over the priors of
// concentrations 10, 100, 1,000 and 10,000 (an average of e-values is one). Each prior is
// tightest for samples of about its size, so the average costs log 4 nats at any one size
// and holds from a few dozen events to millions (as Howard & Ramdas's stitching does).
inline constexpr double kEveryScale = 0;

// log E_n of the two-sided Dirichlet-multinomial test that the counts `counts` came from
// probabilities `theta0` (each > 0, summing to 1). REQUIRES: equal sizes, at least two.
double MultinomialLogE(std::span<const double> counts, std::span<const double> theta0,
                       double concentration = kDirichletConcentration);

// log E of the one-sided test that the candidate's rate is no higher than the baseline's,
// from their event counts and the candidate's share `rho` of the traffic (0 < rho < 1).
double RateIncreaseLogE(double baseline_events, double candidate_events, double rho,
                        double concentration = kDirichletConcentration);

// log E of the test that each trial hits with probability at most `q0` (0 < q0 < 1), from
// `hits` of `trials` so far: the one-sided mixture above, with the hits as the candidate's
// events. Every limit perfgate's absolute rules set on a quantile or a rate is such a
// bound: "p95 <= 8000 ms" says at most 5 % of events take over 8000 ms, whatever the
// distribution, so the test holds however the service changes between looks (the null
// is every stream whose hit probability, given the past, stays at most q0).
double ExceedanceLogE(double hits, double trials, double q0, double concentration = kEveryScale);

// The fewest hits of `trials` that give ExceedanceLogE >= `log_threshold`, or nullopt when
// even all of them do not. ExceedanceLogE grows with the hits, so this is a bisection.
std::optional<std::size_t> HitsToProve(std::size_t trials, double q0, double log_threshold,
                                       double concentration = kEveryScale);

// ExceedanceLogE at every hit count of `trials`, worked out once for tests that read it at
// many counts. Past kExactCounts trials it is kept at kExactCounts counts spread evenly and
// read at the nearest kept count at or below: ExceedanceLogE grows with the hits, so that
// is a lower bound, never more evidence than the data give.
class ExceedanceCurve {
 public:
  static constexpr std::size_t kExactCounts = 4096;
  ExceedanceCurve(std::size_t trials, double q0, double concentration = kEveryScale);
  double At(std::size_t hits) const;
  std::size_t trials() const { return trials_; }

 private:
  std::size_t trials_;
  std::size_t step_;  // the kept counts are 0, step, 2 step, ..., and trials
  std::vector<double> log_e_;
};

// A confidence sequence for the p-quantile of a stream (Howard & Ramdas, Bernoulli 2022,
// section 3: the beta-binomial mixture on the count below a value, inverted at the order
// statistics): at every sample size, [lower, upper] holds the true quantile, with
// probability at least 1 - alpha that it does at all sizes at once. Each end is an order
// statistic of the sample so far; nullopt where the sample cannot bound that side yet.
struct QuantileSequenceBounds {
  std::optional<double> lower;
  std::optional<double> upper;
};
// `sorted` ascending; 0 < p < 1; 0 < alpha < 1 (alpha / 2 per side).
QuantileSequenceBounds QuantileConfidenceSequence(std::span<const double> sorted, double p,
                                                  double alpha, double concentration = kEveryScale);

// A confidence sequence for a rate (an error rate) from `hits` of `trials`: every rate
// whose two one-sided tests (ExceedanceLogE each way, alpha / 2 each) do not refute it, at
// every sample size at once. The bounds are found by bisection to 1e-7.
struct RateSequenceBounds {
  double lower = 0;
  double upper = 1;
};
RateSequenceBounds RateConfidenceSequence(double hits, double trials, double alpha,
                                          double concentration = kEveryScale);

// log E of the two-sample test that a's p-quantile is at most `ratio` times b's (Howard &
// Ramdas's two-sample quantile test, with a tolerance): the least over every value x of
// the evidence that a's quantile exceeds x plus the evidence that b's is under x / ratio.
// Under the null both hold at x = ratio * Q_b, so the least is an e-process there and
// reaching 1 / alpha proves a's quantile above `ratio` times b's. `a` and `b` sorted
// ascending, each non-empty; ratio > 0. A regression past a 10 % tolerance is
// QuantileRatioLogE(candidate, baseline, p, 1.1); its absence is
// QuantileRatioLogE(baseline, candidate, p, 1 / 1.1).
double QuantileRatioLogE(std::span<const double> a, std::span<const double> b, double p,
                         double ratio, double concentration = kEveryScale);
// The same with the curves worked out beforehand: `a_over` of a's size and q0 = 1 - p,
// `b_under` of b's size and q0 = p.
double QuantileRatioLogE(std::span<const double> a, std::span<const double> b, double ratio,
                         const ExceedanceCurve& a_over, const ExceedanceCurve& b_under);

// log E of the two-sample test that a's rate is at most `ratio` times b's plus `offset`
// (a relative tolerance: ratio 1.2, offset 0; an absolute one: ratio 1, offset 0.005; the
// offset may be negative, for the reverse test of an absolute tolerance), from
// each side's hits and trials. As QuantileRatioLogE: the least over rates x of the evidence
// that a's rate exceeds x plus the evidence that b's is under (x - offset) / ratio, taken on
// a grid and bounded from below between its points (each part is monotone in x), so it never
// overstates the evidence.
double RateRatioLogE(double a_hits, double a_trials, double b_hits, double b_trials, double ratio,
                     double offset, double concentration = kEveryScale);

// A stream seen as windows (the events of each look), and a change that may begin at any
// window: log of the mixture over start windows j = 1, 2, ... with weights 1 / (j (j + 1))
// of ExceedanceLogE over the windows from j on. Each term is an e-process and the weights
// sum to at most 1, so the mixture is one too; evidence from before a change does not
// dilute the evidence after it (a breach that starts at hour 12 is proven by the hours
// after it, at the price of log(j (j + 1)) nats). `first_index` is the 1-based index of
// windows[0] (older windows dropped from a long history only lose their terms).
struct CountWindow {
  double hits = 0;
  double trials = 0;
};
double ChangeMixtureLogE(std::span<const CountWindow> windows, std::size_t first_index, double q0,
                         double concentration = kEveryScale);

// The anytime-valid p-value of an e-process so far: min(1, 1 / max over looks of E), from
// the largest log E seen. Rejecting when it is at most alpha keeps the false-alarm
// probability at most alpha over every look.
double AnytimePValue(double max_log_e);

}  // namespace perfgate::stats

#endif  // PERFGATE_STATS_ANYTIME_H_

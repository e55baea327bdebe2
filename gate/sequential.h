// Anytime-valid verdicts for releases looked at again and again as their samples grow
// (perfgate watch, a canary gate; the alert job's absolute rules, alert/anytime.h): each
// rule's evidence of a regression, and of its absence, as e-values that may be looked at
// after every event without raising the false-alarm rate (stats/anytime.h). Pure.
//
// What is judged so, and how:
//  - an absolute limit on a quantile or on the error rate bounds how often an event may
//    "hit" (AllowedShare): the candidate's hits against that share, either way;
//  - max_increase / max_decrease as a fraction on a quantile: Howard & Ramdas's two-sample
//    quantile test with the tolerance as a ratio (stats::QuantileRatioLogE), either way;
//  - max_increase on the error rate (relative, or in points): stats::RateRatioLogE.
// Other rules (means, Apdex, throughput, changes in ms) have no such test here: they are
// judged as check judges them, once, when the watch ends.
#ifndef PERFGATE_GATE_SEQUENTIAL_H_
#define PERFGATE_GATE_SEQUENTIAL_H_

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "core/samples.h"
#include "gate/result.h"
#include "gate/thresholds.h"
#include "stats/anytime.h"

namespace perfgate::gate {

// The share of events an absolute rule allows to hit, when it is a bound on how often
// events hit: a limit on a quantile (of the durations or of a value each event carries:
// p95 <= 8000 ms allows 5 % over 8000 ms; a floor p10 >= 0.9 allows 10 % under 0.9) or on the
// error rate, strictly between 0 and 1. Nullopt for any other rule.
std::optional<double> AllowedShare(const Rule& rule);

// Of `group`'s events that carry what `rule` (with an AllowedShare, or on the error rate)
// judges, how many there are and how many hit: over the limit (under a floor's), or failed.
// Only the events later than `after` (UTC seconds) where it is finite: each must carry a
// time (EventDetails) then.
stats::CountWindow CountHits(const Rule& rule, const GroupSamples& group,
                             double after = -std::numeric_limits<double>::infinity());

// True when JudgeSequentially has a test for `rule`.
bool HasSequentialTest(const Rule& rule);

// The largest evidence each rule has reached, either way, over the looks so far (an
// e-process's running maximum: its anytime p-value). Keyed by group and the rule's place.
struct SequentialMemory {
  struct Largest {
    double regression = -1e300;
    double absence = -1e300;
  };
  std::map<std::string, Largest> largest;
};

// What one look decided, over the rules with a sequential test.
struct SequentialLook {
  std::size_t family = 0;     // the rules judged so: each is proven at family / alpha
  std::size_t regressed = 0;  // fail-severity rules whose regression is proven
  std::size_t cleared = 0;    // rules whose absence of regression is proven
  std::size_t undecided = 0;
  // Fail-severity rules with no sequential test: only the end of the watch judges them, so
  // they keep a watch from passing early.
  std::size_t unsequenced_fail_rules = 0;
  // The undecided rule nearest to a decision, as "GET /a p95", and its evidence.
  std::string nearest;
  double nearest_log_e = 0;
  bool nearest_toward_regression = true;
  double log_needed = 0;

  bool RegressionProven() const { return regressed > 0; }
  // Every fail-severity rule has a sequential test and is cleared.
  bool AbsenceProven(const EvaluationResult& result) const;
};

// Judges the rules of `result` (evaluated from `baseline` and `candidate`, the samples so
// far) that have a sequential test, at family-wise level `alpha`, updating `memory`: a rule
// whose regression is proven fails (or warns, by severity); one whose absence is proven
// passes; one with neither is inconclusive where this look's fixed-sample verdict saw
// something (fail, warn, inconclusive), and keeps that verdict (pass, too few events) where
// it saw nothing. Each such rule's `anytime` evidence is filled,
// the groups' verdicts and the outcome follow.
SequentialLook JudgeSequentially(EvaluationResult& result, const SampleSet& baseline,
                                 const SampleSet& candidate, double alpha,
                                 SequentialMemory& memory);

// After verdicts were rewritten: each group's verdict is its worst rule's, and the outcome
// follows the verdicts.
void SettleVerdicts(EvaluationResult& result);

// At a watch's deadline: every fail-severity rule still undecided is inconclusive (its
// absence was not proven in the time given), whatever this look's own test saw, so that
// policy.inconclusive decides; the groups' verdicts and the outcome follow.
void MarkUndecidedInconclusive(EvaluationResult& result);

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_SEQUENTIAL_H_

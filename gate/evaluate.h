// The rule engine: judges a candidate release (against a baseline, for relative rules)
// under a Thresholds config. Pure: samples and config in, an EvaluationResult out; it
// reads nothing, fetches nothing and renders nothing.
#ifndef PERFGATE_GATE_EVALUATE_H_
#define PERFGATE_GATE_EVALUATE_H_

#include <chrono>
#include <map>

#include "core/samples.h"
#include "gate/result.h"
#include "gate/thresholds.h"

namespace perfgate::gate {

// Evaluates every group of `baseline` and `candidate` (matched by name, or all events as
// one group "(all)" under group_by: none). `today` decides which waivers still apply.
// Each rule is judged as its decide_on says (DecideOn in thresholds.h): by default an
// absolute rule compares the candidate's point estimate with the limit and is inconclusive
// when its interval reaches over; a relative rule fails only when its change exceeds the
// tolerance and is significant after the run's multiple-comparison correction. Bootstrap
// streams are derived from the config's seed and the side, group and metric names, so the
// result does not depend on evaluation order.
//
// A max_drift rule (Rule::drift_releases N) is judged against `drifts`' entry for N: the
// oldest of the N releases before the candidate's in place of the baseline, its note
// naming each release's value on the way (from `steps`). Without one (the candidate is not
// a Sentry release, or Sentry knows fewer releases before it) the rule has insufficient
// data, said in its note.
struct DriftBaseline {
  std::string oldest_release;
  SampleSet oldest;  // its events (or bins)
  // Every release from the oldest to the one before the candidate's, oldest first, with a
  // set that gives the metric's value (Sentry's aggregates will do).
  std::vector<std::pair<std::string, SampleSet>> steps;
};
using DriftBaselines = std::map<int, DriftBaseline>;
EvaluationResult Evaluate(const Thresholds& config, const SampleSet& baseline,
                          const SampleSet& candidate, std::chrono::year_month_day today,
                          const DriftBaselines& drifts = {});

// What the verdicts of `result` decide as a whole: a failed rule is a regression, and the
// policies say what too little data and inconclusive rules make of the rest.
Outcome DecideOutcome(const EvaluationResult& result);

// True when a transaction name holds what looks like one request's value rather than a
// route: a path or query segment of two or more digits, a UUID, or a run of 16 or more hex
// digits ("GET /users/1234", "/orders/3f2a...e9"). Such names split one endpoint into many
// small groups that cannot be judged.
bool LooksUnparameterised(std::string_view name);

// The name of the single group under group_by: none.
inline constexpr std::string_view kAllGroupName = "(all)";

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_EVALUATE_H_

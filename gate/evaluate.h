// The rule engine: judges a candidate release (against a baseline, for relative rules)
// under a Thresholds config. Pure: samples and config in, an EvaluationResult out; it
// reads nothing, fetches nothing and renders nothing.
#ifndef PERFGATE_GATE_EVALUATE_H_
#define PERFGATE_GATE_EVALUATE_H_

#include <chrono>

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
EvaluationResult Evaluate(const Thresholds& config, const SampleSet& baseline,
                          const SampleSet& candidate, std::chrono::year_month_day today);

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

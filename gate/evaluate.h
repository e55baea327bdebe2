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
// Verdicts use point estimates: absolute rules compare the candidate's value with the
// limit; relative rules compare the change against the baseline with the tolerance.
EvaluationResult Evaluate(const Thresholds& config, const SampleSet& baseline,
                          const SampleSet& candidate, std::chrono::year_month_day today);

// The name of the single group under group_by: none.
inline constexpr std::string_view kAllGroupName = "(all)";

}  // namespace perfgate::gate

#endif  // PERFGATE_GATE_EVALUATE_H_

// The explanations a run carries: for each transaction that did not pass (and whose
// releases both recorded span trees), the decomposition of its change. Reports render them.
#ifndef PERFGATE_EXPLAIN_EXPLANATIONS_H_
#define PERFGATE_EXPLAIN_EXPLANATIONS_H_

#include <map>
#include <string>

#include "core/samples.h"
#include "explain/decompose.h"
#include "gate/result.h"

namespace perfgate::explain {

// By transaction name.
using Explanations = std::map<std::string, Decomposition>;

// Explains every group of `result` that failed, warned or was inconclusive, where both
// sides carry span trees.
Explanations ExplainNotPassed(const gate::EvaluationResult& result, const SampleSet& baseline,
                              const SampleSet& candidate);

}  // namespace perfgate::explain

#endif  // PERFGATE_EXPLAIN_EXPLANATIONS_H_

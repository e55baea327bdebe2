#include "explain/explanations.h"

namespace perfgate::explain {

Explanations ExplainNotPassed(const gate::EvaluationResult& result, const SampleSet& baseline,
                              const SampleSet& candidate) {
  Explanations explanations;
  for (const gate::GroupResult& group : result.groups) {
    if (group.skipped ||
        (group.verdict != gate::Verdict::kFail && group.verdict != gate::Verdict::kWarn &&
         group.verdict != gate::Verdict::kInconclusive))
      continue;
    const GroupSamples* base = baseline.Find(group.name);
    const GroupSamples* cand = candidate.Find(group.name);
    if (base == nullptr || cand == nullptr) continue;
    if (std::optional<Decomposition> why = DecomposeMeanChange(*base, *cand))
      explanations.emplace(group.name, std::move(*why));
  }
  return explanations;
}

}  // namespace perfgate::explain

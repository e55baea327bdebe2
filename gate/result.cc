#include "gate/result.h"

namespace perfgate::gate {

int VerdictRank(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return 0;
    case Verdict::kWaived:
      return 1;
    case Verdict::kInconclusive:
      return 2;
    case Verdict::kInsufficientData:
      return 3;
    case Verdict::kWarn:
      return 4;
    case Verdict::kFail:
      return 5;
  }
  return 0;
}

std::size_t EvaluationResult::Count(Verdict verdict) const {
  std::size_t count = 0;
  for (const GroupResult& group : groups) {
    for (const RuleResult& rule : group.rules) count += rule.verdict == verdict ? 1 : 0;
  }
  return count;
}

std::size_t EvaluationResult::GroupsWith(Verdict verdict) const {
  std::size_t count = 0;
  for (const GroupResult& group : groups) {
    for (const RuleResult& rule : group.rules) {
      if (rule.verdict == verdict) {
        ++count;
        break;
      }
    }
  }
  return count;
}

}  // namespace perfgate::gate

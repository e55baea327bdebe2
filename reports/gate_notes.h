// The gate's notes worded: why a rule's verdict is not a plain pass or fail, and what a
// report must say besides the verdicts. The gate records them as data (gate/result.h);
// every report words them here, so they read the same everywhere.
#ifndef PERFGATE_REPORTS_GATE_NOTES_H_
#define PERFGATE_REPORTS_GATE_NOTES_H_

#include <string>
#include <vector>

#include "gate/result.h"

namespace perfgate::reports {

// The rule's note: its caveat, pre-existing breach and waiver, joined by "; ". Empty for a
// plain pass or fail. "candidate has 10 events, fewer than min_samples 50".
std::string RuleNote(const gate::EvaluationResult& result, const gate::RuleResult& rule);

// The run's notes, in order: unparameterised names, `groups:` patterns that matched nothing,
// rules that judged nothing, expired waivers, then each side's own notes and skipped rows
// (baseline first).
std::vector<std::string> RunNotes(const gate::EvaluationResult& result);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_GATE_NOTES_H_

// Anytime-valid verdicts for the scheduled alert job: a breach is announced only once an
// e-process has proven it, so a release looked at every hour for a month raises a false
// alarm on a rule no more often than one look would (Ville's inequality), and a breach
// ends only once its end is proven too (no flapping).
//
// An absolute rule on a quantile or a rate bounds how often an event may "hit": p95 <=
// 8000 ms allows at most 5 % of events over 8000 ms, error_rate <= 1 % at most 1 % failed,
// p10 >= 0.9 (a floor) at most 10 % under 0.9. Each look counts the events it adds and how
// many hit; stats::ChangeMixtureLogE turns the looks' counts into evidence against "every
// event hits with probability at most the allowed share, given the past" (a breach that
// starts at any look is found from the looks after it). The family is every rule so judged,
// of every transaction: each is proven at family / alpha (Bonferroni over e-values), so
// the chance of any false announcement over all looks stays under alpha.
//
// Other rules (mean, Apdex, throughput, ...) keep their fixed-sample verdicts. Pure: the
// state comes in, the result is rewritten, the CLI stores what KeepEvidence() put in the
// next state.
#ifndef PERFGATE_ALERT_ANYTIME_H_
#define PERFGATE_ALERT_ANYTIME_H_

#include <map>
#include <optional>
#include <string>

#include "alert/alert_state.h"
#include "core/samples.h"
#include "gate/result.h"
#include "stats/anytime.h"

namespace perfgate::alert {

// What one look added for one rule, and the totals it was counted from.
struct LookCounts {
  stats::CountWindow window;  // this look's events and hits
  stats::CountWindow totals;  // the source's, for a source without times (AlertEntry::seen)
};

struct AnytimeLook {
  std::map<std::string, LookCounts> counts;  // by AlertKey, for the rules judged so
  std::size_t family = 0;
  std::string source;
  std::optional<double> through;  // the newest event time counted
  bool timed = false;             // the events carried times; else the totals' growth counted
};

// Judges the rules of `result` that gate::AllowedShare() admits by the anytime-valid tests over
// `previous` looks and this one (`candidate`, the events the result was evaluated from),
// at family-wise level `alpha`: each such rule's verdict becomes fail (or warn, by its
// severity) while a breach is proven and not yet proven ended, else pass, and its
// `anytime` evidence is filled. Returns what the state must keep of this look.
AnytimeLook JudgeAnytime(const AlertState& previous, const SampleSet& candidate, double alpha,
                         gate::EvaluationResult& result);

// Stores this look's counts in `next` (UpdateAlerts' state from the rewritten result): a
// rule whose state changed at this look starts its evidence afresh (the next test is of
// the other direction); others add the look to theirs.
void KeepEvidence(const AnytimeLook& look, const AlertState& previous, AlertState& next);

}  // namespace perfgate::alert

#endif  // PERFGATE_ALERT_ANYTIME_H_

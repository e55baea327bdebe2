// The scheduled alert job's notification: the webhook body announcing what changed since
// the last run (alert/alert_state.h decides that), in a Slack-compatible "text" plus the
// structured changes.
#ifndef PERFGATE_REPORTS_ALERT_PAYLOAD_H_
#define PERFGATE_REPORTS_ALERT_PAYLOAD_H_

#include <string>

#include "alert/alert_state.h"
#include "gate/result.h"

namespace perfgate::reports {

// The notification's words: a headline counting the changes, then one line a change.
// REQUIRES: `update` was made from `result` (its changes point into it).
std::string RenderAlertText(const alert::AlertUpdate& update, const gate::EvaluationResult& result);

// The webhook body: RenderAlertText() as "text", and each change structured under "perfgate".
// REQUIRES: as RenderAlertText().
std::string RenderAlertPayload(const alert::AlertUpdate& update,
                               const gate::EvaluationResult& result);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_ALERT_PAYLOAD_H_

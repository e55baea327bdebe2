// The scheduled alert job's memory and message: which (group, rule) pairs were breaching
// at the last run, what changed since (a new breach, a breach still open past the reminder
// interval, a resolved one), and the webhook payload announcing it. Pure: the state comes
// in and goes out as JSON text; the CLI reads and writes the file and sends the payload.
#ifndef PERFGATE_REPORTS_ALERT_H_
#define PERFGATE_REPORTS_ALERT_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "gate/result.h"

namespace perfgate::reports {

struct AlertEntry {
  bool breaching = false;
  long long since = 0;          // epoch seconds: when the current state began
  long long last_notified = 0;  // epoch seconds: the last notification about this entry
};

// Keyed by "<group>  <limit text>", e.g. "POST /api/checkout  error_rate <= 1 %".
struct AlertState {
  std::map<std::string, AlertEntry> entries;
};

// An empty text is an empty state; anything else must be a state perfgate wrote, else a
// kInput error naming `source`.
Result<AlertState> ParseAlertState(const std::string& text, const std::string& source);
std::string RenderAlertState(const AlertState& state);

enum class AlertChangeKind { kNewBreach, kStillBreaching, kResolved };

struct AlertChange {
  AlertChangeKind kind;
  std::string key;
  std::string sentence;  // the rule's sentence with its numbers
  std::string severity;  // "fail" or "warn"
};

struct AlertUpdate {
  std::vector<AlertChange> changes;  // what to notify, new breaches first
  AlertState next;                   // the state to store once the notification went out
};

// Compares `result` with `previous` at time `now`. A rule is breaching when it failed or
// warned; passing resolves it; undecided rules (too few events, inconclusive) keep their
// previous state. A breach still open is announced again once `remind_after` has passed
// since its last notification (0: never).
AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now, std::chrono::seconds remind_after);

// The webhook body: a Slack-compatible "text" plus the structured changes.
std::string RenderAlertPayload(const AlertUpdate& update, const gate::EvaluationResult& result);

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_ALERT_H_

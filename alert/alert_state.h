// The scheduled alert job's memory: which (group, rule) pairs were breaching at the last
// run, and what changed since (a new breach, a breach still open past the reminder
// interval, a resolved one). Pure: the state comes in and goes out as JSON text; the CLI
// reads and writes the file, reports/alert_payload.h words the notification.
#ifndef PERFGATE_ALERT_ALERT_STATE_H_
#define PERFGATE_ALERT_ALERT_STATE_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/enum_names.h"
#include "core/result.h"
#include "gate/result.h"

namespace perfgate::alert {

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

inline constexpr NameTable<AlertChangeKind, 3> kAlertChangeKindNames = {
    {{AlertChangeKind::kNewBreach, "new_breach"},
     {AlertChangeKind::kStillBreaching, "still_breaching"},
     {AlertChangeKind::kResolved, "resolved"}}};

struct AlertChange {
  AlertChangeKind kind;
  std::string key;
  // The group and rule of the evaluation the update was made from: valid while it lives.
  const gate::GroupResult* group;
  const gate::RuleResult* rule;
};

struct AlertUpdate {
  std::vector<AlertChange> changes;  // what to notify, new breaches first
  AlertState next;                   // the state to store once the notification went out
};

// Compares `result` with `previous` at time `now`; the changes point into `result`. A rule is
// breaching when it failed or warned; passing resolves it; undecided rules (too few events,
// inconclusive) keep their previous state. A breach still open is announced again once
// `remind_after` has passed since its last notification (0: never).
AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now,
                         std::chrono::seconds remind_after);

}  // namespace perfgate::alert

#endif  // PERFGATE_ALERT_ALERT_STATE_H_

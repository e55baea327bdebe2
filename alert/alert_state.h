// The scheduled alert job's memory: which (group, rule) pairs were breaching at the last
// run, and what changed since (a new breach, a breach still open past the reminder
// interval, a resolved one, one whose transaction has had no data for too long). Pure: the state
// comes in and goes out as JSON text; the CLI reads and writes the file, reports/alert_payload.h
// words the notification.
#ifndef PERFGATE_ALERT_ALERT_STATE_H_
#define PERFGATE_ALERT_ALERT_STATE_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/enum_names.h"
#include "core/result.h"
#include "gate/result.h"
#include "stats/anytime.h"

namespace perfgate::alert {

struct AlertEntry {
  AlertEntry() = default;
  AlertEntry(bool breaching_, long long since_, long long last_notified_, long long last_seen_,
             std::string limit_)
      : breaching(breaching_),
        since(since_),
        last_notified(last_notified_),
        last_seen(last_seen_),
        limit(std::move(limit_)) {}

  bool breaching = false;
  long long since = 0;          // epoch seconds: when the current state began
  long long last_notified = 0;  // epoch seconds: the last notification about this entry
  long long last_seen = 0;      // epoch seconds: the last run that judged this rule
  std::string limit;            // the limit as last judged, "p95 <= 3000 ms"
  // The anytime-valid test's evidence (alert/anytime.h): each look's events that hit (went
  // over the limit, failed) since the current state began, newest last; a long history
  // keeps its newest kMaxWindows, `first_window` the index of the oldest kept.
  std::vector<stats::CountWindow> windows;
  std::size_t first_window = 1;
  // A source whose events carry no times: its hits and events at the last look, so that
  // the next look counts its growth.
  stats::CountWindow seen;
};

inline constexpr std::size_t kMaxWindows = 168;  // a week of hourly looks

// Keyed by the group and the rule's metric (and " (warn)" for a warn-severity rule), e.g.
// "POST /api/checkout  error_rate": not by the limit's value, so raising a limit from 3000 to
// 3500 ms keeps a breach's identity (it resolves, or stays the same breach).
struct AlertState {
  std::map<std::string, AlertEntry> entries;
  // The anytime-valid tests' family: the most rules judged so at one look (their threshold
  // is family / alpha, Bonferroni over e-values).
  std::size_t family = 0;
  // The source last looked at, and the newest event time it counted (UTC seconds): the
  // next look of the same source counts only later events.
  std::string source;
  std::optional<double> through;
};

// The key of `rule` of `group` in the state.
std::string AlertKey(const gate::GroupResult& group, const gate::RuleResult& rule);
// The key of every rule of `result`, in the order of its groups and their rules: AlertKey(),
// numbered " #2", " #3" where a group repeats a metric.
std::vector<std::string> AlertKeys(const gate::EvaluationResult& result);

// A state perfgate wrote (schema 3; schema 2, which kept no evidence; or schema 1, whose keys
// held the limit and are read as schema 2's); anything else, an empty text included, is a kInput
// error naming `source` and, for text that is not JSON, the line. (A missing file is the caller's
// empty state.)
Result<AlertState> ParseAlertState(const std::string& text, const std::string& source);
std::string RenderAlertState(const AlertState& state);

enum class AlertChangeKind { kNewBreach, kStillBreaching, kResolved, kNoData };

inline constexpr NameTable<AlertChangeKind, 4> kAlertChangeKindNames = {
    {{AlertChangeKind::kNewBreach, "new_breach"},
     {AlertChangeKind::kStillBreaching, "still_breaching"},
     {AlertChangeKind::kResolved, "resolved"},
     {AlertChangeKind::kNoData, "no_data"}}};

struct AlertChange {
  AlertChangeKind kind;
  std::string key;
  // The group and rule of the evaluation the update was made from: valid while it lives.
  // Null for kNoData, whose rule this run did not judge.
  const gate::GroupResult* group;
  const gate::RuleResult* rule;
  AlertEntry entry;  // the entry as it was before this run (kNoData: its limit and dates)
};

struct AlertUpdate {
  std::vector<AlertChange> changes;  // what to notify, new breaches first
  AlertState next;                   // the state to store once the notification went out
};

struct AlertTimes {
  // A breach still open is announced again once this has passed since its last
  // notification (0: never).
  std::chrono::seconds remind_after{0};
  // A rule no run has judged for this long (its transaction had no events, or the rule left
  // the config) is dropped from the state; if it was breaching, as a kNoData change.
  std::chrono::seconds no_data_after{std::chrono::hours(24)};
};

// Compares `result` with `previous` at time `now`; the changes point into `result`. A rule is
// breaching when it failed or warned; passing resolves it; undecided rules (too few events,
// inconclusive) keep their previous state (a rule first seen undecided is stored as not
// breaching).
AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now, const AlertTimes& times);

}  // namespace perfgate::alert

#endif  // PERFGATE_ALERT_ALERT_STATE_H_

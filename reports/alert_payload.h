// The scheduled alert job's notification: the webhook body announcing what changed since
// the last run (alert/alert_state.h decides that), in a Slack-compatible "text" plus the
// structured changes.
#ifndef PERFGATE_REPORTS_ALERT_PAYLOAD_H_
#define PERFGATE_REPORTS_ALERT_PAYLOAD_H_

#include <string>

#include "alert/alert_state.h"
#include "core/enum_names.h"
#include "gate/result.h"

namespace perfgate::reports {

// The notification's words: a headline counting the changes, then one line a change.
// REQUIRES: `update` was made from `result` (its changes point into it).
std::string RenderAlertText(const alert::AlertUpdate& update, const gate::EvaluationResult& result);

// The webhook's dialects: perfgate's JSON (a Slack-compatible "text" and the changes
// structured under "perfgate"), Slack's Block Kit, a Microsoft Teams Adaptive Card, a
// Discord message with an embed.
enum class WebhookFormat { kJson, kSlack, kTeams, kDiscord };
inline constexpr NameTable<WebhookFormat, 4> kWebhookFormatNames = {
    {{WebhookFormat::kJson, "json"},
     {WebhookFormat::kSlack, "slack"},
     {WebhookFormat::kTeams, "teams"},
     {WebhookFormat::kDiscord, "discord"}}};

// Where a notification points: the release in Sentry, the full report; empty: no link.
struct AlertLinks {
  std::string release;
  std::string report;
};

// The webhook body in `format`. REQUIRES: as RenderAlertText().
std::string RenderAlertPayload(const alert::AlertUpdate& update,
                               const gate::EvaluationResult& result,
                               WebhookFormat format = WebhookFormat::kJson,
                               const AlertLinks& links = {});

}  // namespace perfgate::reports

#endif  // PERFGATE_REPORTS_ALERT_PAYLOAD_H_

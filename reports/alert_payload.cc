#include "reports/alert_payload.h"

#include <chrono>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "reports/json_writer.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

std::string_view KindLabel(alert::AlertChangeKind kind) {
  switch (kind) {
    case alert::AlertChangeKind::kNewBreach:
      return "NEW";
    case alert::AlertChangeKind::kStillBreaching:
      return "STILL";
    case alert::AlertChangeKind::kResolved:
      return "RESOLVED";
    case alert::AlertChangeKind::kNoData:
      return "NO DATA";
  }
  return "";
}

// "2026-11-20 10:00 UTC".
std::string UtcMinute(long long epoch_seconds) {
  const std::chrono::sys_seconds time{std::chrono::seconds(epoch_seconds)};
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::hh_mm_ss clock(time - day);
  char text[32];
  std::snprintf(text, sizeof text, "%s %02d:%02d UTC", gate::DateText(day).c_str(),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()));
  return text;
}

// The sentence of one change: the rule's numbers, or for a rule no longer judged, its key,
// limit and when it was last seen.
std::string ChangeSentence(const alert::AlertChange& change, const gate::EvaluationResult& result) {
  if (change.rule != nullptr) return RuleSentence(result, *change.group, *change.rule);
  const std::size_t split = change.key.find("  ");
  return change.key.substr(0, split) + ": " + change.entry.limit +
         " was breaching; not judged since " + UtcMinute(change.entry.last_seen) +
         " (no events, or the rule left the config), so the alert is closed";
}

}  // namespace

std::string RenderAlertText(const alert::AlertUpdate& update,
                            const gate::EvaluationResult& result) {
  std::size_t counts[4] = {0, 0, 0, 0};
  for (const alert::AlertChange& change : update.changes) ++counts[static_cast<int>(change.kind)];
  std::string text = "perfgate alert for " + result.candidate_source + ":";
  const char* names[4] = {" new breach", " still breaching", " resolved", " without data"};
  bool first = true;
  for (int k = 0; k < 4; ++k) {
    if (counts[k] == 0) continue;
    text += (first ? " " : ", ") + std::to_string(counts[k]) + names[k] +
            (k == 0 && counts[k] > 1 ? "es" : "");
    first = false;
  }
  for (const alert::AlertChange& change : update.changes)
    text += "\n• " + std::string(KindLabel(change.kind)) + " " + ChangeSentence(change, result);
  return text;
}

std::string RenderAlertPayload(const alert::AlertUpdate& update,
                               const gate::EvaluationResult& result) {
  boost::json::array changes;
  for (const alert::AlertChange& change : update.changes) {
    changes.push_back(boost::json::object{
        {"change", NameOf(alert::kAlertChangeKindNames, change.kind)},
        {"rule", change.key},
        {"limit", change.rule != nullptr ? change.rule->limit_text : change.entry.limit},
        {"severity", change.rule != nullptr
                         ? boost::json::value(gate::SeverityName(change.rule->rule.severity))
                         : boost::json::value(nullptr)},
        {"detail", ChangeSentence(change, result)}});
  }
  return PrettyJson(boost::json::object{
      {"text", RenderAlertText(update, result)},
      {"perfgate", boost::json::object{{"verdict", NameOf(kOverallNames, OverallVerdict(result))},
                                       {"candidate", result.candidate_source},
                                       {"config", result.config_name},
                                       {"changes", std::move(changes)}}}});
}

}  // namespace perfgate::reports

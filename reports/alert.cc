#include "reports/alert.h"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "reports/json_writer.h"
#include "reports/summary_text.h"

namespace perfgate::reports {
namespace {

std::string_view KindName(AlertChangeKind kind) {
  switch (kind) {
    case AlertChangeKind::kNewBreach: return "new_breach";
    case AlertChangeKind::kStillBreaching: return "still_breaching";
    case AlertChangeKind::kResolved: return "resolved";
  }
  return "new_breach";
}

std::string_view KindLabel(AlertChangeKind kind) {
  switch (kind) {
    case AlertChangeKind::kNewBreach: return "NEW";
    case AlertChangeKind::kStillBreaching: return "STILL";
    case AlertChangeKind::kResolved: return "RESOLVED";
  }
  return "";
}

}  // namespace

Result<AlertState> ParseAlertState(const std::string& text, const std::string& source) {
  AlertState state;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return state;
  try {
    boost::json::value root = boost::json::parse(text);
    if (root.at("schema_version").to_number<int>() != 1) throw std::runtime_error("unknown schema_version");
    for (const auto& [key, value] : root.at("entries").as_object()) {
      AlertEntry entry;
      entry.breaching = value.at("breaching").as_bool();
      entry.since = value.at("since").to_number<long long>();
      entry.last_notified = value.at("last_notified").to_number<long long>();
      state.entries.emplace(std::string(key), entry);
    }
  } catch (const std::exception& error) {
    return MakeError(ErrorKind::kInput, source + ": not a perfgate alert state (" + error.what() +
                                            "); delete it to start afresh");
  }
  return state;
}

std::string RenderAlertState(const AlertState& state) {
  boost::json::object entries;
  for (const auto& [key, entry] : state.entries) {
    entries[key] = boost::json::object{
        {"breaching", entry.breaching}, {"since", entry.since}, {"last_notified", entry.last_notified}};
  }
  return PrettyJson(boost::json::object{{"schema_version", 1}, {"entries", std::move(entries)}});
}

AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now, std::chrono::seconds remind_after) {
  const long long seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  AlertUpdate update;
  update.next = previous;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      const std::string key = group.name + "  " + rule.limit_text;
      const bool breaching = rule.verdict == gate::Verdict::kFail || rule.verdict == gate::Verdict::kWarn;
      const bool passing = rule.verdict == gate::Verdict::kPass || rule.verdict == gate::Verdict::kWaived;
      if (!breaching && !passing) continue;  // undecided: no news either way
      auto found = update.next.entries.find(key);
      const bool was_breaching = found != update.next.entries.end() && found->second.breaching;
      AlertChange change{AlertChangeKind::kNewBreach, key, RuleSentence(result, group, rule),
                         std::string(gate::SeverityName(rule.rule.severity))};
      if (breaching && !was_breaching) {
        update.next.entries[key] = AlertEntry{true, seconds, seconds};
        update.changes.push_back(change);
      } else if (breaching && remind_after.count() > 0 && seconds - found->second.last_notified >= remind_after.count()) {
        found->second.last_notified = seconds;
        change.kind = AlertChangeKind::kStillBreaching;
        update.changes.push_back(change);
      } else if (passing && was_breaching) {
        found->second = AlertEntry{false, seconds, seconds};
        change.kind = AlertChangeKind::kResolved;
        update.changes.push_back(change);
      } else if (passing && found == update.next.entries.end()) {
        update.next.entries[key] = AlertEntry{false, seconds, 0};
      }
    }
  }
  std::stable_sort(update.changes.begin(), update.changes.end(),
                   [](const AlertChange& a, const AlertChange& b) { return a.kind < b.kind; });
  return update;
}

std::string RenderAlertPayload(const AlertUpdate& update, const gate::EvaluationResult& result) {
  std::size_t counts[3] = {0, 0, 0};
  for (const AlertChange& change : update.changes) ++counts[static_cast<int>(change.kind)];
  std::string text = "perfgate alert for " + result.candidate_source + ":";
  const char* names[3] = {" new breach", " still breaching", " resolved"};
  bool first = true;
  for (int k = 0; k < 3; ++k) {
    if (counts[k] == 0) continue;
    text += (first ? " " : ", ") + std::to_string(counts[k]) + names[k] + (k == 0 && counts[k] > 1 ? "es" : "");
    first = false;
  }
  boost::json::array changes;
  for (const AlertChange& change : update.changes) {
    text += "\n• " + std::string(KindLabel(change.kind)) + " " + change.sentence;
    changes.push_back(boost::json::object{{"change", KindName(change.kind)},
                                          {"rule", change.key},
                                          {"severity", change.severity},
                                          {"detail", change.sentence}});
  }
  return PrettyJson(boost::json::object{
      {"text", text},
      {"perfgate", boost::json::object{{"verdict", NameOf(kOverallNames, OverallVerdict(result))},
                                       {"candidate", result.candidate_source},
                                       {"config", result.config_name},
                                       {"changes", std::move(changes)}}}});
}

}  // namespace perfgate::reports

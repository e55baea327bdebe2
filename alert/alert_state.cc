#include "alert/alert_state.h"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace perfgate::alert {

Result<AlertState> ParseAlertState(const std::string& text, const std::string& source) {
  AlertState state;
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return state;
  try {
    boost::json::value root = boost::json::parse(text);
    if (root.at("schema_version").to_number<int>() != 1)
      throw std::runtime_error("unknown schema_version");
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
  // One entry a line, keys in order: deterministic, and readable in a diff of the file.
  std::string text = "{\n  \"schema_version\": 1,\n  \"entries\": {";
  const char* separator = "\n";
  for (const auto& [key, entry] : state.entries) {
    text += separator;
    text += "    " + boost::json::serialize(boost::json::value(key)) + ": " +
            boost::json::serialize(boost::json::object{{"breaching", entry.breaching},
                                                       {"since", entry.since},
                                                       {"last_notified", entry.last_notified}});
    separator = ",\n";
  }
  text += state.entries.empty() ? "}\n}\n" : "\n  }\n}\n";
  return text;
}

AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now,
                         std::chrono::seconds remind_after) {
  const long long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  AlertUpdate update;
  update.next = previous;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      const std::string key = group.name + "  " + rule.limit_text;
      const bool breaching =
          rule.verdict == gate::Verdict::kFail || rule.verdict == gate::Verdict::kWarn;
      const bool passing =
          rule.verdict == gate::Verdict::kPass || rule.verdict == gate::Verdict::kWaived;
      if (!breaching && !passing) continue;  // undecided: no news either way
      auto found = update.next.entries.find(key);
      const bool was_breaching = found != update.next.entries.end() && found->second.breaching;
      AlertChange change{AlertChangeKind::kNewBreach, key, &group, &rule};
      if (breaching && !was_breaching) {
        update.next.entries[key] = AlertEntry{true, seconds, seconds};
        update.changes.push_back(change);
      } else if (breaching && remind_after.count() > 0 &&
                 seconds - found->second.last_notified >= remind_after.count()) {
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

}  // namespace perfgate::alert

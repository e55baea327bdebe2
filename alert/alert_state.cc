#include "alert/alert_state.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

namespace perfgate::alert {
namespace {

constexpr int kSchemaVersion = 3;

// What is wrong with a state file, as an exception inside the parser only.
struct Invalid {
  std::string why;
};

// What is wrong with the entry `key`.
Invalid BadEntry(const std::string& key, const std::string& what) {
  return Invalid{"entry " + boost::json::serialize(boost::json::value(key)) + ": " + what};
}

long long WholeNumber(const boost::json::object& entry, std::string_view field,
                      const std::string& key) {
  const boost::json::value* value = entry.if_contains(field);
  if (value == nullptr || !value->is_int64()) {
    throw BadEntry(key, "\"" + std::string(field) + "\" is not a whole number");
  }
  return value->as_int64();
}

// A schema 1 key, "<group>  <limit text>", as its schema 2 key and its limit.
std::pair<std::string, std::string> FromSchema1(const std::string& key) {
  const std::size_t split = key.rfind("  ");
  if (split == std::string::npos) return {key, ""};
  const std::string limit = key.substr(split + 2);
  return {key.substr(0, split + 2) + limit.substr(0, limit.find(' ')), limit};
}

// A list of [hits, events] pairs, each a count with no more hits than events.
std::vector<stats::CountWindow> Windows(const boost::json::value& value, const std::string& key) {
  const boost::json::array* list = value.if_array();
  if (list == nullptr) throw BadEntry(key, "\"windows\" is not a list");
  std::vector<stats::CountWindow> windows;
  for (const boost::json::value& pair : *list) {
    const boost::json::array* counts = pair.if_array();
    if (counts == nullptr || counts->size() != 2 || !(*counts)[0].is_int64() ||
        !(*counts)[1].is_int64() || (*counts)[0].as_int64() < 0 ||
        (*counts)[0].as_int64() > (*counts)[1].as_int64()) {
      throw BadEntry(key, "a window is not [hits, events] with hits <= events");
    }
    windows.push_back({static_cast<double>((*counts)[0].as_int64()),
                       static_cast<double>((*counts)[1].as_int64())});
  }
  return windows;
}

boost::json::array CountsJson(const stats::CountWindow& window) {
  return {static_cast<std::int64_t>(window.hits), static_cast<std::int64_t>(window.trials)};
}

AlertState ParseEntries(const boost::json::value& root) {
  const boost::json::object* object = root.if_object();
  if (object == nullptr) throw Invalid{"not a JSON object"};
  const boost::json::value* version = object->if_contains("schema_version");
  if (version == nullptr || !version->is_int64() || version->as_int64() < 1 ||
      version->as_int64() > kSchemaVersion) {
    throw Invalid{"unknown schema_version " +
                  (version == nullptr ? std::string("(none)") : boost::json::serialize(*version))};
  }
  const bool schema1 = version->as_int64() == 1;
  const boost::json::value* entries = object->if_contains("entries");
  if (entries == nullptr || !entries->is_object()) throw Invalid{"no \"entries\" object"};
  AlertState state;
  for (const auto& [stored_key, value] : entries->as_object()) {
    std::string key(stored_key);
    const boost::json::object* fields = value.if_object();
    const boost::json::value* breaching = fields ? fields->if_contains("breaching") : nullptr;
    if (breaching == nullptr || !breaching->is_bool()) {
      throw BadEntry(key, "\"breaching\" is not true or false");
    }
    AlertEntry entry;
    entry.breaching = breaching->as_bool();
    entry.since = WholeNumber(*fields, "since", key);
    entry.last_notified = WholeNumber(*fields, "last_notified", key);
    if (schema1) {
      entry.last_seen = std::max(entry.since, entry.last_notified);
      std::tie(key, entry.limit) = FromSchema1(key);
    } else {
      entry.last_seen = WholeNumber(*fields, "last_seen", key);
      const boost::json::value* limit = fields->if_contains("limit");
      if (limit == nullptr || !limit->is_string()) {
        throw BadEntry(key, "\"limit\" is not a string");
      }
      entry.limit = std::string(limit->as_string());
    }
    if (const boost::json::value* windows = fields->if_contains("windows")) {
      entry.windows = Windows(*windows, key);
      entry.first_window = static_cast<std::size_t>(WholeNumber(*fields, "first_window", key));
      if (entry.first_window < 1) throw BadEntry(key, "\"first_window\" is not 1 or more");
    }
    if (const boost::json::value* seen = fields->if_contains("seen")) {
      const std::vector<stats::CountWindow> one = Windows(boost::json::array{*seen}, key);
      entry.seen = one.front();
    }
    state.entries.emplace(std::move(key), std::move(entry));
  }
  if (const boost::json::value* family = object->if_contains("family")) {
    if (!family->is_int64() || family->as_int64() < 0) throw Invalid{"\"family\" is not a count"};
    state.family = static_cast<std::size_t>(family->as_int64());
  }
  if (const boost::json::value* source = object->if_contains("source")) {
    if (!source->is_string()) throw Invalid{"\"source\" is not a string"};
    state.source = std::string(source->as_string());
  }
  if (const boost::json::value* through = object->if_contains("through")) {
    if (!through->is_number()) throw Invalid{"\"through\" is not a number"};
    state.through = through->to_number<double>();
  }
  return state;
}

}  // namespace

std::string AlertKey(const gate::GroupResult& group, const gate::RuleResult& rule) {
  return group.name + "  " + rule.rule.metric.name +
         (rule.rule.severity == gate::Severity::kWarn ? " (warn)" : "");
}

std::vector<std::string> AlertKeys(const gate::EvaluationResult& result) {
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      std::string key = AlertKey(group, rule);
      for (int n = 2; seen.contains(key); ++n)
        key = AlertKey(group, rule) + " #" + std::to_string(n);
      seen.insert(key);
      keys.push_back(std::move(key));
    }
  }
  return keys;
}

Result<AlertState> ParseAlertState(const std::string& text, const std::string& source) {
  auto invalid = [&](const std::string& why) {
    return MakeError(ErrorKind::kInput, source + ": not a perfgate alert state (" + why + ")");
  };
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return invalid("it is empty: a cut cache restore or a full disk?");
  boost::json::stream_parser parser;
  boost::system::error_code error;
  const std::size_t used = parser.write(text.data(), text.size(), error);
  if (!error) parser.finish(error);
  if (error) {
    const auto line =
        1 + std::count(text.begin(),
                       text.begin() + static_cast<std::ptrdiff_t>(std::min(used, text.size())),
                       '\n');
    return invalid("line " + std::to_string(line) + ": " + error.message());
  }
  try {
    return ParseEntries(parser.release());
  } catch (const Invalid& why) {
    return invalid(why.why);
  }
}

std::string RenderAlertState(const AlertState& state) {
  // One entry a line, keys in order: deterministic, and readable in a diff of the file.
  std::string text =
      "{\n  \"schema_version\": " + std::to_string(kSchemaVersion) + ",\n  \"entries\": {";
  const char* separator = "\n";
  for (const auto& [key, entry] : state.entries) {
    text += separator;
    boost::json::object fields{{"breaching", entry.breaching},
                               {"since", entry.since},
                               {"last_notified", entry.last_notified},
                               {"last_seen", entry.last_seen},
                               {"limit", entry.limit}};
    if (!entry.windows.empty()) {
      boost::json::array windows;
      for (const stats::CountWindow& window : entry.windows) windows.push_back(CountsJson(window));
      fields["windows"] = std::move(windows);
      fields["first_window"] = entry.first_window;
    }
    if (entry.seen.trials > 0) fields["seen"] = CountsJson(entry.seen);
    text += "    " + boost::json::serialize(boost::json::value(key)) + ": " +
            boost::json::serialize(fields);
    separator = ",\n";
  }
  text += state.entries.empty() ? "}" : "\n  }";
  if (state.family > 0) text += ",\n  \"family\": " + std::to_string(state.family);
  if (!state.source.empty())
    text += ",\n  \"source\": " + boost::json::serialize(boost::json::value(state.source));
  if (state.through)
    text += ",\n  \"through\": " + boost::json::serialize(boost::json::value(*state.through));
  text += "\n}\n";
  return text;
}

AlertUpdate UpdateAlerts(const AlertState& previous, const gate::EvaluationResult& result,
                         std::chrono::system_clock::time_point now, const AlertTimes& times) {
  const long long seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  AlertUpdate update;
  update.next = previous;
  const std::vector<std::string> keys = AlertKeys(result);
  const std::set<std::string> judged(keys.begin(), keys.end());
  std::size_t next_key = 0;
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      const std::string& key = keys[next_key++];
      const bool breaching =
          rule.verdict == gate::Verdict::kFail || rule.verdict == gate::Verdict::kWarn;
      const bool passing =
          rule.verdict == gate::Verdict::kPass || rule.verdict == gate::Verdict::kWaived;
      auto found = update.next.entries.find(key);
      if (found != update.next.entries.end()) {
        found->second.last_seen = seconds;
        found->second.limit = rule.limit_text;
      }
      if (!breaching && !passing) {  // undecided: no news either way; a new rule is not breaching
        if (found == update.next.entries.end())
          update.next.entries[key] = AlertEntry{false, seconds, 0, seconds, rule.limit_text};
        continue;
      }
      const bool was_breaching = found != update.next.entries.end() && found->second.breaching;
      AlertChange change{AlertChangeKind::kNewBreach, key, &group, &rule,
                         was_breaching ? found->second : AlertEntry{}};
      if (breaching && !was_breaching) {
        update.next.entries[key] = AlertEntry{true, seconds, seconds, seconds, rule.limit_text};
        update.changes.push_back(change);
      } else if (breaching && times.remind_after.count() > 0 &&
                 seconds - found->second.last_notified >= times.remind_after.count()) {
        found->second.last_notified = seconds;
        change.kind = AlertChangeKind::kStillBreaching;
        update.changes.push_back(change);
      } else if (passing && was_breaching) {
        found->second = AlertEntry{false, seconds, seconds, seconds, rule.limit_text};
        change.kind = AlertChangeKind::kResolved;
        update.changes.push_back(change);
      } else if (passing && found == update.next.entries.end()) {
        update.next.entries[key] = AlertEntry{false, seconds, 0, seconds, rule.limit_text};
      }
    }
  }
  // Rules this run did not judge: kept until they have been away for no_data_after.
  for (auto it = update.next.entries.begin(); it != update.next.entries.end();) {
    if (judged.contains(it->first) ||
        seconds - it->second.last_seen < times.no_data_after.count()) {
      ++it;
      continue;
    }
    if (it->second.breaching) {
      update.changes.push_back(
          AlertChange{AlertChangeKind::kNoData, it->first, nullptr, nullptr, it->second});
    }
    it = update.next.entries.erase(it);
  }
  std::stable_sort(update.changes.begin(), update.changes.end(),
                   [](const AlertChange& a, const AlertChange& b) { return a.kind < b.kind; });
  return update;
}

}  // namespace perfgate::alert

#include "reports/alert_payload.h"

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
  }
  return "";
}

}  // namespace

std::string RenderAlertPayload(const alert::AlertUpdate& update,
                               const gate::EvaluationResult& result) {
  std::size_t counts[3] = {0, 0, 0};
  for (const alert::AlertChange& change : update.changes) ++counts[static_cast<int>(change.kind)];
  std::string text = "perfgate alert for " + result.candidate_source + ":";
  const char* names[3] = {" new breach", " still breaching", " resolved"};
  bool first = true;
  for (int k = 0; k < 3; ++k) {
    if (counts[k] == 0) continue;
    text += (first ? " " : ", ") + std::to_string(counts[k]) + names[k] +
            (k == 0 && counts[k] > 1 ? "es" : "");
    first = false;
  }
  boost::json::array changes;
  for (const alert::AlertChange& change : update.changes) {
    const std::string sentence = RuleSentence(result, *change.group, *change.rule);
    text += "\n• " + std::string(KindLabel(change.kind)) + " " + sentence;
    changes.push_back(
        boost::json::object{{"change", NameOf(alert::kAlertChangeKindNames, change.kind)},
                            {"rule", change.key},
                            {"severity", gate::SeverityName(change.rule->rule.severity)},
                            {"detail", sentence}});
  }
  return PrettyJson(boost::json::object{
      {"text", text},
      {"perfgate", boost::json::object{{"verdict", NameOf(kOverallNames, OverallVerdict(result))},
                                       {"candidate", result.candidate_source},
                                       {"config", result.config_name},
                                       {"changes", std::move(changes)}}}});
}

}  // namespace perfgate::reports

#include "alert/alert_state.h"

#include <gtest/gtest.h>

namespace perfgate::alert {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const auto kStart = std::chrono::system_clock::time_point(seconds(1795608000));

// One group "GET /a" with one absolute rule of `verdict`.
gate::EvaluationResult Judged(gate::Verdict verdict) {
  gate::EvaluationResult result;
  gate::GroupResult group;
  group.name = "GET /a";
  gate::RuleResult rule;
  rule.limit_text = "p95 <= 8000 ms";
  rule.verdict = verdict;
  group.rules.push_back(rule);
  result.groups.push_back(group);
  return result;
}

TEST(UpdateAlerts, AnnouncesANewBreachOnceThenRemindsThenResolves) {
  const gate::EvaluationResult failing = Judged(gate::Verdict::kFail);
  AlertUpdate first = UpdateAlerts({}, failing, kStart, hours(24));
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_EQ(first.changes[0].kind, AlertChangeKind::kNewBreach);
  EXPECT_EQ(first.changes[0].key, "GET /a  p95 <= 8000 ms");
  EXPECT_EQ(first.changes[0].rule, &failing.groups[0].rules[0]);
  const AlertEntry& entry = first.next.entries.at("GET /a  p95 <= 8000 ms");
  EXPECT_TRUE(entry.breaching);
  EXPECT_EQ(entry.since, 1795608000);

  AlertUpdate quiet = UpdateAlerts(first.next, failing, kStart + hours(23), hours(24));
  EXPECT_TRUE(quiet.changes.empty());  // within the reminder interval

  AlertUpdate reminder = UpdateAlerts(quiet.next, failing, kStart + hours(24), hours(24));
  ASSERT_EQ(reminder.changes.size(), 1u);
  EXPECT_EQ(reminder.changes[0].kind, AlertChangeKind::kStillBreaching);
  EXPECT_EQ(reminder.next.entries.at("GET /a  p95 <= 8000 ms").since,
            1795608000);  // still the first breach

  const gate::EvaluationResult passing = Judged(gate::Verdict::kPass);
  AlertUpdate resolved = UpdateAlerts(reminder.next, passing, kStart + hours(25), hours(24));
  ASSERT_EQ(resolved.changes.size(), 1u);
  EXPECT_EQ(resolved.changes[0].kind, AlertChangeKind::kResolved);
  EXPECT_FALSE(resolved.next.entries.at("GET /a  p95 <= 8000 ms").breaching);
  EXPECT_TRUE(UpdateAlerts(resolved.next, passing, kStart + hours(26), hours(24)).changes.empty());
}

TEST(UpdateAlerts, NoReminderWithoutAnIntervalAndUndecidedKeepsTheState) {
  AlertUpdate first = UpdateAlerts({}, Judged(gate::Verdict::kWarn), kStart, seconds(0));
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_TRUE(
      UpdateAlerts(first.next, Judged(gate::Verdict::kWarn), kStart + hours(1000), seconds(0))
          .changes.empty());
  for (gate::Verdict undecided : {gate::Verdict::kInconclusive, gate::Verdict::kInsufficientData}) {
    AlertUpdate update = UpdateAlerts(first.next, Judged(undecided), kStart + hours(1), hours(1));
    EXPECT_TRUE(update.changes.empty());
    EXPECT_TRUE(update.next.entries.at("GET /a  p95 <= 8000 ms").breaching);
  }
  // A waived rule counts as passing: it resolves.
  EXPECT_EQ(UpdateAlerts(first.next, Judged(gate::Verdict::kWaived), kStart, seconds(0))
                .changes.at(0)
                .kind,
            AlertChangeKind::kResolved);
}

TEST(AlertState, RoundTripsThroughItsStoredForm) {
  AlertState state;
  state.entries["GET /a  p95 <= 8000 ms"] = AlertEntry{true, 10, 20};
  state.entries["POST \"b\"  error_rate <= 1 %"] = AlertEntry{false, 30, 0};
  const std::string text = RenderAlertState(state);
  EXPECT_EQ(
      text,
      "{\n  \"schema_version\": 1,\n  \"entries\": {\n"
      "    \"GET /a  p95 <= 8000 ms\": {\"breaching\":true,\"since\":10,\"last_notified\":20},\n"
      "    \"POST \\\"b\\\"  error_rate <= 1 %\": "
      "{\"breaching\":false,\"since\":30,\"last_notified\":0}\n"
      "  }\n}\n");
  Result<AlertState> back = ParseAlertState(text, "state.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->entries.size(), 2u);
  EXPECT_EQ(back->entries.at("GET /a  p95 <= 8000 ms").last_notified, 20);
  EXPECT_TRUE(ParseAlertState(RenderAlertState({}), "s").ok());
  EXPECT_TRUE(ParseAlertState("  \n", "s")->entries.empty());
}

TEST(AlertState, AnythingElseIsAnErrorNamingTheFile) {
  Result<AlertState> bad =
      ParseAlertState("{\"schema_version\": 2, \"entries\": {}}", "state.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInput);
  EXPECT_EQ(
      bad.error().message,
      "state.json: not a perfgate alert state (unknown schema_version); delete it to start afresh");
  EXPECT_FALSE(ParseAlertState("[1, 2]", "state.json").ok());
}

}  // namespace
}  // namespace perfgate::alert

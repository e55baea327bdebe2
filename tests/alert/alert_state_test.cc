#include "alert/alert_state.h"

#include <gtest/gtest.h>

namespace perfgate::alert {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const auto kStart = std::chrono::system_clock::time_point(seconds(1795608000));

AlertTimes RemindAfter(seconds interval) { return AlertTimes{interval, hours(24)}; }

// One group "GET /a" with one absolute rule of `verdict` and limit `limit`.
gate::EvaluationResult Judged(gate::Verdict verdict, const std::string& limit = "p95 <= 8000 ms") {
  gate::EvaluationResult result;
  gate::GroupResult group;
  group.name = "GET /a";
  gate::RuleResult rule;
  rule.limit_text = limit;
  rule.rule.metric.name = limit.substr(0, limit.find(' '));  // "p95"
  rule.verdict = verdict;
  group.rules.push_back(rule);
  result.groups.push_back(group);
  return result;
}

TEST(UpdateAlerts, AnnouncesANewBreachOnceThenRemindsThenResolves) {
  const gate::EvaluationResult failing = Judged(gate::Verdict::kFail);
  AlertUpdate first = UpdateAlerts({}, failing, kStart, RemindAfter(hours(24)));
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_EQ(first.changes[0].kind, AlertChangeKind::kNewBreach);
  EXPECT_EQ(first.changes[0].key, "GET /a  p95");
  EXPECT_EQ(first.changes[0].rule, &failing.groups[0].rules[0]);
  const AlertEntry& entry = first.next.entries.at("GET /a  p95");
  EXPECT_TRUE(entry.breaching);
  EXPECT_EQ(entry.since, 1795608000);
  EXPECT_EQ(entry.limit, "p95 <= 8000 ms");

  AlertUpdate quiet = UpdateAlerts(first.next, failing, kStart + hours(23), RemindAfter(hours(24)));
  EXPECT_TRUE(quiet.changes.empty());  // within the reminder interval

  AlertUpdate reminder =
      UpdateAlerts(quiet.next, failing, kStart + hours(24), RemindAfter(hours(24)));
  ASSERT_EQ(reminder.changes.size(), 1u);
  EXPECT_EQ(reminder.changes[0].kind, AlertChangeKind::kStillBreaching);
  EXPECT_EQ(reminder.next.entries.at("GET /a  p95").since, 1795608000);  // still the first breach

  const gate::EvaluationResult passing = Judged(gate::Verdict::kPass);
  AlertUpdate resolved =
      UpdateAlerts(reminder.next, passing, kStart + hours(25), RemindAfter(hours(24)));
  ASSERT_EQ(resolved.changes.size(), 1u);
  EXPECT_EQ(resolved.changes[0].kind, AlertChangeKind::kResolved);
  EXPECT_EQ(resolved.changes[0].entry.since, 1795608000);  // the breach it closes
  EXPECT_FALSE(resolved.next.entries.at("GET /a  p95").breaching);
  EXPECT_TRUE(UpdateAlerts(resolved.next, passing, kStart + hours(26), RemindAfter(hours(24)))
                  .changes.empty());
}

TEST(UpdateAlerts, NoReminderWithoutAnIntervalAndUndecidedKeepsTheState) {
  AlertUpdate first =
      UpdateAlerts({}, Judged(gate::Verdict::kWarn), kStart, RemindAfter(seconds(0)));
  ASSERT_EQ(first.changes.size(), 1u);
  EXPECT_TRUE(UpdateAlerts(first.next, Judged(gate::Verdict::kWarn), kStart + hours(1000),
                           RemindAfter(seconds(0)))
                  .changes.empty());
  for (gate::Verdict undecided : {gate::Verdict::kInconclusive, gate::Verdict::kInsufficientData}) {
    AlertUpdate update =
        UpdateAlerts(first.next, Judged(undecided), kStart + hours(100), RemindAfter(hours(1)));
    EXPECT_TRUE(update.changes.empty());
    EXPECT_TRUE(update.next.entries.at("GET /a  p95").breaching);
    EXPECT_EQ(update.next.entries.at("GET /a  p95").last_seen, 1795608000 + 100 * 3600);  // seen
  }
  // A waived rule counts as passing: it resolves.
  EXPECT_EQ(
      UpdateAlerts(first.next, Judged(gate::Verdict::kWaived), kStart, RemindAfter(seconds(0)))
          .changes.at(0)
          .kind,
      AlertChangeKind::kResolved);
}

TEST(UpdateAlerts, ChangingALimitKeepsTheBreachsIdentity) {
  AlertUpdate first = UpdateAlerts({}, Judged(gate::Verdict::kFail, "p95 <= 3000 ms"), kStart,
                                   RemindAfter(hours(24)));
  // Raised to 3500 ms and still breached: the same breach, not news.
  AlertUpdate raised = UpdateAlerts(first.next, Judged(gate::Verdict::kFail, "p95 <= 3500 ms"),
                                    kStart + hours(1), RemindAfter(hours(24)));
  EXPECT_TRUE(raised.changes.empty());
  ASSERT_EQ(raised.next.entries.size(), 1u);
  EXPECT_EQ(raised.next.entries.at("GET /a  p95").since, 1795608000);
  EXPECT_EQ(raised.next.entries.at("GET /a  p95").limit, "p95 <= 3500 ms");
  // Raised past the value: the breach resolves, once.
  AlertUpdate passed = UpdateAlerts(raised.next, Judged(gate::Verdict::kPass, "p95 <= 9000 ms"),
                                    kStart + hours(2), RemindAfter(hours(24)));
  ASSERT_EQ(passed.changes.size(), 1u);
  EXPECT_EQ(passed.changes[0].kind, AlertChangeKind::kResolved);
  EXPECT_EQ(passed.next.entries.size(), 1u);
}

TEST(UpdateAlerts, ABreachWhoseTransactionVanishesClosesAfterTheNoDataTime) {
  AlertUpdate first = UpdateAlerts({}, Judged(gate::Verdict::kFail), kStart, RemindAfter(hours(1)));
  gate::EvaluationResult other;  // the next release has no "GET /a" at all
  other.groups.push_back(Judged(gate::Verdict::kPass).groups[0]);
  other.groups[0].name = "GET /b";
  AlertUpdate away = UpdateAlerts(first.next, other, kStart + hours(23), RemindAfter(hours(1)));
  EXPECT_TRUE(away.changes.empty());  // not yet: quiet transactions come back
  EXPECT_TRUE(away.next.entries.at("GET /a  p95").breaching);
  AlertUpdate gone = UpdateAlerts(away.next, other, kStart + hours(24), RemindAfter(hours(1)));
  ASSERT_EQ(gone.changes.size(), 1u);
  EXPECT_EQ(gone.changes[0].kind, AlertChangeKind::kNoData);
  EXPECT_EQ(gone.changes[0].rule, nullptr);
  EXPECT_EQ(gone.changes[0].entry.limit, "p95 <= 8000 ms");
  EXPECT_EQ(gone.changes[0].entry.last_seen, 1795608000);
  EXPECT_FALSE(gone.next.entries.contains("GET /a  p95"));
  EXPECT_TRUE(gone.next.entries.contains("GET /b  p95"));
  // Its return is a new breach; a passing entry that vanishes is dropped without a word.
  AlertUpdate back = UpdateAlerts(gone.next, Judged(gate::Verdict::kFail), kStart + hours(25),
                                  RemindAfter(hours(1)));
  ASSERT_EQ(back.changes.size(), 1u);
  EXPECT_EQ(back.changes[0].kind, AlertChangeKind::kNewBreach);
  AlertUpdate later = UpdateAlerts(back.next, Judged(gate::Verdict::kFail), kStart + hours(49),
                                   RemindAfter(seconds(0)));
  EXPECT_FALSE(later.next.entries.contains("GET /b  p95"));
  EXPECT_TRUE(later.changes.empty());
}

TEST(UpdateAlerts, AWarnRuleBesideAFailRuleOnOneMetricKeepsItsOwnEntry) {
  gate::EvaluationResult result = Judged(gate::Verdict::kFail, "p95 <= 8000 ms");
  gate::RuleResult warn = result.groups[0].rules[0];
  warn.limit_text = "p95 <= 5000 ms";
  warn.rule.severity = gate::Severity::kWarn;
  result.groups[0].rules.push_back(warn);
  result.groups[0].rules.push_back(warn);  // the same twice: numbered
  AlertUpdate update = UpdateAlerts({}, result, kStart, RemindAfter(hours(1)));
  ASSERT_EQ(update.changes.size(), 3u);
  EXPECT_EQ(update.changes[0].key, "GET /a  p95");
  EXPECT_EQ(update.changes[1].key, "GET /a  p95 (warn)");
  EXPECT_EQ(update.changes[2].key, "GET /a  p95 (warn) #2");
}

TEST(AlertState, RoundTripsThroughItsStoredForm) {
  AlertState state;
  state.entries["GET /a  p95"] = AlertEntry{true, 10, 20, 30, "p95 <= 8000 ms"};
  state.entries["POST \"b\"  error_rate"] = AlertEntry{false, 30, 0, 40, "error_rate <= 1 %"};
  const std::string text = RenderAlertState(state);
  EXPECT_EQ(text,
            "{\n  \"schema_version\": 3,\n  \"entries\": {\n"
            "    \"GET /a  p95\": {\"breaching\":true,\"since\":10,\"last_notified\":20,"
            "\"last_seen\":30,\"limit\":\"p95 <= 8000 ms\"},\n"
            "    \"POST \\\"b\\\"  error_rate\": {\"breaching\":false,\"since\":30,"
            "\"last_notified\":0,\"last_seen\":40,\"limit\":\"error_rate <= 1 %\"}\n"
            "  }\n}\n");
  Result<AlertState> back = ParseAlertState(text, "state.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->entries.size(), 2u);
  EXPECT_EQ(back->entries.at("GET /a  p95").last_notified, 20);
  EXPECT_EQ(back->entries.at("POST \"b\"  error_rate").limit, "error_rate <= 1 %");
  EXPECT_EQ(RenderAlertState(*back), text);
  EXPECT_TRUE(ParseAlertState(RenderAlertState({}), "s").ok());
}

TEST(AlertState, AnEmptyTextIsNotAnEmptyState) {
  // A cut cache restore or a full disk leaves 0 bytes: read as a fresh start, every open
  // breach would be announced again as new.
  Result<AlertState> empty = ParseAlertState("  \n", "state.json");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message,
            "state.json: not a perfgate alert state (it is empty: a cut cache restore or a full "
            "disk?)");
}

TEST(AlertState, SchemaOneStatesAreReadWithTheirLimitsMovedOutOfTheKeys) {
  Result<AlertState> old = ParseAlertState(
      "{\"schema_version\": 1, \"entries\": {\"GET /a  p95 <= 8000 ms\": "
      "{\"breaching\": true, \"since\": 10, \"last_notified\": 20}}}",
      "state.json");
  ASSERT_TRUE(old.ok()) << old.error().message;
  const AlertEntry& entry = old->entries.at("GET /a  p95");
  EXPECT_TRUE(entry.breaching);
  EXPECT_EQ(entry.limit, "p95 <= 8000 ms");
  EXPECT_EQ(entry.last_seen, 20);
  // So the same breach judged now is no news.
  EXPECT_TRUE(UpdateAlerts(*old, Judged(gate::Verdict::kFail), kStart, RemindAfter(seconds(0)))
                  .changes.empty());
}

TEST(AlertState, AnythingElseIsAnErrorNamingTheFileAndWhatIsWrong) {
  auto message = [](const std::string& text) {
    Result<AlertState> bad = ParseAlertState(text, "state.json");
    EXPECT_FALSE(bad.ok()) << text;
    if (bad.ok()) return std::string();
    EXPECT_EQ(bad.error().kind, ErrorKind::kInput);
    return bad.error().message;
  };
  const std::string head = "state.json: not a perfgate alert state (";
  const std::string tail = ")";
  EXPECT_EQ(message("{\"schema_version\": 4, \"entries\": {}}"),
            head + "unknown schema_version 4" + tail);
  EXPECT_EQ(message("{\"entries\": {}}"), head + "unknown schema_version (none)" + tail);
  EXPECT_EQ(message("[1, 2]"), head + "not a JSON object" + tail);
  EXPECT_EQ(message("{\"schema_version\": 2}"), head + "no \"entries\" object" + tail);
  EXPECT_EQ(message("{\"schema_version\": 2, \"entries\": {\"k\": {\"breaching\": 1}}}"),
            head + "entry \"k\": \"breaching\" is not true or false" + tail);
  EXPECT_EQ(message("{\"schema_version\": 2, \"entries\": {\"k\": {\"breaching\": true, "
                    "\"since\": 1.5}}}"),
            head + "entry \"k\": \"since\" is not a whole number" + tail);
  EXPECT_EQ(message("{\"schema_version\": 2, \"entries\": {\"k\": {\"breaching\": true, "
                    "\"since\": 1, \"last_notified\": 1, \"last_seen\": 1}}}"),
            head + "entry \"k\": \"limit\" is not a string" + tail);
  // Not JSON at all: the line, and no parser internals.
  const std::string truncated = message("{\n  \"schema_version\": 2,\n  \"entries\": {\n    \"a\"");
  EXPECT_TRUE(truncated.starts_with(head + "line 4: ")) << truncated;
  EXPECT_EQ(truncated.find(".hpp"), std::string::npos) << truncated;
  const std::string garbage = message("{\n\n  oops");
  EXPECT_TRUE(garbage.starts_with(head + "line 3: ")) << garbage;
}

}  // namespace
}  // namespace perfgate::alert

// The alert's notification in each webhook dialect: valid JSON of the shape each service
// takes, every change in it, the links, and long or hostile text kept within the limits.
#include "reports/alert_payload.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>

#include <boost/json/parse.hpp>

namespace perfgate::reports {
namespace {

struct Fixture {
  gate::EvaluationResult result;
  alert::AlertUpdate update;

  explicit Fixture(const std::string& name = "POST /api/<checkout> & co") {
    result.candidate_source = "sentry:1.2";
    result.config_name = "thresholds.yaml";
    gate::GroupResult group;
    group.name = name;
    gate::RuleResult rule;
    rule.rule.metric.name = "error_rate";
    rule.rule.metric.kind = gate::MetricKind::kErrorRate;
    rule.rule.metric.unit = gate::MetricUnit::kFraction;
    rule.rule.limit = 0.01;
    rule.limit_text = "error_rate <= 1 %";
    rule.candidate = 0.0438;
    rule.candidate_n = 800;
    rule.verdict = gate::Verdict::kFail;
    group.rules.push_back(rule);
    result.groups.push_back(group);
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795608000));
    update = alert::UpdateAlerts({}, result, now, alert::AlertTimes{});
  }
};

const AlertLinks kLinks{"https://acme.sentry.io/releases/1.2/", "https://ci.example.com/r/7"};

TEST(AlertPayload, SlackIsBlockKitWithEscapedText) {
  Fixture fixture;
  const boost::json::value slack = boost::json::parse(
      RenderAlertPayload(fixture.update, fixture.result, WebhookFormat::kSlack, kLinks));
  const boost::json::array& blocks = slack.at("blocks").as_array();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].at("type"), "header");
  EXPECT_EQ(blocks[0].at("text").at("text"), "perfgate alert for sentry:1.2: 1 new breach");
  const std::string section(blocks[1].at("text").at("text").as_string());
  EXPECT_TRUE(section.starts_with("*NEW* POST /api/&lt;checkout&gt; &amp; co error_rate 4.38 %"))
      << section;
  EXPECT_EQ(section.find('<'), std::string::npos);
  const boost::json::array& context = blocks[2].at("elements").as_array();
  EXPECT_EQ(context.back().at("text"), "<https://ci.example.com/r/7|Full report>");
  EXPECT_EQ(context[1].at("text"), "<https://acme.sentry.io/releases/1.2/|Release in Sentry>");
}

TEST(AlertPayload, TeamsIsAnAdaptiveCardWithLinkActions) {
  Fixture fixture;
  const boost::json::value teams = boost::json::parse(
      RenderAlertPayload(fixture.update, fixture.result, WebhookFormat::kTeams, kLinks));
  EXPECT_EQ(teams.at("type"), "message");
  const boost::json::value& attachment = teams.at("attachments").at(0);
  EXPECT_EQ(attachment.at("contentType"), "application/vnd.microsoft.card.adaptive");
  const boost::json::value& card = attachment.at("content");
  EXPECT_EQ(card.at("type"), "AdaptiveCard");
  EXPECT_EQ(card.at("body").as_array().size(), 3u);  // headline, one change, how judged
  EXPECT_EQ(card.at("actions").at(0).at("url"), "https://acme.sentry.io/releases/1.2/");
}

TEST(AlertPayload, DiscordIsAnEmbedWithinItsLimits) {
  Fixture fixture(std::string(3000, 'x') + "é");  // a hostile name past Discord's limit
  const std::string body =
      RenderAlertPayload(fixture.update, fixture.result, WebhookFormat::kDiscord, kLinks);
  const boost::json::value discord = boost::json::parse(body);
  EXPECT_EQ(discord.at("content"), "perfgate alert for sentry:1.2: 1 new breach");
  const boost::json::value& embed = discord.at("embeds").at(0);
  EXPECT_EQ(embed.at("color"), 15158332);  // red: a breach
  EXPECT_EQ(embed.at("url"), "https://ci.example.com/r/7");
  EXPECT_LE(embed.at("description").as_string().size(), 4000u);
}

TEST(AlertPayload, JsonKeepsItsShapeAndAddsTheLinks) {
  Fixture fixture;
  const boost::json::value json = boost::json::parse(
      RenderAlertPayload(fixture.update, fixture.result, WebhookFormat::kJson, kLinks));
  EXPECT_EQ(json.at("perfgate").at("changes").at(0).at("change"), "new_breach");
  EXPECT_EQ(json.at("perfgate").at("release_url"), "https://acme.sentry.io/releases/1.2/");
  EXPECT_TRUE(std::string(json.at("text").as_string()).starts_with("perfgate alert for "));
}

TEST(AlertPayload, AReminderSaysSinceWhen) {
  Fixture fixture;
  alert::AlertState state = fixture.update.next;
  const auto later =
      std::chrono::system_clock::time_point(std::chrono::seconds(1795608000 + 90000));
  const alert::AlertUpdate reminder =
      alert::UpdateAlerts(state, fixture.result, later, alert::AlertTimes{std::chrono::hours(24)});
  ASSERT_EQ(reminder.changes.size(), 1u);
  const std::string text = RenderAlertText(reminder, fixture.result);
  EXPECT_NE(text.find("; breaching since 2026-11-25 12:00 UTC"), std::string::npos) << text;
}

}  // namespace
}  // namespace perfgate::reports

#include "reports/alert_payload.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

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
  if (change.rule != nullptr) {
    std::string sentence = RuleSentence(result, *change.group, *change.rule);
    if (change.kind == alert::AlertChangeKind::kStillBreaching)
      sentence += "; breaching since " + UtcMinute(change.entry.since);
    return sentence;
  }
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

namespace {

// `text` cut to at most `bytes` bytes at a character's start (UTF-8), ending in "…" when
// cut: the dialects limit their fields' lengths.
std::string Clip(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes - 3;  // room for the ellipsis
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

// Text for Slack's mrkdwn, where &, < and > are markup.
std::string SlackEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

// The headline alone: "perfgate alert for sentry:1.2: 1 new breach".
std::string Headline(const std::string& text) { return text.substr(0, text.find('\n')); }

// The links as Markdown-ish pairs of title and URL, those given.
std::vector<std::pair<std::string, std::string>> LinkList(const AlertLinks& links) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!links.release.empty()) out.emplace_back("Release in Sentry", links.release);
  if (!links.report.empty()) out.emplace_back("Full report", links.report);
  return out;
}

// What every dialect says under the changes: how the verdicts were reached.
std::string Footer(const gate::EvaluationResult& result) {
  for (const gate::GroupResult& group : result.groups) {
    for (const gate::RuleResult& rule : group.rules) {
      if (rule.anytime) {
        return "Anytime-valid: each breach is proven over every run so far at " +
               std::to_string(rule.anytime->family) + " rules' family-wise level, however " +
               "often this job runs. Config " + result.config_name + ".";
      }
    }
  }
  return "Judged on this run's own intervals (--fixed-sample). Config " + result.config_name + ".";
}

std::string Perfgate(const alert::AlertUpdate& update, const gate::EvaluationResult& result,
                     const AlertLinks& links) {
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
  boost::json::object perfgate{{"verdict", NameOf(kOverallNames, OverallVerdict(result))},
                               {"candidate", result.candidate_source},
                               {"config", result.config_name},
                               {"changes", std::move(changes)}};
  if (!links.release.empty()) perfgate["release_url"] = links.release;
  if (!links.report.empty()) perfgate["report_url"] = links.report;
  return PrettyJson(boost::json::object{{"text", RenderAlertText(update, result)},
                                        {"perfgate", std::move(perfgate)}});
}

// Slack's Block Kit: a header, a section per change (at most 45: Slack takes 50 blocks), the
// links and how it was judged; "text" is the notification's fallback.
std::string Slack(const alert::AlertUpdate& update, const gate::EvaluationResult& result,
                  const AlertLinks& links) {
  constexpr std::size_t kMaxSections = 45;
  const std::string text = RenderAlertText(update, result);
  boost::json::array blocks;
  blocks.push_back(boost::json::object{
      {"type", "header"},
      {"text", boost::json::object{{"type", "plain_text"}, {"text", Clip(Headline(text), 150)}}}});
  std::size_t shown = 0;
  for (const alert::AlertChange& change : update.changes) {
    if (shown++ == kMaxSections) {
      blocks.push_back(boost::json::object{
          {"type", "section"},
          {"text", boost::json::object{
                       {"type", "mrkdwn"},
                       {"text", "… and " + std::to_string(update.changes.size() - kMaxSections) +
                                    " more (see the full report)"}}}});
      break;
    }
    // Slack's section text holds at most 3000 characters.
    const std::string line = "*" + std::string(KindLabel(change.kind)) + "* " +
                             SlackEscape(ChangeSentence(change, result));
    blocks.push_back(boost::json::object{
        {"type", "section"},
        {"text", boost::json::object{{"type", "mrkdwn"}, {"text", Clip(line, 3000)}}}});
  }
  boost::json::array context{
      boost::json::object{{"type", "mrkdwn"}, {"text", SlackEscape(Footer(result))}}};
  for (const auto& [title, url] : LinkList(links))
    context.push_back(
        boost::json::object{{"type", "mrkdwn"}, {"text", "<" + url + "|" + title + ">"}});
  blocks.push_back(boost::json::object{{"type", "context"}, {"elements", std::move(context)}});
  return PrettyJson(
      boost::json::object{{"text", SlackEscape(text)}, {"blocks", std::move(blocks)}});
}

// A Microsoft Teams incoming webhook: a message with one Adaptive Card.
std::string Teams(const alert::AlertUpdate& update, const gate::EvaluationResult& result,
                  const AlertLinks& links) {
  const std::string text = RenderAlertText(update, result);
  boost::json::array body;
  body.push_back(boost::json::object{{"type", "TextBlock"},
                                     {"text", Headline(text)},
                                     {"weight", "Bolder"},
                                     {"size", "Medium"},
                                     {"wrap", true}});
  for (const alert::AlertChange& change : update.changes) {
    body.push_back(boost::json::object{{"type", "TextBlock"},
                                       {"text", "**" + std::string(KindLabel(change.kind)) + "** " +
                                                    ChangeSentence(change, result)},
                                       {"wrap", true}});
  }
  body.push_back(boost::json::object{
      {"type", "TextBlock"}, {"text", Footer(result)}, {"isSubtle", true}, {"wrap", true}});
  boost::json::array actions;
  for (const auto& [title, url] : LinkList(links))
    actions.push_back(
        boost::json::object{{"type", "Action.OpenUrl"}, {"title", title}, {"url", url}});
  boost::json::object card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                           {"type", "AdaptiveCard"},
                           {"version", "1.4"},
                           {"body", std::move(body)}};
  if (!actions.empty()) card["actions"] = std::move(actions);
  return PrettyJson(boost::json::object{
      {"type", "message"},
      {"attachments", boost::json::array{boost::json::object{
                          {"contentType", "application/vnd.microsoft.card.adaptive"},
                          {"content", std::move(card)}}}}});
}

// A Discord webhook: the headline as content, the changes in an embed (its description
// holds 4096 characters), red for news of a breach, green for resolutions only.
std::string Discord(const alert::AlertUpdate& update, const gate::EvaluationResult& result,
                    const AlertLinks& links) {
  const std::string text = RenderAlertText(update, result);
  std::string description;
  for (const alert::AlertChange& change : update.changes) {
    description +=
        "**" + std::string(KindLabel(change.kind)) + "** " + ChangeSentence(change, result) + "\n";
  }
  for (const auto& [title, url] : LinkList(links)) description += "[" + title + "](" + url + ")\n";
  description = Clip(description, 4000);
  const bool only_good =
      std::all_of(update.changes.begin(), update.changes.end(),
                  [](const auto& c) { return c.kind == alert::AlertChangeKind::kResolved; });
  boost::json::object embed{{"title", Clip(Headline(text), 256)},
                            {"description", description},
                            {"color", only_good ? 3066993 : 15158332},
                            {"footer", boost::json::object{{"text", Clip(Footer(result), 2048)}}}};
  if (!links.report.empty()) embed["url"] = links.report;
  return PrettyJson(boost::json::object{{"content", Clip(Headline(text), 2000)},
                                        {"embeds", boost::json::array{std::move(embed)}}});
}

}  // namespace

std::string RenderAlertPayload(const alert::AlertUpdate& update,
                               const gate::EvaluationResult& result, WebhookFormat format,
                               const AlertLinks& links) {
  switch (format) {
    case WebhookFormat::kSlack:
      return Slack(update, result, links);
    case WebhookFormat::kTeams:
      return Teams(update, result, links);
    case WebhookFormat::kDiscord:
      return Discord(update, result, links);
    case WebhookFormat::kJson:
      break;
  }
  return Perfgate(update, result, links);
}

}  // namespace perfgate::reports

#include "alert/anytime.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "gate/metric.h"
#include "gate/sequential.h"
#include "gate/thresholds.h"

namespace perfgate::alert {
namespace {

// True when every event of every group carries a time.
bool EveryEventTimed(const SampleSet& set) {
  for (const GroupSamples& group : set.groups) {
    if (group.size() == 0) continue;
    if (group.details.size() != group.size()) return false;
    for (const EventDetails& details : group.details)
      if (!details.timestamp) return false;
  }
  return std::any_of(set.groups.begin(), set.groups.end(),
                     [](const GroupSamples& group) { return group.size() > 0; });
}

// The lower bound of event times that counts every event.
constexpr double kEver = -std::numeric_limits<double>::infinity();

// The windows of the test: the entry's and this look's, the oldest dropped past kMaxWindows;
// a breach's end is tested on the misses (hits and misses swap).
struct TestWindows {
  std::vector<stats::CountWindow> windows;
  std::size_t first_index = 1;
};

TestWindows WithLook(const AlertEntry* entry, const stats::CountWindow& look) {
  TestWindows out;
  if (entry != nullptr) {
    out.windows = entry->windows;
    out.first_index = entry->first_window;
  }
  out.windows.push_back(look);
  while (out.windows.size() > kMaxWindows) {
    out.windows.erase(out.windows.begin());
    ++out.first_index;
  }
  return out;
}

// A rule of the result with the key UpdateAlerts gives it (repeated metrics numbered) and
// its group's events.
struct KeyedRule {
  std::string key;
  gate::RuleResult* rule;
  const GroupSamples* events;
};

std::vector<KeyedRule> KeyedRules(gate::EvaluationResult& result, const SampleSet& candidate) {
  std::vector<std::string> keys = AlertKeys(result);
  std::vector<KeyedRule> out;
  for (gate::GroupResult& group : result.groups) {
    const GroupSamples* events = candidate.Find(group.name);
    for (gate::RuleResult& rule : group.rules)
      out.push_back({std::move(keys[out.size()]), &rule, events});
  }
  return out;
}

}  // namespace

AnytimeLook JudgeAnytime(const AlertState& previous, const SampleSet& candidate, double alpha,
                         gate::EvaluationResult& result) {
  AnytimeLook look;
  look.source = candidate.source;
  look.timed = EveryEventTimed(candidate);
  const bool same_source = previous.source == candidate.source;
  const double after = look.timed && same_source ? previous.through.value_or(kEver) : kEver;
  if (look.timed) {
    look.through = previous.through;
    for (const GroupSamples& group : candidate.groups) {
      for (const EventDetails& details : group.details)
        look.through = std::max(look.through.value_or(*details.timestamp), *details.timestamp);
    }
  }

  std::vector<KeyedRule> rules = KeyedRules(result, candidate);
  std::erase_if(rules, [](const KeyedRule& keyed) {
    return !gate::AllowedShare(keyed.rule->rule) || keyed.events == nullptr ||
           keyed.events->size() == 0;
  });
  look.family = std::max(previous.family, rules.size());
  const double log_needed = std::log(static_cast<double>(look.family) / alpha);

  for (const KeyedRule& keyed : rules) {
    const std::string& key = keyed.key;
    gate::RuleResult* rule = keyed.rule;
    const GroupSamples* events = keyed.events;
    const double allowed = *gate::AllowedShare(rule->rule);
    const auto found = previous.entries.find(key);
    const AlertEntry* entry = found == previous.entries.end() ? nullptr : &found->second;

    LookCounts counts;
    counts.totals = gate::CountHits(rule->rule, *events);
    if (look.timed) {
      counts.window = after != kEver ? gate::CountHits(rule->rule, *events, after) : counts.totals;
    } else {
      counts.window = counts.totals;
      if (same_source && entry != nullptr) {  // the growth since the last look
        counts.window.trials = std::max(0.0, counts.totals.trials - entry->seen.trials);
        counts.window.hits =
            std::clamp(counts.totals.hits - entry->seen.hits, 0.0, counts.window.trials);
      }
    }
    look.counts[key] = counts;

    const bool breaching = entry != nullptr && entry->breaching;
    TestWindows test = WithLook(entry, counts.window);
    gate::AnytimeEvidence evidence;
    evidence.of_end = breaching;
    evidence.family = look.family;
    evidence.log_needed = log_needed;
    evidence.allowed_share = allowed;
    evidence.look_events = static_cast<std::size_t>(counts.window.trials);
    if (breaching) {
      for (stats::CountWindow& window : test.windows) window.hits = window.trials - window.hits;
      evidence.log_e = stats::ChangeMixtureLogE(test.windows, test.first_index, 1 - allowed);
    } else {
      evidence.log_e = stats::ChangeMixtureLogE(test.windows, test.first_index, allowed);
      // What one look of this traffic proves alone: the newest window's start term.
      const double j = static_cast<double>(test.first_index + test.windows.size() - 1);
      if (counts.window.trials > 0) {
        const std::optional<std::size_t> hits =
            stats::HitsToProve(static_cast<std::size_t>(counts.window.trials), allowed,
                               log_needed + std::log(j * (j + 1)));
        if (hits) evidence.provable_share = static_cast<double>(*hits) / counts.window.trials;
      }
    }
    // Breaching while a breach is proven and its end is not; over the limit at this look
    // but not proven, undecided (no news either way); else passing.
    const bool breaching_now = breaching ? !evidence.proven() : evidence.proven();
    const bool over =
        rule->candidate && (gate::IsFloor(rule->rule.kind) ? *rule->candidate < rule->rule.limit
                                                           : *rule->candidate > rule->rule.limit);
    const gate::Verdict verdict =
        breaching_now ? (rule->rule.severity == gate::Severity::kFail ? gate::Verdict::kFail
                                                                      : gate::Verdict::kWarn)
        : over        ? gate::Verdict::kInconclusive
                      : gate::Verdict::kPass;
    if (rule->verdict == gate::Verdict::kWaived) {
      rule->waived_verdict = verdict;
    } else {
      rule->verdict = verdict;
    }
    rule->caveat = gate::Caveat::kNone;  // the evidence replaces the one look's interval
    rule->anytime = evidence;
  }
  gate::SettleVerdicts(result);
  return look;
}

void KeepEvidence(const AnytimeLook& look, const AlertState& previous, AlertState& next) {
  next.family = look.family;
  next.source = look.source;
  next.through = look.through;
  for (const auto& [key, counts] : look.counts) {
    const auto now = next.entries.find(key);
    if (now == next.entries.end()) continue;
    AlertEntry& entry = now->second;
    const auto before = previous.entries.find(key);
    const bool was_breaching = before != previous.entries.end() && before->second.breaching;
    entry.seen = counts.totals;
    if (entry.breaching != was_breaching) {  // proven either way: the next test starts afresh
      entry.windows.clear();
      entry.first_window = 1;
      continue;
    }
    TestWindows test = WithLook(&entry, counts.window);
    entry.windows = std::move(test.windows);
    entry.first_window = test.first_index;
  }
}

}  // namespace perfgate::alert

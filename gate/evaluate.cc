#include "gate/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "gate/units.h"

namespace perfgate::gate {
namespace {

// One side of one group, sorted once so every quantile rule reads the same array.
struct Side {
  std::vector<double> sorted_ms;
  std::optional<stats::Summary> summary;

  explicit Side(const GroupSamples* group) {
    if (group == nullptr || group->size() == 0) return;
    sorted_ms = group->durations_ms;
    std::sort(sorted_ms.begin(), sorted_ms.end());
    Result<stats::Summary> summarized = stats::Summarize(group->durations_ms, group->failed);
    if (summarized.ok()) summary = *summarized;
  }
  std::size_t size() const { return sorted_ms.size(); }
  std::optional<double> Value(const Metric& metric, stats::QuantileMethod method) const {
    if (!summary) return std::nullopt;
    return MetricValue(metric, sorted_ms, *summary, method);
  }
  std::optional<SideStats> Stats(stats::QuantileMethod method) const {
    if (!summary) return std::nullopt;
    return SideStats{*summary, stats::QuantileOfSorted(sorted_ms, 0.50, method),
                     stats::QuantileOfSorted(sorted_ms, 0.95, method),
                     stats::QuantileOfSorted(sorted_ms, 0.99, method)};
  }
};

// Candidate against baseline as a fraction of the baseline. A change from 0 to more than
// 0 has no finite ratio: it is +infinity, which exceeds any relative tolerance.
double RelativeChange(double candidate, double baseline) {
  if (baseline == 0) return candidate == 0 ? 0 : std::numeric_limits<double>::infinity();
  return candidate / baseline - 1;
}

std::string EventsText(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " event" : " events");
}

RuleResult JudgeRule(const Rule& rule, const Side& baseline, const Side& candidate,
                     int min_samples, stats::QuantileMethod method) {
  RuleResult result;
  result.rule = rule;
  result.limit_text = LimitText(rule);
  result.candidate_n = candidate.size();
  result.baseline_n = baseline.size();
  result.candidate = candidate.Value(rule.metric, method);
  result.baseline = baseline.Value(rule.metric, method);

  // The change is shown for every rule that has both sides: relative for durations (and
  // for relative limits), in percentage points for error rates under absolute limits.
  const bool relative_limit = rule.kind == LimitKind::kMaxIncrease && rule.unit == ChangeUnit::kRelative;
  result.change_is_relative = rule.kind == LimitKind::kMaxIncrease
                                  ? relative_limit
                                  : rule.metric.IsDuration();
  if (result.candidate && result.baseline) {
    result.change = result.change_is_relative ? RelativeChange(*result.candidate, *result.baseline)
                                              : *result.candidate - *result.baseline;
  }

  const bool needs_baseline = rule.kind == LimitKind::kMaxIncrease;
  const auto min = static_cast<std::size_t>(min_samples);
  if (candidate.size() < min || (needs_baseline && baseline.size() < min)) {
    result.verdict = Verdict::kInsufficientData;
    const bool candidate_short = candidate.size() < min;
    result.note = std::string(candidate_short ? "candidate" : "baseline") + " has " +
                  EventsText(candidate_short ? candidate.size() : baseline.size()) +
                  ", fewer than min_samples " + std::to_string(min_samples);
    return result;
  }

  const double measured = rule.kind == LimitKind::kMax ? *result.candidate : *result.change;
  const bool exceeded = measured > rule.limit;
  if (!exceeded) {
    result.verdict = Verdict::kPass;
  } else {
    result.verdict = rule.severity == Severity::kFail ? Verdict::kFail : Verdict::kWarn;
  }
  return result;
}

void ApplyWaivers(const std::vector<Waiver>& waivers, const std::string& group,
                  std::chrono::year_month_day today, RuleResult& rule) {
  if (rule.verdict != Verdict::kFail && rule.verdict != Verdict::kWarn) return;
  for (const Waiver& waiver : waivers) {
    if (!GlobMatch(waiver.match, group)) continue;
    if (waiver.metric && !(*waiver.metric == rule.rule.metric)) continue;
    if (waiver.until >= today) {
      rule.note = "would " + std::string(VerdictName(rule.verdict)) + "; waived until " +
                  DateText(waiver.until) + ": " + waiver.reason + " [" +
                  waiver.origin.ToString() + "]";
      rule.verdict = Verdict::kWaived;
      return;
    }
    rule.note = "waiver expired on " + DateText(waiver.until) + " [" +
                waiver.origin.ToString() + "]";
  }
}

Outcome DecideOutcome(const EvaluationResult& result) {
  if (result.Count(Verdict::kFail) > 0) return Outcome::kRegression;
  if (result.Count(Verdict::kInsufficientData) > 0) {
    if (result.insufficient_data == InsufficientDataPolicy::kFail) return Outcome::kRegression;
    if (result.insufficient_data == InsufficientDataPolicy::kError) return Outcome::kUndecided;
  }
  return Outcome::kPass;
}

}  // namespace

EvaluationResult Evaluate(const Thresholds& config, const SampleSet& baseline,
                          const SampleSet& candidate, std::chrono::year_month_day today) {
  EvaluationResult result;
  result.config_name = config.source_name;
  result.baseline_source = baseline.source;
  result.candidate_source = candidate.source;
  result.percentile_method = std::string(stats::QuantileMethodName(config.percentile_method));
  result.min_samples = config.min_samples;
  result.group_by = config.group_by;
  result.insufficient_data = config.insufficient_data;
  result.baseline_events = baseline.TotalEvents();
  result.candidate_events = candidate.TotalEvents();

  // The groups to judge: by transaction, the union of both sides' names; else one group.
  std::vector<std::pair<GroupSamples, GroupSamples>> merged;
  std::set<std::string> names;
  if (config.group_by == GroupBy::kNone) {
    merged.emplace_back(MergeGroups(baseline, std::string(kAllGroupName)),
                        MergeGroups(candidate, std::string(kAllGroupName)));
    names.insert(std::string(kAllGroupName));
  } else {
    for (const GroupSamples& group : baseline.groups) names.insert(group.name);
    for (const GroupSamples& group : candidate.groups) names.insert(group.name);
  }

  std::vector<bool> override_used(config.groups.size(), false);
  for (const std::string& name : names) {
    GroupResult group;
    group.name = name;
    const GroupOverride* override_entry = nullptr;
    for (std::size_t i = 0; i < config.groups.size(); ++i) {
      if (!GlobMatch(config.groups[i].match, name)) continue;
      override_used[i] = true;
      if (override_entry == nullptr) {
        override_entry = &config.groups[i];
        group.override_origin = override_entry->origin;
      }
    }
    const bool all = config.group_by == GroupBy::kNone;
    Side base(all ? &merged[0].first : baseline.Find(name));
    Side cand(all ? &merged[0].second : candidate.Find(name));
    group.baseline = base.Stats(config.percentile_method);
    group.candidate = cand.Stats(config.percentile_method);
    if (override_entry && override_entry->skip) {
      group.skipped = true;
      result.groups.push_back(std::move(group));
      continue;
    }
    const std::vector<Rule>& rules =
        override_entry && override_entry->rules ? *override_entry->rules : config.rules;
    const int min_samples = override_entry && override_entry->min_samples
                                ? *override_entry->min_samples
                                : config.min_samples;
    for (const Rule& rule : rules) {
      RuleResult judged = JudgeRule(rule, base, cand, min_samples, config.percentile_method);
      ApplyWaivers(config.waivers, name, today, judged);
      if (VerdictRank(judged.verdict) > VerdictRank(group.verdict)) group.verdict = judged.verdict;
      group.rules.push_back(std::move(judged));
    }
    result.groups.push_back(std::move(group));
  }

  for (std::size_t i = 0; i < config.groups.size(); ++i) {
    if (!override_used[i]) {
      result.notes.push_back("group pattern '" + config.groups[i].match + "' [" +
                             config.groups[i].origin.ToString() + "] matched no transaction");
    }
  }
  for (const Waiver& waiver : config.waivers) {
    if (waiver.until < today) {
      result.notes.push_back("waiver for '" + waiver.match + "'" +
                             (waiver.metric ? " " + waiver.metric->name : std::string()) +
                             " expired on " + DateText(waiver.until) + " [" +
                             waiver.origin.ToString() + "]; its rules are judged again");
    }
  }
  for (const SampleSet* side : {&baseline, &candidate}) {
    if (side->skipped_rows == 0) continue;
    result.notes.push_back("skipped " + std::to_string(side->skipped_rows) + " bad rows in " +
                           side->source + "; the first: " + side->skipped_examples.front());
  }
  result.outcome = DecideOutcome(result);
  return result;
}

}  // namespace perfgate::gate

#include "gate/evaluate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/number_format.h"
#include "core/parallel.h"
#include "gate/measure.h"
#include "stats/mann_whitney.h"
#include "stats/quantile.h"

namespace perfgate::gate {
namespace {

using stats::Interval;

Verdict Failing(const Rule& rule) {
  return rule.severity == Severity::kFail ? Verdict::kFail : Verdict::kWarn;
}

// Guards the numbers a verdict compares with a limit: the value and its interval. Valid
// data cannot make one NaN (durations are finite and every statistic here stays finite or
// becomes +-inf, which compare as numbers do), but a NaN compares false with every limit,
// so an unguarded `value > limit` would pass it. It fails instead, closed as a gate must,
// and says why. Returns true when it decided.
bool FailedAsNotANumber(const Rule& rule, double value, const std::optional<Interval>& ci,
                        RuleResult& out) {
  if (!std::isnan(value) && !(ci && (std::isnan(ci->lower) || std::isnan(ci->upper)))) return false;
  out.verdict = Failing(rule);
  out.caveat = Caveat::kNotANumber;
  return true;
}

// A rule's numbers turned so that larger is worse, with its limit: a floor (min: apdex >= 0.9)
// is judged as -apdex <= -0.9 and a max_decrease as -change <= tolerance, so one set of
// comparisons judges every kind of limit.
struct Worse {
  double value = 0;
  std::optional<Interval> ci;
  double limit = 0;
};

Worse Oriented(const Rule& rule, double value, const std::optional<Interval>& ci) {
  if (!IsFloor(rule.kind)) return {value, ci, rule.limit};
  std::optional<Interval> flipped;
  if (ci) flipped = Interval{-ci->upper, -ci->lower};
  return {-value, flipped, rule.kind == LimitKind::kMin ? -rule.limit : rule.limit};
}

// decide_on upper and lower, for both kinds of rule: the interval's end (the value itself
// where no interval exists) against the limit.
void JudgeByInterval(const Rule& rule, const Worse& worse, RuleResult& out) {
  const std::optional<Interval>& ci = worse.ci;
  if (rule.decide_on == DecideOn::kUpper) {
    out.verdict = (ci ? ci->upper : worse.value) > worse.limit ? Failing(rule) : Verdict::kPass;
  } else if ((ci ? ci->lower : worse.value) > worse.limit) {
    out.verdict = Failing(rule);
  } else if (worse.value > worse.limit) {
    out.verdict = Verdict::kInconclusive;
    out.caveat = Caveat::kStraddlesLimit;
  } else {
    out.verdict = Verdict::kPass;
  }
}

// An absolute rule: the candidate's value and interval against the limit.
void JudgeAbsolute(const Rule& rule, RuleResult& out) {
  if (FailedAsNotANumber(rule, *out.candidate, out.candidate_ci, out)) return;
  const Worse worse = Oriented(rule, *out.candidate, out.candidate_ci);
  if (rule.decide_on != DecideOn::kPoint) {
    JudgeByInterval(rule, worse, out);
  } else if (worse.value > worse.limit) {
    out.verdict = Failing(rule);
    if (worse.ci && worse.ci->lower <= worse.limit) out.caveat = Caveat::kFailedInsideCi;
  } else if (worse.ci && worse.ci->upper > worse.limit) {
    out.verdict = Verdict::kInconclusive;
    out.caveat = Caveat::kCiReachesOver;
  } else {
    out.verdict = Verdict::kPass;
  }
}

// An absolute breach the baseline had too is marked pre-existing (all reports say so);
// under policy.pre_existing: warn a fail-severity one warns instead.
void MarkPreExisting(const Rule& rule, PreExistingPolicy policy, RuleResult& out) {
  if (out.verdict != Verdict::kFail && out.verdict != Verdict::kWarn) return;
  if (!out.baseline) return;
  const Worse baseline = Oriented(rule, *out.baseline, std::nullopt);
  if (!(baseline.value > baseline.limit)) return;
  out.pre_existing = true;
  if (policy == PreExistingPolicy::kWarn && out.verdict == Verdict::kFail) {
    out.verdict = Verdict::kWarn;
  }
}

// A relative rule, once the run's p-values are adjusted.
void JudgeRelative(const Rule& rule, double confidence, RuleResult& out) {
  if (FailedAsNotANumber(rule, *out.change, out.change_ci, out)) return;
  const Worse worse = Oriented(rule, *out.change, out.change_ci);
  if (rule.decide_on != DecideOn::kPoint) {
    JudgeByInterval(rule, worse, out);
  } else if (worse.value <= worse.limit) {
    out.verdict = Verdict::kPass;
  } else if (!out.adjusted_p_value || !(*out.adjusted_p_value >= 1 - confidence)) {
    out.verdict = Failing(rule);  // significant (or no test exists for the metric)
  } else {
    // Over the tolerance, but not significant over the run's family. Where the test alone
    // is not significant either (one-sided, at half of 1 - confidence), that is what noise
    // does to a quiet transaction's estimate: passed, with a note of what this traffic can
    // tell. Only a change significant alone, and not over the family, needs attention.
    const bool alone = out.p_value && *out.p_value < (1 - confidence) / 2;
    out.verdict = alone ? Verdict::kInconclusive : Verdict::kPass;
    out.caveat = Caveat::kNotSignificant;
  }
}

// A rule with every number computed. Absolute rules and insufficient data are decided at
// once; a relative rule with data awaits JudgeRelative, once the run's p-values are adjusted.
struct MeasuredRule {
  RuleResult result;
  bool awaits_test = false;
  ChangeSpread spread;  // of a tested change, for its minimum detectable effect
};

MeasuredRule MeasureRule(const Rule& rule, Side& base, Side& cand, int min_samples,
                         const Thresholds& config) {
  MeasuredRule measured;
  RuleResult& result = measured.result;
  result.rule = rule;
  result.limit_text = LimitText(rule);
  result.candidate_n = cand.size();
  result.baseline_n = base.size();
  // A side with fewer than min_samples events is shown by its value alone: no rule is
  // judged on it, and its bootstrap would cost as much as a large group's.
  const auto min = static_cast<std::size_t>(min_samples);
  const bool increase = IsRelative(rule.kind);  // judged against the baseline
  const Estimate* base_estimate = base.size() >= min ? base.EstimateOf(rule.metric) : nullptr;
  const Estimate* cand_estimate = cand.size() >= min ? cand.EstimateOf(rule.metric) : nullptr;
  result.candidate =
      cand_estimate ? std::optional<double>(cand_estimate->value) : cand.PointValue(rule.metric);
  result.baseline =
      base_estimate ? std::optional<double>(base_estimate->value) : base.PointValue(rule.metric);
  if (cand_estimate) result.candidate_ci = cand_estimate->interval;
  if (base_estimate) result.baseline_ci = base_estimate->interval;

  // The change is shown for every rule that has both sides: relative for durations (and
  // for relative limits), in percentage points for error rates under absolute limits.
  result.change_is_relative =
      increase ? rule.unit == ChangeUnit::kRelative : rule.metric.unit != MetricUnit::kFraction;
  if (result.candidate && result.baseline) {
    result.change = result.change_is_relative ? RelativeChange(*result.candidate, *result.baseline)
                                              : *result.candidate - *result.baseline;
  }

  if (cand.size() < min || (increase && base.size() < min)) {
    const bool candidate_short = cand.size() < min;
    result.verdict = Verdict::kInsufficientData;
    result.caveat = Caveat::kBelowMinSamples;
    result.shortfall = {candidate_short, candidate_short ? cand.size() : base.size(), min};
    return measured;
  }
  // Events enough for the interval to cover what it claims (Sentry's aggregates claim none).
  const std::size_t tail_min = MinEventsToJudge(rule.metric);
  const bool cand_thin = !cand.aggregated() && cand.size() < tail_min;
  const bool base_thin = increase && !base.aggregated() && base.size() < tail_min;
  if (cand_thin || base_thin) {
    result.verdict = Verdict::kInsufficientData;
    result.caveat = Caveat::kThinTail;
    result.shortfall = {cand_thin, cand_thin ? cand.size() : base.size(), tail_min};
    return measured;
  }
  const bool missing = !cand_estimate || (increase && !base_estimate) ||
                       std::isnan(cand_estimate->value) ||
                       (increase && std::isnan(base_estimate->value));
  if (missing) {
    // What the events lack: times for a throughput, users for a misery, or (in aggregate
    // mode) the metric among Sentry's aggregates.
    const bool aggregated = cand.aggregated() || (increase && base.aggregated());
    result.verdict = Verdict::kInsufficientData;
    result.caveat =
        rule.metric.kind == MetricKind::kThroughput && !aggregated   ? Caveat::kNoTimeRange
        : rule.metric.kind == MetricKind::kUserMisery && !aggregated ? Caveat::kNoUsers
                                                                     : Caveat::kNotAggregated;
    result.shortfall.candidate = !cand_estimate || std::isnan(cand_estimate->value);
    return measured;
  }
  if (!increase) {
    JudgeAbsolute(rule, result);
    MarkPreExisting(rule, config.pre_existing, result);
    return measured;
  }
  const bool decrease = rule.kind == LimitKind::kMaxDecrease;
  if (rule.metric.kind == MetricKind::kErrorRate) {
    measured.spread = CompareRates(*base.summary(), *cand.summary(), result.change_is_relative,
                                   config.confidence, result);
  } else if (rule.metric.kind == MetricKind::kUserMisery) {
    // Fisher's test on miserable users of users; the interval of the smoothed misery's
    // change is not the raw proportions', so none is claimed.
    auto as_rate = [](const stats::MiseryCounts& counts) {
      const auto users = static_cast<double>(counts.users);
      return stats::Summary{counts.users,
                            counts.miserable_users,
                            static_cast<double>(counts.miserable_users) / users,
                            0,
                            0,
                            0};
    };
    measured.spread =
        CompareRates(as_rate(*base.Misery(rule.metric)), as_rate(*cand.Misery(rule.metric)), false,
                     config.confidence, result);
    result.change_ci.reset();
    measured.spread = {};
  } else if (rule.metric.kind == MetricKind::kThroughput) {
    measured.spread = CompareThroughputs(base.size(), *base.minutes(), cand.size(), *cand.minutes(),
                                         config.confidence, result);
  } else if (cand_estimate->Bootstrapped() && base_estimate->Bootstrapped()) {
    measured.spread = CompareBootstraps(*base_estimate, *cand_estimate, result.change_is_relative,
                                        decrease, config.confidence, result);
  } else if (base.aggregated() || cand.aggregated()) {
    result.caveat = Caveat::kAggregateValues;
  }
  measured.awaits_test = true;
  return measured;
}

void ApplyWaivers(const std::vector<Waiver>& waivers, const std::string& group,
                  std::chrono::year_month_day today, RuleResult& rule) {
  if (rule.verdict != Verdict::kFail && rule.verdict != Verdict::kWarn) return;
  for (const Waiver& waiver : waivers) {
    if (!GlobMatch(waiver.match, group)) continue;
    if (waiver.metric && !(*waiver.metric == rule.rule.metric)) continue;
    rule.waiver = waiver;
    rule.waiver_expired = waiver.until < today;
    if (!rule.waiver_expired) {
      rule.waived_verdict = rule.verdict;
      rule.verdict = Verdict::kWaived;
      return;
    }
  }
}

// The result's header: the sources and every setting that decided the verdicts.
EvaluationResult ResultHeader(const Thresholds& config, const SampleSet& baseline,
                              const SampleSet& candidate) {
  EvaluationResult result;
  result.config_name = config.source_name;
  result.baseline_source = baseline.source;
  result.candidate_source = candidate.source;
  result.baseline_origin = baseline.origin;
  result.candidate_origin = candidate.origin;
  result.percentile_method = config.percentile_method;
  result.min_samples = config.min_samples;
  result.confidence = config.confidence;
  result.resamples = config.resamples;
  result.seed = config.seed;
  result.correction = config.correction;
  result.interval = config.interval;
  result.error_rate_interval = config.error_rate_interval;
  result.group_by = config.group_by;
  result.insufficient_data = config.insufficient_data;
  result.inconclusive = config.inconclusive;
  result.pre_existing = config.pre_existing;
  result.baseline_events = baseline.TotalEvents();
  result.candidate_events = candidate.TotalEvents();
  result.aggregated = baseline.IsAggregated() || candidate.IsAggregated();
  for (const SampleSet* side : {&baseline, &candidate}) {
    for (const GroupSamples& group : side->groups)
      result.binned = result.binned || !group.bins.empty();
  }
  return result;
}

// A relative rule whose test awaits the correction: its (group, rule) position in the
// result and the spread of its change.
struct PendingTest {
  std::size_t group = 0;
  std::size_t rule = 0;
  ChangeSpread spread;
};

// One group judged, with its relative tests that await the correction.
struct JudgedGroup {
  GroupResult group;
  std::vector<PendingTest> tests;  // `group` is set when the run's groups are assembled
};

// Each release's time range in minutes, for throughputs: from its first event to its last;
// nullopt when its events have no times (or one time).
struct SideMinutes {
  std::optional<double> baseline;
  std::optional<double> candidate;
};

std::optional<double> MinutesOf(const SourceOrigin& origin) {
  if (!origin.first_seconds || !origin.last_seconds) return std::nullopt;
  const double minutes = (*origin.last_seconds - *origin.first_seconds) / 60;
  return minutes > 0 ? std::optional<double>(minutes) : std::nullopt;
}

// Judges one group with its rules (those of `override_entry` where it replaces them).
// Touches nothing but its own result, so groups are judged in parallel.
// The note of a max_drift rule: where its creep came from, release by release.
std::string DriftNote(const Rule& rule, const std::string& name, const DriftBaseline& drift,
                      const RuleResult& result, const Thresholds& config) {
  const Metric& metric = rule.metric;
  auto value_of = [&](const SampleSet& set) -> std::optional<double> {
    const GroupSamples* group = set.Find(name);
    if (group == nullptr || group->Count() == 0 || !metric.value.empty()) return std::nullopt;
    if (metric.kind == MetricKind::kErrorRate)
      return static_cast<double>(group->Failures()) / static_cast<double>(group->Count());
    if (metric.kind != MetricKind::kQuantile) return std::nullopt;
    if (group->aggregates) {
      auto found = group->aggregates->quantiles_ms.find(metric.q);
      if (found == group->aggregates->quantiles_ms.end()) return std::nullopt;
      return found->second;
    }
    std::vector<double> sorted = group->durations_ms;
    std::sort(sorted.begin(), sorted.end());
    return stats::QuantileOfSorted(sorted, metric.q, config.percentile_method);
  };
  auto text = [&](double value) {
    return metric.kind == MetricKind::kErrorRate ? FormatPercent(value) : FormatMs(value);
  };
  std::string steps;
  for (const auto& [release, set] : drift.steps) {
    if (const std::optional<double> value = value_of(set))
      steps += (steps.empty() ? "" : ", ") + release + " " + text(*value);
  }
  std::string note = "drift since " + drift.oldest_release + " over " +
                     std::to_string(rule.drift_releases) + " releases";
  if (!steps.empty()) note += ": " + metric.name + " " + steps;
  if (result.candidate)
    note += (steps.empty() ? ": candidate " : "; candidate ") + text(*result.candidate);
  return note;
}

JudgedGroup JudgeGroup(const Thresholds& config, const std::string& name,
                       const GroupOverride* override_entry, const GroupSamples* base_samples,
                       const GroupSamples* cand_samples, const SideMinutes& minutes,
                       const DriftBaselines& drifts) {
  JudgedGroup judged;
  GroupResult& group = judged.group;
  group.name = name;
  if (override_entry != nullptr) group.override_origin = override_entry->origin;
  const Metric duration;  // the durations' side, shared by every metric of the durations
  Side base(base_samples, duration, minutes.baseline, "baseline\x1f" + name, config);
  Side cand(cand_samples, duration, minutes.candidate, "candidate\x1f" + name, config);
  // The sides of each other value a rule names (measurements.lcp, Apdex points, ...), made
  // when first named.
  std::map<std::string, std::pair<Side, Side>, std::less<>> values;
  auto sides_of = [&](const Metric& metric) -> std::pair<Side*, Side*> {
    const std::string key = ValueKey(metric);
    if (key.empty()) return {&base, &cand};
    auto found = values.find(key);
    if (found == values.end()) {
      found = values
                  .emplace(std::piecewise_construct, std::forward_as_tuple(key),
                           std::forward_as_tuple(Side(base_samples, metric, minutes.baseline,
                                                      "baseline\x1f" + name, config),
                                                 Side(cand_samples, metric, minutes.candidate,
                                                      "candidate\x1f" + name, config)))
                  .first;
    }
    return {&found->second.first, &found->second.second};
  };
  group.baseline = base.ReportedStats();
  group.candidate = cand.ReportedStats();
  if (!base.sorted().empty() && !cand.sorted().empty())
    group.shift = stats::MannWhitney(base.sorted(), cand.sorted());
  group.skipped = override_entry != nullptr && override_entry->skip;
  if (group.skipped) return judged;
  const std::vector<Rule>& rules =
      override_entry && override_entry->rules ? *override_entry->rules : config.rules;
  const int min_samples = override_entry && override_entry->min_samples
                              ? *override_entry->min_samples
                              : config.min_samples;
  // A max_drift rule's baseline sides: of the oldest of its releases, made when first named.
  std::map<std::pair<int, std::string>, Side> drift_sides;
  for (const Rule& rule : rules) {
    auto [rule_base, rule_cand] = sides_of(rule.metric);
    const auto drift = drifts.find(rule.drift_releases);
    if (rule.drift_releases > 0) {
      const auto key = std::make_pair(rule.drift_releases, ValueKey(rule.metric));
      auto found = drift_sides.find(key);
      if (found == drift_sides.end()) {
        const GroupSamples* oldest =
            drift == drifts.end() ? nullptr : drift->second.oldest.Find(name);
        found =
            drift_sides
                .emplace(key, Side(oldest, rule.metric,
                                   drift == drifts.end() ? std::nullopt
                                                         : MinutesOf(drift->second.oldest.origin),
                                   "drift\x1f" + name, config))
                .first;
      }
      rule_base = &found->second;
    }
    // A rule on values neither side of the group has (Web Vitals on an API's
    // transactions, durations in a group of k6 custom samples) does not apply to it;
    // AddNotes says so of a rule that applied nowhere.
    if (rule_base->size() == 0 && rule_cand->size() == 0) continue;
    MeasuredRule measured = MeasureRule(rule, *rule_base, *rule_cand, min_samples, config);
    if (rule.drift_releases > 0) {
      measured.result.drift =
          drift == drifts.end()
              ? "max_drift needs the " + std::to_string(rule.drift_releases) +
                    " releases before the candidate's: the candidate must be a sentry: release "
                    "with that many before it"
              : DriftNote(rule, name, drift->second, measured.result, config);
    }
    group.rules.push_back(std::move(measured.result));
    if (measured.awaits_test) judged.tests.push_back({0, group.rules.size() - 1, measured.spread});
  }
  return judged;
}

// Judges every group of both sides (by transaction, the union of their names; else one
// group of all events) with its rules, appending them to `result` in name order. Returns
// the relative rules left for JudgeRelatives(); `override_used` says which `groups:`
// entries matched.
std::vector<PendingTest> JudgeGroups(const Thresholds& config, const SampleSet& baseline,
                                     const SampleSet& candidate, const DriftBaselines& drifts,
                                     EvaluationResult& result, std::vector<bool>& override_used) {
  std::optional<std::pair<GroupSamples, GroupSamples>> merged;
  std::set<std::string> unique;
  if (config.group_by == GroupBy::kNone) {
    merged.emplace(MergeGroups(baseline, std::string(kAllGroupName)),
                   MergeGroups(candidate, std::string(kAllGroupName)));
    unique.insert(std::string(kAllGroupName));
  } else {
    for (const GroupSamples& group : baseline.groups) unique.insert(group.name);
    for (const GroupSamples& group : candidate.groups) unique.insert(group.name);
  }
  const std::vector<std::string> names(unique.begin(), unique.end());
  // The first `groups:` entry that matches each name applies to it.
  std::vector<const GroupOverride*> overrides(names.size(), nullptr);
  for (std::size_t g = 0; g < names.size(); ++g) {
    for (std::size_t i = 0; i < config.groups.size(); ++i) {
      if (!GlobMatch(config.groups[i].match, names[g])) continue;
      override_used[i] = true;
      if (overrides[g] == nullptr) overrides[g] = &config.groups[i];
    }
  }
  std::vector<JudgedGroup> judged(names.size());
  const SideMinutes minutes{MinutesOf(baseline.origin), MinutesOf(candidate.origin)};
  // A group can cost milliseconds (a busy transaction's laws): small chunks, and threads
  // from a handful of groups on.
  ParallelFor(
      names.size(),
      [&](std::size_t g) {
        judged[g] = JudgeGroup(
            config, names[g], overrides[g], merged ? &merged->first : baseline.Find(names[g]),
            merged ? &merged->second : candidate.Find(names[g]), minutes, drifts);
      },
      /*threads=*/0, /*chunk=*/2, /*serial_below=*/4);
  std::vector<PendingTest> pending;
  result.groups.reserve(names.size());
  for (JudgedGroup& one : judged) {
    for (PendingTest& test : one.tests) {
      test.group = result.groups.size();
      pending.push_back(test);
    }
    result.groups.push_back(std::move(one.group));
  }
  return pending;
}

// Adjusts the p-values of every relative test of the run as one family (the correction
// covers the run, not each group), works out each one's minimum detectable effect for a
// family of that size (DetectableFamily), then judges the relative rules.
void JudgeRelatives(const Thresholds& config, const std::vector<PendingTest>& pending,
                    EvaluationResult& result) {
  std::vector<double> p_values;
  std::vector<RuleResult*> tested;
  for (const PendingTest& test : pending) {
    RuleResult& rule = result.groups[test.group].rules[test.rule];
    if (!rule.p_value) continue;
    p_values.push_back(*rule.p_value);
    tested.push_back(&rule);
  }
  std::vector<double> adjusted = stats::AdjustPValues(p_values, config.correction);
  for (std::size_t i = 0; i < tested.size(); ++i) tested[i]->adjusted_p_value = adjusted[i];
  result.relative_tests = tested.size();
  const std::size_t family = result.DetectableFamily();
  for (const PendingTest& test : pending) {
    RuleResult& rule = result.groups[test.group].rules[test.rule];
    if (rule.p_value) {
      rule.minimum_detectable_effect =
          MinimumDetectableEffect(rule.rule, test.spread, config.confidence, family);
    }
    JudgeRelative(rule.rule, config.confidence, rule);
  }
}

// What a source said of its own reading.
SourceNotes NotesOf(const SampleSet& side) {
  SourceNotes notes;
  notes.source = side.source;
  notes.notes = side.notes;
  notes.skipped_rows = side.skipped_rows;
  if (side.skipped_rows > 0 && !side.skipped_examples.empty()) {
    notes.first_skipped = side.skipped_examples.front();
  }
  return notes;
}

// What a report must say besides the verdicts: unparameterised names, unmatched patterns,
// expired waivers, the sources' own notes and skipped rows.
void AddNotes(const Thresholds& config, const std::vector<bool>& override_used,
              const SampleSet& baseline, const SampleSet& candidate,
              std::chrono::year_month_day today, EvaluationResult& result) {
  for (const GroupResult& group : result.groups) {
    if (!LooksUnparameterised(group.name)) continue;
    if (result.unparameterised_groups++ == 0) result.unparameterised_example = group.name;
  }
  for (std::size_t i = 0; i < config.groups.size(); ++i) {
    if (!override_used[i]) result.unmatched_patterns.push_back(config.groups[i]);
  }
  for (const Waiver& waiver : config.waivers) {
    if (waiver.until < today) result.expired_waivers.push_back(waiver);
  }
  // Rules that judged nothing: no group had the values they are about.
  auto judged_somewhere = [&](const Rule& rule) {
    const std::string text = LimitText(rule);
    for (const GroupResult& group : result.groups) {
      for (const RuleResult& judged : group.rules) {
        if (judged.limit_text == text && judged.rule.origin.line == rule.origin.line &&
            judged.rule.origin.column == rule.origin.column) {
          return true;
        }
      }
    }
    return false;
  };
  for (const Rule* rule : AllRules(config)) {
    if (!judged_somewhere(*rule)) result.unjudged_rules.push_back(*rule);
  }
  result.baseline_notes = NotesOf(baseline);
  result.candidate_notes = NotesOf(candidate);
}

Outcome ApplyPolicy(UndecidedPolicy policy, std::size_t count, Outcome outcome) {
  if (count == 0) return outcome;
  if (policy == UndecidedPolicy::kFail) return Outcome::kRegression;
  if (policy == UndecidedPolicy::kError && outcome == Outcome::kPass) return Outcome::kUndecided;
  return outcome;
}

}  // namespace

Outcome DecideOutcome(const EvaluationResult& result) {
  Outcome outcome = result.Count(Verdict::kFail) > 0 ? Outcome::kRegression : Outcome::kPass;
  outcome =
      ApplyPolicy(result.insufficient_data, result.Count(Verdict::kInsufficientData), outcome);
  return ApplyPolicy(result.inconclusive, result.Count(Verdict::kInconclusive), outcome);
}

bool LooksUnparameterised(std::string_view name) {
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  std::size_t at = 0;
  while (at < name.size()) {
    const std::size_t end = std::min(name.find_first_of("/?&=:;,. ", at), name.size());
    const std::string_view segment = name.substr(at, end - at);
    at = end + 1;
    if (segment.size() >= 2 &&
        std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return true;  // "/users/1234"
    }
    std::size_t hex = 0, digits = 0;
    for (char c : segment) {
      hex += is_hex(c) ? 1 : 0;
      digits += c >= '0' && c <= '9' ? 1 : 0;
    }
    const bool uuid = segment.size() == 36 && segment[8] == '-' && segment[13] == '-' &&
                      segment[18] == '-' && segment[23] == '-' && hex == 32;
    if (uuid || (segment.size() >= 16 && hex == segment.size() && digits > 0)) return true;
  }
  return false;
}

EvaluationResult Evaluate(const Thresholds& config, const SampleSet& baseline,
                          const SampleSet& candidate, std::chrono::year_month_day today,
                          const DriftBaselines& drifts) {
  EvaluationResult result = ResultHeader(config, baseline, candidate);
  std::vector<bool> override_used(config.groups.size(), false);
  const std::vector<PendingTest> pending =
      JudgeGroups(config, baseline, candidate, drifts, result, override_used);
  JudgeRelatives(config, pending, result);
  for (GroupResult& group : result.groups) {
    for (RuleResult& rule : group.rules) {
      ApplyWaivers(config.waivers, group.name, today, rule);
      if (VerdictRank(rule.verdict) > VerdictRank(group.verdict)) group.verdict = rule.verdict;
    }
  }
  AddNotes(config, override_used, baseline, candidate, today, result);
  result.outcome = DecideOutcome(result);
  return result;
}

}  // namespace perfgate::gate
